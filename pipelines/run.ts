import {appendFileSync, constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync} from "node:fs";
import {createHash, randomBytes} from "node:crypto";
import {basename, join} from "node:path";
import {contractFor, EXTRACT_TYPES, parseExtractName} from "./contracts/extracts.js";
import {BatchAborted, groupFiles, judgeAgain, loadExtractFile, loadExtractGroup, type GroupFile, type JudgeAgain, type LoadResult} from "./load/extract.js";
import {screenInbox} from "./load/inbox.js";
import {inspectFile, sha256Once} from "./load/inspect.js";
import {DEFAULT_MAX_LOSS_SHARE} from "./load/replace-guard.js";
import {ensureSchema, publishExtractTables, type ChangedSlices} from "./load/schema.js";
import {fyOfDay} from "../shared/calendar.js";
import {deriveFacts, FACTS, factsLastMonth, writeFactsParquet} from "./load/facts.js";
import {loadReferenceTables} from "./load/reference-tables.js";
import {loadReference} from "./reference.js";
import {applyPublishedReference, type PublishedOutcome} from "./published/index.js";
import {loadStatutory, splitInbox} from "./door/run-step.js";
import {DOOR_READ_CACHE} from "./door/read-cache.js";
import type {DoorOutcome} from "./door/door.js";
import {acquireLock, currentVersion, isAlive, openReadOnly, openReadWrite, publishVersion, queryRows, run, parquetDirOf, sweep, versionFileName} from "./warehouse/store.js";

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
  /** The replace guard's threshold (data/config.json `replaceGuard`). */
  replaceGuard?: {maxLossShare: number};
  /** Files confirmed to replace their period even though the replace guard held them (--accept). */
  accept?: string[];
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
  /** Published reference files (data/reference/published/) applied or refused by this run. */
  reference?: PublishedOutcome[];
  /** Statutory files in the inbox (SSDA903, CIN census, ...): what the door made of each. */
  door?: DoorOutcome[];
  pid?: number;
}

const RUNS_LOG = "runs.jsonl";
/**
 * Rows a shared transaction takes before it commits: one commit per file cost ~10% of a run, while a
 * transaction keeps its files' staging tables in memory until it commits, so the batch is bounded.
 */
const BATCH_ROWS = 200_000;

