import {spawn, type ChildProcess} from "node:child_process";
import {existsSync, readdirSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {currentVersion, planDirOf} from "../pipelines/warehouse/store.js";
import {AppCache, CachedReader} from "./appcache.js";
import {breakdownKey, definitionKey} from "./oba/count-definitions.js";
import {denominatorDefinition, lattice, numeratorDefinition} from "./oba/disclosure.js";
import {planKey, sharedPolicy, SUPPRESSED_ROLES, type DisclosurePolicies, type DisclosurePolicy} from "./oba/policy.js";

/**
 * Disclosure plans solved ahead of the first viewer (issue 16 §3). Solving a version's plans is most
 * of what the first request after a pipeline run costs (0.4–1 s for a series, 3–5 s for a
 * scorecard); the plans are kept on disk beside their version (api/plan-store.ts), so a separate
 * process that solves them as soon as a version is published leaves the API only files to read.
 * That process is started by the API (startPlanWarm) but never runs inside it: solving is heavy work.
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
            const key = JSON.stringify([planKey(policy), definitionKey(def), breakdownKey(b)]);
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

/** Whether the current version has any plan kept yet (a fresh version after a run, or a store never warmed). */
export function hasPlans(warehouseDir: string): boolean {
  const current = currentVersion({dir: warehouseDir});
  if (!current) return true; // nothing published: nothing to warm
  const dir = planDirOf(warehouseDir, current.version);
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".json"));
}

const CLI = fileURLToPath(new URL("./plans-warm-cli.ts", import.meta.url));
let running: ChildProcess | null = null;

/**
 * Start the warm run for the current version as a low-priority child (`nice`), unless one is still
 * running or CURVE_PLAN_WARM=off (tests). Its output goes to the API's; the API never waits for it,
 * and a failed warm costs only the first viewer's time, as without it.
 */
export function startPlanWarm(warehouseDir: string, log: (e: Record<string, unknown>) => void): ChildProcess | null {
  if (process.env.CURVE_PLAN_WARM === "off" || running) return null;
  const child = spawn("nice", ["-n", "10", process.execPath, "--import", "tsx", CLI, warehouseDir], {stdio: ["ignore", "inherit", "inherit"]});
  running = child;
  const done = () => {
    if (running === child) running = null;
  };
  child.on("error", (err) => {
    done();
    log({msg: "plan warm could not start", detail: err.message});
  });
  child.on("exit", (code, signal) => {
    done();
    if (code !== 0) log({msg: "plan warm ended early", detail: signal ? `signal ${signal}` : `exit code ${code}`});
  });
  return child;
}
