import {spawn, type ChildProcess} from "node:child_process";
import {existsSync, readdirSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {currentVersion, planDirOf} from "../pipelines/warehouse/store.js";
import {AppCache, CachedReader} from "./appcache.js";
import {planId} from "./oba/count-definitions.js";
import {denominatorDefinition, lattice, numeratorDefinition} from "./oba/disclosure.js";
import {planKey, sharedPolicy, SUPPRESSED_ROLES, type DisclosurePolicies, type DisclosurePolicy} from "./oba/policy.js";

/**
 * Disclosure plans solved ahead of the first viewer (issue 16 §3). Solving a version's plans is most
 * of what the first request after a pipeline run costs (0.4–1 s for a series, 3–5 s for a
 * scorecard); the plans are kept on disk beside their version (api/plan-store.ts), so a separate
 * process that solves them as soon as a version is published leaves the API only files to read.
 * That process is started by the API (PlanWarm) but never runs inside it: solving is heavy work.
 *
 * Warmed: every authority's indicators (the catalogue's own authority first, one authority after
 * another: on a warehouse of many authorities this is a long background job), numerator and
 * denominator without a breakdown — what a series, a baseline and a scorecard ask for first — for
 * each plan-distinct policy a request can carry. Breakdowns (the slow plans, asked for less) only
 * with `breakdowns`.
 */

/** The policies a request solves plans for: each suppressed role's and the shared one, one per plan key. */
export function policiesToWarm(policies: DisclosurePolicies): DisclosurePolicy[] {
  const byKey = new Map<string, DisclosurePolicy>();
  for (const p of [...SUPPRESSED_ROLES.map((r) => policies[r]), sharedPolicy(policies)]) byKey.set(planKey(p), p);
  return [...byKey.values()];
}

export interface WarmResult {
  version: number | null;
  /** Distinct plans (definition, breakdown, policy) solved or found kept. */
  plans: number;
  /** A newer version was published while warming: the rest is left to the warm run for that version. */
  superseded: boolean;
  seconds: number;
}

/** Solve (or find already kept) the current version's first-asked plans, stopping when a newer version is published. */
export async function warmPlans(reader: CachedReader, policies: DisclosurePolicy[], options: {breakdowns?: boolean} = {}): Promise<WarmResult> {
  const t0 = performance.now();
  const version = await reader.currentVersion();
  const result = (plans: number, superseded: boolean): WarmResult => ({version, plans, superseded, seconds: (performance.now() - t0) / 1000});
  if (version === null) return result(0, false);
  const home = new Set(reader.reference.counts.publishers.map((i) => i.laCode));
  // The catalogue's own authority first: a request names another only by asking for its geography.
  const las = (await reader.query<{la_code: string}>(`SELECT DISTINCT la_code FROM ref_wards ORDER BY la_code`)).map((r) => r.la_code)
    .sort((a, b) => Number(home.has(b)) - Number(home.has(a)));
  // Plans are asked for by definition: indicators counting the same records (referrals, the referral
  // rate's numerator) share one, counted once. A definition belongs to one authority, so each gets a
  // cache of its own, dropped when the next begins.
  const asked = new Set<string>();
  for (const la of las) {
    const db = new CachedReader(reader.warehouse, new AppCache(), reader.reference);
    for (const ind of reader.reference.counts.publishers) {
      for (const policy of policies) {
        for (const def of [numeratorDefinition(ind, la), denominatorDefinition(ind, la)]) {
          if (!def) continue;
          for (const b of [undefined, ...(options.breakdowns ? Object.values(ind.breakdowns) : [])]) {
            const key = planId(def, b, policy);
            if (asked.has(key)) continue;
            if (currentVersion({dir: reader.dir})?.version !== version) return result(asked.size, true);
            await lattice(db, def, b, policy);
            asked.add(key);
          }
        }
      }
    }
  }
  return result(asked.size, false);
}

/** Whether a version (the current one unless given) has any plan kept yet (a fresh version after a run, or a store never warmed). */
export function hasPlans(warehouseDir: string, version = currentVersion({dir: warehouseDir})?.version): boolean {
  if (version === undefined) return true; // nothing published: nothing to warm
  const dir = planDirOf(warehouseDir, version);
  try {
    return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".json"));
  } catch {
    return true; // an unreadable store: a warm run could keep nothing there either
  }
}

const CLI = fileURLToPath(new URL("./plans-warm-cli.ts", import.meta.url));

/**
 * The API's warm runs: one per published version, however the API hears of it — the version there
 * at start, a run its own schedule published, or a newer version a request meets first (a run
 * published by hand with `npm run pipeline`; Warehouse's onVersion). Each is a low-priority child
 * (`nice`), one at a time: a version published while one runs (which then stops, api/plans-warm-cli.ts)
 * is warmed when it ends. A version that already has plans (warmed before a restart, or by another
 * process) is left alone. CURVE_PLAN_WARM=off (tests) turns it off. The children's output goes to
 * the API's; the API never waits for them, and a failed warm costs only the first viewer's time, as without it.
 */
export class PlanWarm {
  private running: ChildProcess | null = null;
  /** The newest version heard of, and the newest one a warm run was started for (or found warmed). */
  private newest: number | null = null;
  private warmed: number | null = null;
  private waiting: (() => void)[] = [];

  constructor(private readonly warehouseDir: string, private readonly log: (e: Record<string, unknown>) => void) {}

  /** A version the API heard of: warmed unless it was already, or has plans. */
  notice(version: number): void {
    if (this.newest === null || version > this.newest) this.newest = version;
    this.next();
  }

  /** The version CURRENT names now (at start, after a run publishes). */
  noticeCurrent(): void {
    const current = currentVersion({dir: this.warehouseDir});
    if (current) this.notice(current.version);
  }

  /**
   * Reads CURRENT every `ms`, so a version published by hand (`npm run pipeline`) is warmed before its
   * first viewer asks, not only when a request meets it. The timer never keeps the process alive.
   * Returns the function that stops it.
   */
  watch(ms: number): () => void {
    const timer = setInterval(() => this.noticeCurrent(), ms);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Whether a warm run is running. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Settles when no warm run is running (tests wait for the child through it). */
  idle(): Promise<void> {
    return this.running ? new Promise((r) => this.waiting.push(r)) : Promise.resolve();
  }

  private next(): void {
    if (process.env.CURVE_PLAN_WARM === "off" || this.running) return;
    const version = this.newest;
    if (version === null || (this.warmed !== null && version <= this.warmed)) return;
    this.warmed = version;
    if (!hasPlans(this.warehouseDir, version)) this.start();
  }

  private start(): void {
    const child = spawn("nice", ["-n", "10", process.execPath, "--import", "tsx", CLI, this.warehouseDir], {stdio: ["ignore", "inherit", "inherit"]});
    this.running = child;
    let ended = false;
    const end = (problem: string | null) => {
      if (ended) return;
      ended = true;
      this.running = null;
      if (problem) this.log({msg: "plan warm ended early", detail: problem});
      // A version published while this one ran: warm it now.
      this.noticeCurrent();
      if (!this.running) for (const r of this.waiting.splice(0)) r();
    };
    child.on("error", (err) => end(`could not start: ${err.message}`));
    child.on("exit", (code, signal) => end(code === 0 ? null : signal ? `signal ${signal}` : `exit code ${code}`));
  }
}
