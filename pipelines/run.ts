import {appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync} from "node:fs";
import {createHash, randomBytes} from "node:crypto";
import {join} from "node:path";
import {loadExtractFile, type LoadResult} from "./load/extract.js";
import {ensureSchema, publishExtractTables} from "./load/schema.js";
import {deriveFacts, writeFactsParquet} from "./load/facts.js";
import {loadReferenceTables} from "./load/reference-tables.js";
import {loadReference} from "./reference.js";
import {loadStatutory, splitInbox} from "./door/run-step.js";
import type {DoorOutcome} from "./door/door.js";
import {acquireLock, currentVersion, isAlive, openReadOnly, openReadWrite, publishVersion, queryRows, run, sweep, versionFileName} from "./warehouse/store.js";

/**
 * A pipeline run: pick up every extract in the inbox, build the next warehouse version beside the
 * live one, publish it atomically. I/O that tests need to control (clock, log, a hook between files
 * where a test can "kill" the run) is passed in.
 */

export interface PipelineConfig {
  inbox: string;
  warehouseDir: string;
  referenceDir: string;
  keepVersions?: number;
  /** The authority of statutory files that do not say (903 tables) and sit in no authority folder. */
  laCode?: string | null;
  /** The child key file (default ~/.config/curve/child-key; CURVE_CHILD_KEY overrides). */
  childKeyFile?: string | null;
}

export interface PipelineEffects {
  clock?: () => Date;
  log?: (event: Record<string, unknown>) => void;
  progress?: (done: number, total: number, file: string) => void;
  /** Called after each file is loaded into the version being built (tests kill the run here). */
  afterFile?: (result: LoadResult) => Promise<void> | void;
}

export interface RunRecord {
  run_id: string;
  status: "running" | "published" | "unchanged" | "failed" | "skipped" | "abandoned";
  started_at: string;
  finished_at: string | null;
  version: number | null;
  message: string;
  extracts: LoadResult[];
  /** Statutory files in the inbox (SSDA903, CIN census, ...): what the door made of each. */
  door?: DoorOutcome[];
  pid?: number;
}

const RUNS_LOG = "runs.jsonl";

function referenceFingerprint(dir: string): string {
  const hash = createHash("sha256");
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest("hex");
}

function appendRunEvent(dir: string, record: Partial<RunRecord> & {run_id: string; event: string}): void {
  mkdirSync(dir, {recursive: true});
  appendFileSync(join(dir, RUNS_LOG), JSON.stringify(record) + "\n");
}

/** Runs, newest first, from the append-only run log; a run that never finished and holds no lock was killed. */
export function listRuns(warehouseDir: string): RunRecord[] {
  const path = join(warehouseDir, RUNS_LOG);
  if (!existsSync(path)) return [];
  const byId = new Map<string, RunRecord>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let e: RunRecord & {event: string};
    try {
      e = JSON.parse(line);
    } catch {
      continue; // a line cut short by a kill: the run shows as abandoned
    }
    const prev = byId.get(e.run_id);
    const {event: _event, ...rest} = e;
    byId.set(e.run_id, {...(prev ?? {extracts: [], finished_at: null, version: null, message: ""}), ...rest} as RunRecord);
  }
  const lockPid = existsSync(join(warehouseDir, ".lock")) ? Number(readFileSync(join(warehouseDir, ".lock"), "utf8")) : null;
  const stillRunning = (r: RunRecord) => r.pid === lockPid && r.pid !== undefined && isAlive(r.pid);
  return [...byId.values()]
    .map((r) => (r.status === "running" && !stillRunning(r) ? {...r, status: "abandoned" as const, message: "the run stopped before finishing (killed or crashed); the previous version kept serving"} : r))
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
}

