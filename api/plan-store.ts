import {createHash} from "node:crypto";
import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from "node:fs";
import {dirname, join, relative} from "node:path";
import {fileURLToPath} from "node:url";
import {currentVersion, planDirOf} from "../pipelines/warehouse/store.js";
import {planId} from "./oba/count-definitions.js";
import type {GeoCells, Lattice} from "./oba/lattice.js";
import type {PlanInputs} from "./oba/query.js";
import type {ReferencePaths} from "./reference.js";

/**
 * Disclosure plans kept on disk beside the warehouse version they were made from
 * (`<warehouse>/plans/vNNNNNN/<key>.json`, swept with the version), so a plan is solved once per
 * version, not once per process: every API restart, the report's and every test worker's server
 * reuse it. A plan is a pure function of the version's data, the count definition, breakdown and
 * policy, the catalogue and the council's published figures, and the code that solves it, so the
 * file's key is all of those: a changed input gives another file, never a stale plan. It is not a
 * function of the indicator that asked for it, so every indicator counting a definition finds one file.
 *
 * One process solves a plan at a time (`<plan>.lock`); the others wait for its file. Should two
 * write one anyway (a lock taken over), each writes a temporary file and renames it over the plan,
 * so a reader sees a whole plan or none. Anything unreadable (no write access, a
 * damaged file) is solved again as without the store. CURVE_PLAN_STORE=off turns it off
 * (test/checks/lattice-cost.ts measures solving).
 */

const FORMAT = 2;

/** The warehouse whose versions the plans sit beside, and the reference files a plan depends on. */
export interface PlanSource {
  dir: string;
  currentVersion(): Promise<number | null>;
  paths: Pick<ReferencePaths, "indicators" | "publishedFigures">;
}

/** The plan of `make()`, read from the version's store when it is there, else made and stored. */
export async function keptPlan(db: PlanSource, inputs: PlanInputs, make: () => Promise<Lattice>): Promise<Lattice> {
  const {base} = inputs;
  const at = process.env.CURVE_PLAN_STORE === "off" ? null : await placeOf(db, inputs);
  if (!at) return make();
  for (const waiting = Date.now(); ;) {
    const kept = read(at, base);
    if (kept) return kept;
    const release = claim(at.file);
    if (release || Date.now() - waiting > WAIT_MS) {
      try {
        const plan = await make();
        // A version published while solving: the plan may mix the two, so it is not kept.
        if ((await placeOf(db, inputs))?.file === at.file) write(at, plan, base);
        return plan;
      } finally {
        release?.();
      }
    }
    // Another process is solving this plan: wait for it rather than solve it twice.
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** How long to wait for another process's plan before solving it too. */
const WAIT_MS = 10 * 60_000;

/**
 * The right to solve a plan (`<plan>.lock`, holding the solver's pid); null while a live process
 * holds it. A lock left by a process that is gone is taken over; one that cannot be written at all
 * (a read-only warehouse) is no reason to wait: the plan is solved here.
 */
function claim(file: string): (() => void) | null {
  const lock = `${file}.lock`;
  try {
    mkdirSync(dirname(file), {recursive: true});
    writeFileSync(lock, String(process.pid), {flag: "wx"});
    return () => rmSync(lock, {force: true});
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") return () => undefined;
  }
  let owner = NaN;
  try {
    owner = Number(readFileSync(lock, "utf8"));
  } catch {
    return null; // released just now: the plan is there to read
  }
  if (owner > 0 && !alive(owner)) rmSync(lock, {force: true});
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface Place {
  file: string;
  key: string;
}

async function placeOf(db: PlanSource, {def, breakdown, policy}: PlanInputs): Promise<Place | null> {
  const version = await db.currentVersion();
  const current = currentVersion({dir: db.dir});
  if (version === null || !current || current.version !== version) return null;
  const code = codeStamp();
  if (!code) return null;
  const key = JSON.stringify([FORMAT, code, stamp(current.path), planId(def, breakdown, policy),
    stamp(db.paths.indicators), stamp(db.paths.publishedFigures)]);
  const name = createHash("sha256").update(key).digest("hex").slice(0, 40);
  return {file: join(planDirOf(db.dir, version), `${name}.json`), key};
}

/** A data file as it is now (size and time of the last change); "none" when there is none. */
function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${path}:${s.size}:${s.mtimeMs}`;
  } catch {
    return `${path}:none`;
  }
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Folders whose code can change a plan (the solver, the lattice, the catalogue, the extracts' contracts). */
const CODE = ["api", "pipelines/contracts", "shared"];
let code: string | null | undefined;

/** A hash of the code that makes plans, once per process; null when the sources are not there to read. */
function codeStamp(): string | null {
  if (code !== undefined) return code;
  try {
    const h = createHash("sha256");
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|js|json)$/.test(e.name)) h.update(relative(ROOT, p)).update("\0").update(readFileSync(p)).update("\0");
      }
    };
    for (const d of CODE) walk(join(ROOT, d));
    code = h.digest("hex");
  } catch {
    code = null;
  }
  return code;
}

interface Stored {
  key: string;
  plan: Omit<Lattice, "geo" | "hidden" | "published" | "withheld"> & {
    /** "base" when the plan shares its base plan's geography cells. */
    geo: "base" | {cells: string[]; canonical: [string, string | null][]; cellsOfLeaf: [string, string[]][]; families: GeoCells["families"]};
    hidden: string[];
    published: [string, string[]][];
    withheld: string[];
  };
}

function read(at: Place, base: Lattice | null): Lattice | null {
  let stored: Stored;
  try {
    stored = JSON.parse(readFileSync(at.file, "utf8")) as Stored;
  } catch {
    return null;
  }
  const p = stored.plan;
  if (stored.key !== at.key || (p.geo === "base" && !base)) return null;
  for (const w of p.warnings ?? []) console.warn(w); // as when it was solved: the entries are still not exempt
  return {
    ...p,
    geo: p.geo === "base" ? base!.geo : {cells: p.geo.cells, canonical: new Map(p.geo.canonical), cellsOfLeaf: new Map(p.geo.cellsOfLeaf), families: p.geo.families},
    hidden: new Set(p.hidden),
    published: new Map(p.published),
    withheld: new Set(p.withheld)
  };
}

function write(at: Place, plan: Lattice, base: Lattice | null): void {
  const g = plan.geo;
  const stored: Stored = {
    key: at.key,
    plan: {
      ...plan,
      geo: base && g === base.geo ? "base" : {cells: g.cells, canonical: [...g.canonical], cellsOfLeaf: [...g.cellsOfLeaf], families: g.families},
      hidden: [...plan.hidden],
      published: [...plan.published],
      withheld: [...plan.withheld]
    }
  };
  const tmp = `${at.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(at.file), {recursive: true});
    writeFileSync(tmp, JSON.stringify(stored));
    renameSync(tmp, at.file);
  } catch {
    rmSync(tmp, {force: true}); // a read-only warehouse: the plan is solved again next time, as without the store
  }
}