function referenceFingerprint(dir: string, hash = createHash("sha256")): string {
  for (const entry of readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
    hash.update(entry.name);
    // The published/ sub-folder holds the council's ONS, MHCLG and DfE tables: a change there is a change of reference data.
    if (entry.isDirectory()) referenceFingerprint(join(dir, entry.name), hash);
    else hash.update(readFileSync(join(dir, entry.name)));
  }
  return hash.copy().digest("hex");
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
  // Where a run's time goes, in seconds per phase, logged when it finishes (the ingest benchmark prints them).
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = +((now - phaseStart) / 1000).toFixed(2);
    phaseStart = now;
  };
  try {
    sweep(layout, config.keepVersions ?? 3);
    const publishedRef = await applyPublishedReference(loadReference(config.referenceDir), join(config.referenceDir, "published"), join(config.referenceDir, "published-benchmarks.json"));
    const reference = publishedRef.reference;
    record.reference = publishedRef.outcomes;
    for (const o of publishedRef.outcomes) log({msg: "reference", run_id: runId, file: o.file, outcome: o.outcome, detail: o.message});
    const fingerprint = referenceFingerprint(config.referenceDir);
    const screen = screenInbox(config.inbox, new Set(reference.authorities.map((a) => a.la_code)));
    for (const e of screen.refused) log({msg: "extract", run_id: runId, file: e.file, outcome: e.outcome, detail: e.message});
    record.extracts.push(...screen.refused);
    const files = screen.files;
    // Everything that is not a Curve-layout extract at the top level goes to the door, recognised by content.
    const statutoryPaths = splitInbox(config.inbox).other;
    const current = currentVersion(layout);
    const published = current ? await readPublished(current.path) : null;

    // Filled as the inbox's statutory files are hashed here, so the door step does not hash them again.
    const statutoryHashes = new Map<string, string>();
    const statutoryKnown = !!published && published.referenceSha === fingerprint && (await statutoryAlreadyLoaded(published, statutoryPaths, statutoryHashes));
    const derivation = derivationFingerprint();
    // The live version was derived from the same reference data by the same contracts and facts.
    const sameDerivation = !!published && published.referenceSha === fingerprint && published.derivationSha === derivation;
    const unchanged = statutoryKnown ? await alreadyPublished(published!, files) : null;
    if (current && unchanged && !files.some((p) => published!.waiting.has(basename(p)))) {
      record.extracts.push(...unchanged);
      return unchangedRun(record, current.version);
    }

    const version = (current?.version ?? 0) + 1;
    building = join(config.warehouseDir, `${versionFileName(version)}.building`);
    phase("screen inbox");
    // The new version starts as a copy of the live one (which is never written, so a kill leaves it
    // serving). A clone where the file system shares blocks (btrfs, XFS, APFS), which costs next to
    // nothing; elsewhere (ext4) a plain copy, whose bytes and their flush at CHECKPOINT grow with the
    // warehouse (docs/benchmarks/ingest.md).
    if (current) copyFileSync(current.path, building, constants.COPYFILE_FICLONE);
    const instance = await openReadWrite(building);
    const conn = await instance.connect();
    phase("copy live version");
    try {
      await ensureSchema(conn);
      await loadReferenceTables(conn, reference, config.referenceDir, publishedRef);
      const syntheticWardCounts = new Map(
        reference.authorities.filter((a) => !reference.wards.some((w) => w.la_code === a.la_code)).map((a) => [a.la_code, a.ward_count])
      );
      const guard = {maxLossShare: config.replaceGuard?.maxLossShare ?? DEFAULT_MAX_LOSS_SHARE, accepted: new Set(config.accept ?? [])};
      let seq = 0;
      // Files a load waits on to be judged again (gone from the inbox, or changed and not loadable):
      // kept with the version, so putting one back is a change even when every file is loaded already.
      const waiting = new Set<string>();
      // A Curve extract can be judged again when its file is in the inbox as it was loaded.
      const inboxAt = new Map(files.map((p, at) => [basename(p), at]));
      const hashes = new Map<string, string>();
      const canReload = async (file: string, sha256: string) => {
        const at = inboxAt.get(file);
        return at !== undefined && !("error" in parseExtractName(file)) && (await sha256Once(hashes, files[at])) === sha256;
      };
      // Files share transactions (a commit per BATCH_ROWS rows, not per file) and load in groups of
      // one extract type (loadExtractGroup): each file is still judged on its own and writes nothing
      // until it is, so a refused or held file leaves the others' rows alone.
      const loadGroup = (group: GroupFile[], batched: boolean) =>
        loadExtractGroup(conn, group, {runId, asOf: clock(), syntheticWardCounts, loadSeq: () => -1, guard, batched, canReload});
      const groups = groupFiles(files).map((g) => g.map((at) => ({at, path: files[at], seq: at + 1})));
      seq = files.length;
      const results: LoadResult[] = new Array(files.length);
      let batch: {at: number; path: string; seq: number}[] | null = null;
      let batchRows = 0;
      let done = 0;
      const commitBatch = async () => {
        if (batch) await run(conn, "COMMIT");
        batch = null;
        batchRows = 0;
      };
      try {
        for (const group of groups) {
          if (!batch) {
            await run(conn, "BEGIN TRANSACTION");
            batch = [];
          }
          let loaded: LoadResult[];
          try {
            loaded = await loadGroup(group, true);
            batch.push(...group);
          } catch (err) {
            if (!(err instanceof BatchAborted)) throw err;
            // A file failed and took the shared transaction with it: the batch's earlier files are
            // loaded again, each in its own transaction (same outcomes, same load ids), then this group's.
            await run(conn, "ROLLBACK");
            log({msg: "a file failed inside a shared transaction; loading that transaction's files one by one", run_id: runId, file: err.file});
            for (const b of batch) [results[b.at]] = await loadGroup([b], false);
            batch = null;
            batchRows = 0;
            loaded = [];
            for (const g of group) loaded.push(...(await loadGroup([g], false)));
          }
          for (const [i, result] of loaded.entries()) {
            results[group[i].at] = result;
            batchRows += result.rowsIn;
            log({msg: "extract", run_id: runId, file: result.file, outcome: result.outcome, rows_in: result.rowsIn, loaded: result.rowsLoaded, quarantined: result.rowsQuarantined, detail: result.message});
            effects.progress?.(++done, files.length, result.file);
            await effects.afterFile?.(result);
          }
          if (batchRows >= BATCH_ROWS) await commitBatch();
        }
        await commitBatch();
        // A record belongs to the earliest period whose file validly holds it, whichever file arrived
        // first, as in a build from scratch. Loads judged against records that have moved since (a
        // record this run loaded from an earlier period, or one a replacement took away) are loaded
        // again from the inbox (extract.ts judgeAgain). Asked again after each: a record one file takes
        // or gives up changes what the others hold.
        const seen = new Set<string>();
        for (;;) {
          let next: JudgeAgain | undefined;
          for (const j of await judgeAgain(conn, runId)) {
            if (seen.has(j.file)) continue;
            // Copies held back for a later period's file that cannot give them up stay held back.
            if (j.why === "held") {
              const blocked: string[] = [];
              for (const l of [j, ...j.holders]) if (!(await canReload(l.file, l.sha256))) blocked.push(l.file);
              if (blocked.length) {
                for (const f of blocked) waiting.add(f);
                continue;
              }
            }
            next = j;
            break;
          }
          if (!next) break;
          seen.add(next.file);
          const at = inboxAt.get(next.file);
          if (at === undefined || !(await canReload(next.file, next.sha256))) {
            waiting.add(next.file);
            log({msg: "warning", run_id: runId, file: next.file, detail: next.why === "orphaned"
              ? `${next.records} record(s) ${next.file} held back as already loaded from another period's file are no longer loaded from any: put ${next.file} back in the inbox and run again to load them`
              : `${next.records} record(s) ${next.file} holds are loaded from an earlier period's file too: put ${next.file} back in the inbox and run again, so each is loaded from one period only`});
            continue;
          }
          const [again] = await loadGroup([{path: files[at], seq: ++seq, again: true}], false);
          const why = {
            orphaned: `${next.records} record(s) it held back as already loaded from another period's file are no longer in that file`,
            held: `${next.records} record(s) it held back as already loaded from a later period's file are this period's`,
            shadowed: `${next.records} record(s) it held are loaded from an earlier period's file, and quarantined here as copies`
          }[next.why];
          const result: LoadResult = {...again, outcome: results[at]?.outcome === "loaded" ? "loaded" : "replaced", message: `${again.message}; loaded again: ${why}`};
          results[at] = result;
          log({msg: "extract", run_id: runId, file: result.file, outcome: result.outcome, rows_in: result.rowsIn, loaded: result.rowsLoaded, quarantined: result.rowsQuarantined, detail: result.message});
        }
      } finally {
        record.extracts.push(...results.filter((r) => r !== undefined));
      }
      phase("load extracts");
      // The door: statutory returns, recognised by content, staged in Curve's layout and loaded by the same loader.
      const ctx = {runId, asOf: clock(), syntheticWardCounts, loadSeq: () => ++seq, guard};
      // Reading the returns again would stage what the version already holds, at a cost that grows
      // with every year kept in the inbox: skipped while no statutory file is new, the reference data
      // and the derivations are the same, and the financial year (against which open records are
      // placed in years) has not turned.
      const doorUnchanged = statutoryKnown && sameDerivation && published!.doorReadFy === fyOfDay(ctx.asOf);
      if (doorUnchanged) log({msg: "statutory files unchanged since the version's last read: not read again", run_id: runId, files: statutoryPaths.length});
      const statutory = doorUnchanged ? {results: [], outcomes: [], unrecognisedCsv: []} : await loadStatutory(conn, statutoryPaths, ctx, {inbox: config.inbox, referenceDir: config.referenceDir, defaultLa: config.laCode, childKeyFile: config.childKeyFile, sha256: statutoryHashes, readCacheDir: join(config.warehouseDir, DOOR_READ_CACHE)},
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
      // A new version only when data changed: a version number is what the API's cache and saved
      // disclosure plans key on, so a run that refused everything must not throw them away.
      const changed = !current || published?.referenceSha !== fingerprint || record.extracts.some((e) => e.outcome === "loaded" || e.outcome === "replaced");
      if (current && !changed) return unchangedRun(record, current.version);
      // Only what this run changed is derived again, unless the reference data or the derivations
      // themselves (contracts, facts) changed since the previous version: then everything is.
      const slices = sameDerivation ? changedSlices(record.extracts) : null;
      const lastMonthBefore = slices ? await factsLastMonth(conn) : null;
      phase("load statutory files");
      const changedMonths = await publishExtractTables(conn, slices);
      phase("publish extract tables");
      const {facts, slices: factsChanged, gained} = await deriveFacts(conn, slices, lastMonthBefore, changedMonths);
      phase("derive facts");
      const publishedAt = clock().toISOString();
      for (const [key, value] of Object.entries({version: String(version), published_at: publishedAt, run_id: runId, reference_sha256: fingerprint, facts: String(facts), derivation_sha256: derivation,
        judge_again_waiting: JSON.stringify([...waiting].sort())})) {
        await run(conn, `INSERT OR REPLACE INTO meta VALUES ($1, $2)`, [key, value]);
      }
      const parquetDir = parquetDirOf(config.warehouseDir, version);
      rmSync(parquetDir, {recursive: true, force: true});
      mkdirSync(join(config.warehouseDir, "parquet"), {recursive: true});
      await writeFactsParquet(conn, parquetDir, current && factsChanged
        ? {previousDir: parquetDirOf(config.warehouseDir, current.version), changed: factsChanged, gained}
        : undefined);
      phase("write facts parquet");
      await run(conn, "CHECKPOINT");
      phase("checkpoint");
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    const finalPath = join(config.warehouseDir, versionFileName(version));
    renameSync(building, finalPath);
    building = null;
    publishVersion(layout, version);
    const failed = record.extracts.filter((e) => e.outcome === "failed").length;
    record.status = "published";
    record.version = version;
    record.message = `published version ${version}: ${summarise(record.extracts)}${failed ? ` (${failed} file(s) failed and were not loaded)` : ""}`;
    // Recorded at once, so a kill from here on still shows the run as what it did: it published.
    appendRunEvent(config.warehouseDir, {...record, event: "published"});
    sweep(layout, config.keepVersions ?? 3);
    phase("publish and sweep");
    return record;
  } catch (err) {
    record.status = "failed";
    record.message = `the run failed and nothing was published; the previous version keeps serving: ${(err as Error).message}`;
    return record;
  } finally {
    if (building) rmSync(building, {force: true});
    record.finished_at = clock().toISOString();
    appendRunEvent(config.warehouseDir, {...record, event: "finished"});
    log({msg: "pipeline run finished", run_id: runId, status: record.status, version: record.version, detail: record.message, phase_seconds: phases});
    lock.release();
  }
}

/**
 * What the published tables and facts are derived by: the contracts and the fact specifications, and
 * a number to raise when the derivation code changes (schema.ts publishExtractTables, facts.ts factSql).
 * A version derived otherwise is derived again whole, never patched slice by slice. 2: a calendar that
 * gained months could count the month after its old end twice (or not at all) in the authorities a
 * run did not change; versions derived before that was mended are derived again whole.
 */
const DERIVATION_CODE = 2;
function derivationFingerprint(): string {
  return createHash("sha256").update(JSON.stringify({code: DERIVATION_CODE, facts: FACTS, contracts: EXTRACT_TYPES.map((t) => contractFor(t, 2008))})).digest("hex");
}

/** The (extract type, authority) slices whose rows this run loaded or replaced. */
function changedSlices(results: LoadResult[]): ChangedSlices {
  const slices = new Map<string, Set<string>>();
  for (const r of results) {
    if ((r.outcome !== "loaded" && r.outcome !== "replaced") || !r.type || !r.laCode) continue;
    slices.set(r.type, (slices.get(r.type) ?? new Set()).add(r.laCode));
  }
  return slices;
}

function summarise(results: LoadResult[]): string {
  const by = (o: string) => results.filter((r) => r.outcome === o).length;
  const rows = results.reduce((s, r) => s + r.rowsLoaded, 0);
  const q = results.reduce((s, r) => s + (r.outcome === "loaded" || r.outcome === "replaced" ? r.rowsQuarantined : 0), 0);
  const held = by("held") ? `, ${by("held")} held for confirmation (--accept <file>)` : "";
  return `${by("loaded")} loaded, ${by("replaced")} replaced, ${by("unchanged")} unchanged, ${by("refused")} refused${held}; ${rows} rows published, ${q} quarantined`;
}

function unchangedRun(record: RunRecord, version: number): RunRecord {
  record.status = "unchanged";
  record.version = version;
  const untouched = record.extracts.every((e) => e.outcome === "unchanged");
  record.message = untouched
    ? `every extract in the inbox is already in version ${version}; nothing to publish`
    : `no data changed, so nothing was published; version ${version} keeps serving: ${summarise(record.extracts)}`;
  return record;
}

interface Published {
  referenceSha: string | null;
  /** `sha256 type la_code period` of every extract the version holds. */
  loads: Set<string>;
  /**
   * sha256 of the statutory files the version's returns were last read from, together. A file outside
   * it (new, or put back after a run without it) means reading again: a later return completes an
   * earlier year's events only when both are read in one run. Versions before this was recorded: every
   * file the door ever loaded.
   */
  statutory: Set<string>;
  /** The financial year of the version's last read of the returns (null before it was recorded). */
  doorReadFy: number | null;
  derivationSha: string | null;
  /** Files a load of the version waits on to be judged again (see judgeAgain in the run). */
  waiting: Set<string>;
}

/** True when every statutory file in the inbox was among those the version's returns were last read from (by content). */
async function statutoryAlreadyLoaded(published: Published, paths: string[], hashes: Map<string, string>): Promise<boolean> {
  for (const p of paths) if (!published.statutory.has(await sha256Once(hashes, p))) return false;
  return true;
}

async function readPublished(versionPath: string): Promise<Published> {
  const instance = await openReadOnly(versionPath);
  const conn = await instance.connect();
  try {
    const meta = new Map((await queryRows<{key: string; value: string}>(conn, `SELECT key, value FROM meta`)).map((m) => [m.key, m.value]));
    const loads = await queryRows<{k: string}>(conn, `SELECT concat_ws(' ', sha256, extract_type, la_code, period) AS k FROM extract_loads`);
    const tables = await queryRows<{n: number}>(conn, `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'door_sources'`);
    const read = meta.get("door_read_sha256");
    const readFy = meta.get("door_read_fy");
    const statutory: string[] = read ? JSON.parse(read)
      : tables[0].n ? (await queryRows<{sha256: string}>(conn, `SELECT sha256 FROM door_sources`)).map((r) => r.sha256) : [];
    return {referenceSha: meta.get("reference_sha256") ?? null, loads: new Set(loads.map((r) => r.k)), statutory: new Set(statutory),
      doorReadFy: read && readFy ? Number(readFy) : null, derivationSha: meta.get("derivation_sha256") ?? null,
      waiting: new Set<string>(JSON.parse(meta.get("judge_again_waiting") ?? "[]"))};
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * "Unchanged" results for every inbox file when the live version holds each one already, matched on
 * content and target (type, authority, period): the same bytes under another period's name are a
 * new extract, not a copy. Null as soon as one file is new.
 */
async function alreadyPublished(published: Published, files: string[]): Promise<LoadResult[] | null> {
  const results: LoadResult[] = [];
  for (const path of files) {
    const file = basename(path);
    const name = parseExtractName(file);
    if ("error" in name) return null;
    const sha256 = await inspectFile(path).then((i) => i.sha256, () => null);
    if (sha256 === null) return null; // unreadable: the loader refuses it by name
    if (!published.loads.has([sha256, name.type, name.laCode, name.period].join(" "))) return null;
    results.push({file, sha256, type: name.type, laCode: name.laCode, period: name.period, outcome: "unchanged",
      message: `${file} is already loaded (same content, same ${name.type} ${name.laCode} ${name.period}): nothing changed`,
      rowsIn: 0, rowsLoaded: 0, rowsQuarantined: 0, warnings: [], loadId: null});
  }
  return results;
}