export async function runPipeline(config: PipelineConfig, effects: PipelineEffects = {}): Promise<RunRecord> {
  const clock = effects.clock ?? (() => new Date());
  const log = effects.log ?? (() => undefined);
  const layout = {dir: config.warehouseDir};
  const started = clock();
  const runId = `r${started.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}-${randomBytes(2).toString("hex")}`;
  const lock = acquireLock(layout);
  if ("heldBy" in lock) {
    return {run_id: runId, status: "skipped", started_at: started.toISOString(), finished_at: started.toISOString(), version: null,
      message: `another pipeline run (process ${lock.heldBy}) is in progress; nothing was done`, extracts: []};
  }
  const record: RunRecord = {run_id: runId, status: "running", started_at: started.toISOString(), finished_at: null, version: null, message: "", extracts: [], pid: process.pid};
  appendRunEvent(config.warehouseDir, {...record, event: "started"});
  log({msg: "pipeline run started", run_id: runId, inbox: config.inbox});
  let building: string | null = null;
  try {
    sweep(layout, config.keepVersions ?? 3);
    const reference = loadReference(config.referenceDir);
    const fingerprint = referenceFingerprint(config.referenceDir);
    const inbox = splitInbox(config.inbox);
    const files = inbox.curve.map((p) => p.slice(config.inbox.length + 1));
    const current = currentVersion(layout);

    if (current && (await nothingNew(current.path, [...inbox.curve, ...inbox.other], fingerprint))) {
      record.status = "unchanged";
      record.version = current.version;
      record.message = `every extract in the inbox is already in version ${current.version}; nothing to publish`;
      return record;
    }

    const version = (current?.version ?? 0) + 1;
    building = join(config.warehouseDir, `${versionFileName(version)}.building`);
    if (current) copyFileSync(current.path, building);
    const instance = await openReadWrite(building);
    const conn = await instance.connect();
    try {
      await ensureSchema(conn);
      await loadReferenceTables(conn, reference, config.referenceDir);
      const syntheticWardCounts = new Map(
        reference.authorities.filter((a) => !reference.wards.some((w) => w.la_code === a.la_code)).map((a) => [a.la_code, a.ward_count])
      );
      let seq = 0;
      for (const [i, f] of files.entries()) {
        const result = await loadExtractFile(conn, join(config.inbox, f), {runId, asOf: clock(), syntheticWardCounts, loadSeq: () => ++seq});
        record.extracts.push(result);
        log({msg: "extract", run_id: runId, file: f, outcome: result.outcome, rows_in: result.rowsIn, loaded: result.rowsLoaded, quarantined: result.rowsQuarantined, detail: result.message});
        effects.progress?.(i + 1, files.length, f);
        await effects.afterFile?.(result);
      }
      // The door: statutory returns, recognised by content, staged in Curve's layout and loaded by the same loader.
      const ctx = {runId, asOf: clock(), syntheticWardCounts, loadSeq: () => ++seq};
      const statutory = await loadStatutory(conn, inbox.other, ctx, {inbox: config.inbox, referenceDir: config.referenceDir, defaultLa: config.laCode, childKeyFile: config.childKeyFile},
        async (result) => {
          record.extracts.push(result);
          log({msg: "extract", run_id: runId, file: result.file, outcome: result.outcome, rows_in: result.rowsIn, loaded: result.rowsLoaded, quarantined: result.rowsQuarantined, detail: result.message});
          await effects.afterFile?.(result);
        });
      record.door = statutory.outcomes;
      for (const o of statutory.outcomes) log({msg: "statutory file", run_id: runId, file: o.file, format: o.format, outcome: o.outcome, detail: o.message});
      for (const path of statutory.unrecognisedCsv) {
        const result = await loadExtractFile(conn, path, ctx);
        record.extracts.push(result);
        log({msg: "extract", run_id: runId, file: result.file, outcome: result.outcome, rows_in: 0, loaded: 0, quarantined: 0, detail: result.message});
      }
      await publishExtractTables(conn);
      const facts = await deriveFacts(conn);
      const publishedAt = clock().toISOString();
      for (const [key, value] of Object.entries({version: String(version), published_at: publishedAt, run_id: runId, reference_sha256: fingerprint, facts: String(facts)})) {
        await run(conn, `INSERT OR REPLACE INTO meta VALUES ($1, $2)`, [key, value]);
      }
      const parquetDir = join(config.warehouseDir, "parquet", versionFileName(version).replace(".duckdb", ""));
      rmSync(parquetDir, {recursive: true, force: true});
      mkdirSync(join(config.warehouseDir, "parquet"), {recursive: true});
      await writeFactsParquet(conn, parquetDir);
      await run(conn, "CHECKPOINT");
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    const finalPath = join(config.warehouseDir, versionFileName(version));
    renameSync(building, finalPath);
    building = null;
    publishVersion(layout, version);
    sweep(layout, config.keepVersions ?? 3);
    const failed = record.extracts.filter((e) => e.outcome === "failed").length;
    record.status = "published";
    record.version = version;
    record.message = `published version ${version}: ${summarise(record.extracts)}${failed ? ` (${failed} file(s) failed and were not loaded)` : ""}`;
    return record;
  } catch (err) {
    record.status = "failed";
    record.message = `the run failed and nothing was published; the previous version keeps serving: ${(err as Error).message}`;
    return record;
  } finally {
    if (building) rmSync(building, {force: true});
    record.finished_at = clock().toISOString();
    appendRunEvent(config.warehouseDir, {...record, event: "finished"});
    log({msg: "pipeline run finished", run_id: runId, status: record.status, version: record.version, detail: record.message});
    lock.release();
  }
}

function summarise(results: LoadResult[]): string {
  const by = (o: string) => results.filter((r) => r.outcome === o).length;
  const rows = results.reduce((s, r) => s + r.rowsLoaded, 0);
  const q = results.reduce((s, r) => s + r.rowsQuarantined, 0);
  return `${by("loaded")} loaded, ${by("replaced")} replaced, ${by("unchanged")} unchanged, ${by("refused")} refused; ${rows} rows published, ${q} quarantined`;
}

/** True when the live version already holds every inbox file (by content) and the same reference data. */
async function nothingNew(versionPath: string, files: string[], fingerprint: string): Promise<boolean> {
  const {inspectFile} = await import("./load/inspect.js");
  const instance = await openReadOnly(versionPath);
  const conn = await instance.connect();
  try {
    const [ref] = await queryRows<{value: string}>(conn, `SELECT value FROM meta WHERE key = 'reference_sha256'`);
    if (ref?.value !== fingerprint) return false;
    const loaded = new Set((await queryRows<{sha256: string}>(conn, `SELECT sha256 FROM extract_loads`)).map((r) => r.sha256));
    const tables = await queryRows<{n: number}>(conn, `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'door_sources'`);
    if (tables[0].n) for (const r of await queryRows<{sha256: string}>(conn, `SELECT sha256 FROM door_sources`)) loaded.add(r.sha256);
    for (const f of files) {
      if (!loaded.has((await inspectFile(f)).sha256)) return false;
    }
    return true;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
