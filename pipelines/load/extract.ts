import {createHash} from "node:crypto";
import {rmSync, statSync} from "node:fs";
import {basename, join} from "node:path";
import {tmpdir} from "node:os";
import type {DuckDBConnection} from "@duckdb/node-api";
import {contractFor, EXTRACT_NAME, EXTRACT_TYPES, parseExtractName, type ExtractType} from "../contracts/extracts.js";
import {expectation, sqlIdent, sqlList, sqlRaw, sqlString, sqlValue} from "../contracts/fields.js";
import {identifierScreenSql, mayHoldIdentifier, screenHeaders} from "../contracts/identifiers.js";
import {queryRows, run} from "../warehouse/store.js";
import {inspectFile, transcodeWindows1252, HEAD_LIMIT, type FileInspection} from "./inspect.js";
import {DEFAULT_MAX_LOSS_SHARE, judgeReplacement, type ReplaceGuard} from "./replace-guard.js";
import {ORIGIN_FILE, ORIGIN_ROW} from "../door/stage.js";
import {fyEndDate, fyStartDate} from "../../shared/calendar.js";

/**
 * Loads one extract file into the warehouse being built: stage (DuckDB's CSV reader, streamed),
 * screen for direct identifiers, validate against the contract, quarantine failing rows with their
 * rule and message, and publish the rest with lineage. A file is loaded entirely (valid rows +
 * quarantine) or not at all: it writes nothing until it has been judged, inside its own transaction
 * or one it shares with the run's other files (`LoadContext.batched`). Columns outside the contract are
 * dropped by name before any value is read: never scanned, staged or stored.
 */

/** "held": the replace guard wants the file confirmed (`--accept`) before it shrinks a period. */
export type LoadOutcome = "loaded" | "replaced" | "unchanged" | "refused" | "held" | "failed";

/** More columns than any council export carries: refused before a row is read (5,000 took 23 GB). */
export const MAX_COLUMNS = 2000;

export interface LoadResult {
  file: string;
  sha256: string | null;
  type: string | null;
  laCode: string | null;
  period: string | null;
  outcome: LoadOutcome;
  message: string;
  rowsIn: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  warnings: string[];
  loadId: string | null;
}

export interface LoadContext {
  runId: string;
  /** "today" for the future-date rule; passed in so tests can stop the clock. */
  asOf: Date;
  /** Authorities whose wards are synthetic (`<la>-wNN`), with their ward counts. */
  syntheticWardCounts: Map<string, number>;
  loadSeq: () => number;
  /** When a file may replace a period's rows (defaults: 20% loss, nothing accepted). */
  guard?: ReplaceGuard;
  /**
   * The file joins a transaction the run shares among several files (a commit per batch, not per
   * file). A refused or held file wrote nothing, so it needs no rollback; a file whose statements
   * fail aborts the shared transaction, and the loader throws `BatchAborted` so the run can load that
   * batch's files again one transaction each.
   */
  batched?: boolean;
  /**
   * Whether a loaded Curve extract can be judged again from the inbox (its file is there, unchanged).
   * Given (the run gives it to the Curve extracts' groups), a record key held by both an earlier and a
   * later period's file is the earlier one's, whichever arrived first, as in a build from scratch;
   * the later file is then loaded again by the run (judgeAgain). Without it, the copy loaded first is
   * the record, and the later arrival's copy is quarantined.
   */
  canReload?: (file: string, sha256: string) => Promise<boolean>;
}

/** A file failed inside a shared transaction: the transaction is lost and must be rolled back. */
export class BatchAborted extends Error {
  constructor(readonly file: string, cause: Error) {
    super(`${file}: ${cause.message}`);
  }
}

/**
 * A staged extract written by the door (pipelines/door) from a statutory return: its quarantine and
 * lineage name the original file and row (columns _origin_file, _origin_row), rows the door held back
 * are quarantined with it, and its ward may be empty (no postcode, or no postcode lookup).
 */
export interface DoorLoad {
  /** The return's primary file, as shown in the run log and extract_loads. */
  file: string;
  held: {file: string; row: number; field: string; rule: string; message: string}[];
  warnings: string[];
}

const empty = (file: string, outcome: LoadOutcome, message: string, extra: Partial<LoadResult> = {}): LoadResult => ({
  file, sha256: null, type: null, laCode: null, period: null, outcome, message,
  rowsIn: 0, rowsLoaded: 0, rowsQuarantined: 0, warnings: [], loadId: null, ...extra
});

/** A file refused before it was opened for loading (the inbox screen), named as the loader names files. */
export function refusedResult(file: string, message: string): LoadResult {
  const name = parseExtractName(file);
  const target = "error" in name ? {} : {type: name.type, laCode: name.laCode, period: name.period};
  return empty(file, "refused", message, target);
}

/** One file of a group: its path and the sequence number its load id takes. */
export interface GroupFile {
  path: string;
  seq: number;
  /**
   * Loaded even when its period already holds this very file (see judgeAgain), and not put to the
   * replace guard: its content was published already, and loading it again only moves records
   * between the periods' files (none is lost).
   */
  again?: boolean;
}

/** One file's load, through the loader's single code path (a group of one). */
export async function loadExtractFile(conn: DuckDBConnection, path: string, ctx: LoadContext, door?: DoorLoad): Promise<LoadResult> {
  const [result] = await loadExtractGroup(conn, [{path, seq: -1}], ctx, door);
  return result;
}

/** A file that passed the checks made before any row is read, waiting to be staged with its group. */
interface Candidate {
  at: number;
  path: string;
  readPath: string;
  file: string;
  name: {type: ExtractType; laCode: string; collectionYear: number; period: string};
  info: FileInspection;
  base: Partial<LoadResult>;
  header: string[];
  warnings: string[];
  encoding: string;
  loadId: string;
  previous: {load_id: string; sha256: string; rows_loaded: number}[];
  again: boolean;
}

/**
 * Files of one extract type and contract (the run groups them: pipelines/run.ts), loaded together:
 * staged, typed, checked and screened in a few statements for the whole group instead of ~20 per
 * file, because for council-sized files the fixed cost of each statement, not the rows, is most of the
 * time. Every file is still judged on its own (its identifier findings, its quarantine, the replace
 * guard) and loads entirely or not at all. Files whose outcome could depend on each other (a record
 * key repeated across two files of one authority, or a file replacing a period while another file of
 * its authority loads) are loaded one after the other instead, exactly as they would be alone.
 * `seq` -1 takes the load's number from `ctx.loadSeq()` once the file passes the first checks.
 */
export async function loadExtractGroup(conn: DuckDBConnection, files: GroupFile[], ctx: LoadContext, door?: DoorLoad): Promise<LoadResult[]> {
  const results: LoadResult[] = new Array(files.length);
  const candidates: Candidate[] = [];
  const previousByTarget = await previousLoads(conn, files.map((f) => basename(f.path)));
  for (const [at, {path, seq, again}] of files.entries()) {
    const checked = await checkBeforeReading(path, ctx, previousByTarget, door, again);
    if ("outcome" in checked) {
      results[at] = checked;
      continue;
    }
    const loadId = `${ctx.runId}-${String(seq >= 0 ? seq : ctx.loadSeq()).padStart(3, "0")}`;
    candidates.push({...checked, at, path, loadId, again: again === true});
  }
  if (!candidates.length) return results;
  const sameAuthority = new Set(candidates.map((c) => `${c.name.type} ${c.name.laCode}`)).size < candidates.length;
  // A replacement removes a period's rows that another file of its authority may be checked against.
  if (candidates.length > 1 && sameAuthority && candidates.some((c) => c.previous.length)) {
    return loadOneByOne(conn, files, candidates, results, ctx, door);
  }
  // Outside a shared transaction, the group has its own: each file loaded entirely or not at all.
  const own = !ctx.batched;
  try {
    if (own) await run(conn, "BEGIN TRANSACTION");
    const judged = await stageAndValidate(conn, candidates, ctx, door);
    if (judged === "interdependent") {
      if (own) await run(conn, "ROLLBACK");
      await dropStaging(conn);
      return loadOneByOne(conn, files, candidates, results, ctx, door);
    }
    const publishable: {c: Candidate; staged: Staged}[] = [];
    for (const c of candidates) {
      const staged = judged.get(c.at)!;
      if ("refused" in staged) {
        results[c.at] = empty(c.file, "refused", staged.refused, c.base);
        continue;
      }
      const verdict = c.again ? null : await judgeReplacement(conn, {file: c.file, period: c.name.period, loadId: c.loadId, ...staged,
        previousRows: c.previous.length ? c.previous.reduce((n, p) => n + p.rows_loaded, 0) : null},
      ctx.guard ?? {maxLossShare: DEFAULT_MAX_LOSS_SHARE, accepted: new Set()}, FILE_QUARANTINE);
      if (verdict) {
        results[c.at] = empty(c.file, verdict.outcome, verdict.message, {...c.base, rowsIn: staged.rowsIn, rowsQuarantined: staged.rowsQuarantined});
        continue;
      }
      publishable.push({c, staged});
    }
    // Judged publishable: only now do the group's files write to the warehouse.
    if (publishable.length) await publishStaged(conn, candidates[0].name.type, publishable, ctx);
    await dropStaging(conn);
    if (own) await run(conn, publishable.length ? "COMMIT" : "ROLLBACK");
    for (const {c, staged} of publishable) {
      const replaced = c.previous.length > 0;
      results[c.at] = {
        file: c.file, ...c.base, outcome: replaced ? "replaced" : "loaded",
        message: `${c.file}: ${staged.rowsLoaded} rows loaded, ${staged.rowsQuarantined} quarantined${replaced ? ` (replaces the earlier ${c.name.period} extract)` : ""}`,
        rowsIn: staged.rowsIn, rowsLoaded: staged.rowsLoaded, rowsQuarantined: staged.rowsQuarantined,
        warnings: [...c.warnings, ...staged.warnings], loadId: c.loadId
      } as LoadResult;
    }
    return results;
  } catch (err) {
    if (!own) throw new BatchAborted(candidates.map((c) => c.file).join(", "), err as Error);
    await run(conn, "ROLLBACK").catch(() => undefined);
    for (const c of candidates) results[c.at] = empty(c.file, "failed", `${c.file}: ${(err as Error).message}`, c.base);
    return results;
  } finally {
    for (const c of candidates) if (c.readPath !== c.path) rmSync(c.readPath, {force: true});
  }
}

/** The group's files one at a time (each a group of one), keeping the results already decided. */
async function loadOneByOne(conn: DuckDBConnection, files: GroupFile[], candidates: Candidate[], results: LoadResult[], ctx: LoadContext, door?: DoorLoad): Promise<LoadResult[]> {
  for (const c of candidates) {
    if (c.readPath !== c.path) rmSync(c.readPath, {force: true});
    const seq = Number(c.loadId.slice(ctx.runId.length + 1));
    [results[c.at]] = await loadExtractGroup(conn, [{...files[c.at], seq}], ctx, door);
  }
  return results;
}

type Previous = Map<string, {load_id: string; sha256: string; rows_loaded: number}[]>;

/** The loads already published for the files' (type, authority, period) targets, in one query. */
async function previousLoads(conn: DuckDBConnection, names: string[]): Promise<Previous> {
  const targets = names.map((n) => parseExtractName(n)).filter((n) => !("error" in n)) as {type: string; laCode: string; period: string}[];
  const byTarget: Previous = new Map();
  if (!targets.length) return byTarget;
  const rows = await queryRows<{target: string; load_id: string; sha256: string; rows_loaded: number}>(conn,
    `SELECT concat_ws(' ', extract_type, la_code, period) AS target, load_id, sha256, rows_loaded FROM extract_loads
     WHERE concat_ws(' ', extract_type, la_code, period) IN (${targets.map((t) => sqlString(`${t.type} ${t.laCode} ${t.period}`)).join(", ")})`);
  for (const r of rows) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), {load_id: r.load_id, sha256: r.sha256, rows_loaded: r.rows_loaded}]);
  return byTarget;
}

/** The checks made before a row is read: name, readability, header, identifiers in column names, same content. */
async function checkBeforeReading(path: string, ctx: LoadContext, previousByTarget: Previous, door?: DoorLoad, again = false): Promise<LoadResult | Omit<Candidate, "at" | "path" | "loadId" | "again">> {
  const file = door?.file ?? basename(path);
  const name = parseExtractName(basename(path));
  if ("error" in name) return empty(file, "refused", name.error);
  let info: FileInspection;
  try {
    info = await inspectFile(path);
  } catch (err) {
    // A .gz cut short, a file removed or locked since the inbox screen: this file only, by name.
    return empty(file, "refused", `${file} cannot be read to the end (${(err as Error).message}); nothing was loaded`,
      {type: name.type, laCode: name.laCode, period: name.period});
  }
  // A return the door staged is the same load only if the rows it held back and what it said of them
  // are the same too: a resubmission that breaks a row whose record another return also lists stages
  // the same bytes, and its quarantine and warnings must still be the new ones.
  if (door) info = {...info, sha256: createHash("sha256").update(JSON.stringify([info.sha256, door.held, door.warnings])).digest("hex")};
  const base = {sha256: info.sha256, type: name.type, laCode: name.laCode, period: name.period};
  if (info.bytes === 0) return empty(file, "refused", `${file} is empty (0 bytes): nothing was loaded and the previous ${name.period} data stays`, base);
  if (info.headerTooLong) {
    return empty(file, "refused", `${file} has no line break in its first ${HEAD_LIMIT / 1024} KB: it is not a CSV extract with a header line`, base);
  }
  if (!info.header) return empty(file, "refused", `${file} has no header line`, base);
  if (info.header.length > MAX_COLUMNS) {
    return empty(file, "refused", `${file} has ${info.header.length} columns; at most ${MAX_COLUMNS} are read (a ${name.type} extract needs ${contractFor(name.type, name.collectionYear).fields.length}): nothing was loaded`, base);
  }
  if (info.headerOnly) {
    return empty(file, "refused", `${file} has a header but no data rows; loading it would replace ${name.period} with nothing, so it was refused`, base);
  }

  const contract = contractFor(name.type, name.collectionYear);
  const previous = previousByTarget.get(`${name.type} ${name.laCode} ${name.period}`) ?? [];
  if (!again && previous.some((p) => p.sha256 === info.sha256)) {
    return empty(file, "unchanged", `${file} is already loaded (same sha256): nothing changed`, base);
  }

  const warnings: string[] = [...(door?.warnings ?? [])];
  const lineage = door ? [ORIGIN_FILE, ORIGIN_ROW] : [];
  const header = info.header;
  const identifierFindings = screenHeaders(header.filter((h) => !contract.fields.some((f) => f.name === h) && !lineage.includes(h)));
  if (identifierFindings.length) {
    return empty(file, "refused", refusal(file, identifierFindings), base);
  }
  const expected = contract.fields.map((f) => f.name);
  const missing = contract.fields.filter((f) => !f.absentOk && !header.includes(f.name)).map((f) => f.name);
  if (missing.length) {
    return empty(file, "refused",
      `${file} is missing column(s) ${missing.join(", ")}; a ${name.type} extract for ${name.collectionYear} needs: ${expected.join(", ")}`, base);
  }
  const duplicated = header.filter((h, i) => header.indexOf(h) !== i);
  if (duplicated.length) return empty(file, "refused", `${file} repeats column(s) ${[...new Set(duplicated)].join(", ")}`, base);
  const extra = header.filter((h) => !expected.includes(h) && !lineage.includes(h));
  if (extra.length) warnings.push(`column(s) outside the contract dropped unread: ${extra.join(", ")}`);
  if (header.join(",") !== expected.filter((c) => header.includes(c)).concat(extra).join(",") && !extra.length) {
    warnings.push("columns are in a different order from the contract; read by name");
  }

  let readPath = path;
  let encoding = "utf-8";
  if (!info.utf8) {
    readPath = join(tmpdir(), `curve-${ctx.runId}-${file}.utf8.csv`);
    await transcodeWindows1252(path, readPath);
    encoding = "windows-1252";
    warnings.push("not valid UTF-8: decoded as Windows-1252 (Excel's CSV encoding)");
  }
  return {readPath, file, name, info, base, header, warnings, encoding, previous};
}

function refusal(file: string, findings: {column: string; reason: string}[]): string {
  return `${file} was refused whole because it contains direct identifiers: ${findings
    .map((f) => `column '${f.column}' ${f.reason}`)
    .join("; ")}. Extracts may carry only the pseudonymous key, month of birth and ward.`;
}

interface Staged {
  rowsIn: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  warnings: string[];
}

/** How a copy of a record another period's file already loaded is named in the quarantine. */
const ALREADY_LOADED = "is already loaded from";

/** A live load the run must load again from the inbox, and why (see judgeAgain). */
export interface JudgeAgain {
  file: string;
  sha256: string;
  /**
   * "orphaned": it held copies back as already loaded from another period's file that no loaded file
   * holds any more (a correction moved the record's date into the other year, and that year's file
   * was replaced without it). "held": copies it held back are loaded from later periods' files only,
   * listed in `holders` (the record is the earlier period's once those can give it up).
   * "shadowed": records it holds were loaded in this run from an earlier period's file, and are that file's.
   */
  why: "orphaned" | "held" | "shadowed";
  records: number;
  holders: {file: string; sha256: string}[];
}

/**
 * The live loads judged against records that have moved since: loaded again, each keeps or gives up
 * its copies as a build from scratch of the same files would (a record is the earliest period's
 * file's that validly holds it, see LoadContext.canReload). Only Curve extracts are listed: the door
 * stages its returns afresh from every return kept. Shadows can only come from this run's loads, so
 * only those are joined against the loaded records.
 */
export async function judgeAgain(conn: DuckDBConnection, runId: string): Promise<JudgeAgain[]> {
  const out: JudgeAgain[] = [];
  const curve = (file: string) => `regexp_full_match(${file}, ${sqlString(EXTRACT_NAME.source)})`;
  const loadedNow = new Set((await queryRows<{t: string}>(conn,
    `SELECT DISTINCT extract_type AS t FROM extract_loads WHERE run_id = ${sqlString(runId)}`)).map((r) => r.t));
  for (const type of EXTRACT_TYPES) {
    const contract = contractFor(type, 2008);
    if (!contract.keyUniqueAcrossPeriods) continue;
    const key = sqlIdent(contract.key);
    const rawKey = `(q.raw->>${sqlString(contract.key)})`;
    const held = await queryRows<{file: string; sha256: string; records: number; holders: string[] | null}>(conn, `
      SELECT file, sha256, count(*)::INTEGER AS records, holders FROM (
        SELECT h.file, h.sha256, h.k,
          list_sort(list(DISTINCT hl.file || ' ' || hl.sha256) FILTER (WHERE hl.load_id IS NOT NULL)) AS holders,
          bool_or(coalesce(hl.period < h.period OR NOT ${curve("hl.file")}, false)) AS counted
        FROM (SELECT DISTINCT l.file, l.sha256, l.la_code, l.period, ${rawKey} AS k
              FROM quarantine q JOIN extract_loads l USING (load_id)
              WHERE q.extract_type = ${sqlString(type)} AND q.rule = 'duplicate-key' AND q.message LIKE ${sqlString(`%${ALREADY_LOADED}%`)}
                AND ${curve("l.file")}) h
        LEFT JOIN ${type}__loaded r ON r.${key} = h.k AND r.la_code = h.la_code
        LEFT JOIN extract_loads hl ON hl.load_id = r.load_id
        GROUP BY ALL)
      WHERE NOT counted GROUP BY ALL ORDER BY file, holders NULLS FIRST`);
    for (const h of held) {
      const holders = (h.holders ?? []).map((x) => {
        const [file, sha256] = x.split(" ");
        return {file, sha256};
      });
      out.push({file: h.file, sha256: h.sha256, why: holders.length ? "held" : "orphaned", records: h.records, holders});
    }
    if (!loadedNow.has(type)) continue;
    const shadowed = await queryRows<{file: string; sha256: string; records: number}>(conn, `
      SELECT l.file, l.sha256, count(DISTINCT r.${key})::INTEGER AS records
      FROM ${type}__loaded e JOIN extract_loads el ON el.load_id = e.load_id AND el.run_id = ${sqlString(runId)}
      JOIN ${type}__loaded r ON r.${key} = e.${key} AND r.la_code = e.la_code
      JOIN extract_loads l ON l.load_id = r.load_id
      WHERE el.period < l.period AND ${curve("l.file")}
      GROUP BY ALL ORDER BY l.file`);
    out.push(...shadowed.map((s) => ({...s, why: "shadowed" as const, holders: []})));
  }
  return out;
}

/** The group's quarantine rows, kept aside until each file is judged publishable. */
const FILE_QUARANTINE = "file_quarantine";
const STAGING = ["stage", "stage_part", "stage_rejects", "stage_reject_scans", "typed", "bad", "group_files", "group_replaced", "group_rejects",
  "group_elsewhere", FILE_QUARANTINE];

async function dropStaging(conn: DuckDBConnection): Promise<void> {
  for (const t of STAGING) await run(conn, `DROP TABLE IF EXISTS ${t}`);
}

/**
 * Stages, types, checks and screens a group's files together; per file (by its index in the group),
 * what it would load and quarantine, or why it is refused. "interdependent" when a record key of an
 * event extract appears in two of the group's files of one authority: whether the later copy is a
 * duplicate depends on whether the earlier one loads, so those files must load one after the other.
 */
async function stageAndValidate(conn: DuckDBConnection, candidates: Candidate[], ctx: LoadContext, door?: DoorLoad): Promise<Map<number, Staged | {refused: string}> | "interdependent"> {
  const {type, collectionYear} = candidates[0].name;
  const contract = contractFor(type, collectionYear);
  await dropStaging(conn);
  // The files' own parameters (authority, collection year), so one statement checks every file.
  await run(conn, `CREATE TEMP TABLE group_files (_f INTEGER, read_path VARCHAR, file VARCHAR, load_id VARCHAR, la_code VARCHAR, period VARCHAR,
    fy_start DATE, fy_end DATE, synthetic INTEGER)`);
  await run(conn, `INSERT INTO group_files VALUES ${candidates.map((c) => `(${c.at}, ${sqlString(c.readPath)}, ${sqlString(c.file)}, ${sqlString(c.loadId)}, ${sqlString(c.name.laCode)},
    ${sqlString(c.name.period)}, DATE '${fyStartDate(c.name.collectionYear)}', DATE '${fyEndDate(c.name.collectionYear)}', ${ctx.syntheticWardCounts.get(c.name.laCode) ?? "NULL"})`).join(", ")}`);
  await run(conn, `CREATE TEMP TABLE group_replaced (_f INTEGER, load_id VARCHAR)`);
  const replaced = candidates.flatMap((c) => c.previous.map((p) => `(${c.at}, ${sqlString(p.load_id)})`));
  if (replaced.length) await run(conn, `INSERT INTO group_replaced VALUES ${replaced.join(", ")}`);

  // Only the contract's columns are staged: the reader splits every column of a line, but columns
  // outside the contract are never materialised, screened or stored (a 1,000-column file took 3.6 GB).
  // A door-staged file also carries the statutory file and row each record came from (lineage).
  // Values are staged trimmed, empty cells as NULL (sqlRaw), once: every check below reads them.
  const lineage = door ? [ORIGIN_FILE, ORIGIN_ROW] : [];
  const stagedCols = [...contract.fields.map((f) => f.name), ...lineage];
  await run(conn, `CREATE TEMP TABLE stage (_f INTEGER, source_row INTEGER, ${stagedCols.map((n) => `${sqlIdent(n)} VARCHAR`).join(", ")})`);
  await run(conn, `CREATE TEMP TABLE group_rejects (_f INTEGER, line INTEGER, error_type VARCHAR, error_message VARCHAR, column_name VARCHAR, csv_line VARCHAR)`);
  // One read of all the files that share a header (and line endings and compression).
  const parts = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = [c.header.join("\u0001"), c.info.newLine === "\r", /\.gz$/i.test(c.readPath)].join("\u0002");
    parts.set(key, [...(parts.get(key) ?? []), c]);
  }
  for (const part of parts.values()) {
    const {header, info} = part[0];
    const columns = `{${header.map((h) => `${sqlString(h)}: 'VARCHAR'`).join(", ")}}`;
    const present = stagedCols.filter((n) => header.includes(n));
    const value = (n: string) => {
      const f = contract.fields.find((x) => x.name === n);
      return f ? sqlRaw(f) : sqlIdent(n);
    };
    // CR-only line endings (old Mac Excel) must be named to DuckDB, whose parallel scanner cannot then
    // pad short rows next to quoted line breaks.
    const crOnly = info.newLine === "\r" ? `, new_line = '\\r', parallel = false` : "";
    for (const t of ["stage_rejects", "stage_reject_scans"]) await run(conn, `DROP TABLE IF EXISTS ${t}`);
    // Rows come in file order and, within a file, in line order: a file's rows are numbered from its first.
    await run(conn, `CREATE OR REPLACE TEMP TABLE stage_part AS
      SELECT row_number() OVER () AS _g, _curve_path, ${present.map((n) => `${value(n)} AS ${sqlIdent(n)}`).join(", ")}
      FROM read_csv([${part.map((c) => sqlString(c.readPath)).join(", ")}], filename = '_curve_path', header = true, auto_detect = false,
                    columns = ${columns}, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = true, store_rejects = true,
                    rejects_table = 'stage_rejects', rejects_scan = 'stage_reject_scans', max_line_size = 1048576${crOnly})`);
    await run(conn, `INSERT INTO stage (_f, source_row, ${present.map(sqlIdent).join(", ")})
      SELECT g._f, (p._g - min(p._g) OVER (PARTITION BY p._curve_path) + 1)::INTEGER, ${present.map((n) => `p.${sqlIdent(n)}`).join(", ")}
      FROM stage_part p JOIN group_files g ON g.read_path = p._curve_path`);
    await run(conn, `INSERT INTO group_rejects SELECT g._f, r.line::INTEGER, r.error_type, r.error_message, r.column_name, r.csv_line
      FROM stage_rejects r JOIN stage_reject_scans s USING (scan_id, file_id) JOIN group_files g ON g.read_path = s.file_path`);
  }

  const typedCols = contract.fields.map((f) => `${sqlValue(f, sqlIdent(f.name))} AS ${sqlIdent(f.name)}, ${sqlIdent(f.name)} AS ${sqlIdent(`raw_${f.name}`)}`);
  const lineageRow = door ? `TRY_CAST(${sqlIdent(ORIGIN_ROW)} AS INTEGER)` : "source_row";
  // Typed once into a table: the rules read each typed value several times, and a subquery would
  // re-evaluate its parse (a regular expression) for every reference.
  await run(conn, `CREATE TEMP TABLE typed AS
    SELECT _f, source_row, ${lineageRow} AS _lineage_row, ${typedCols.join(",\n ")} FROM stage`);
  const key = sqlIdent(contract.key);
  if (contract.keyUniqueAcrossPeriods && new Set(candidates.map((c) => c.name.laCode)).size < candidates.length) {
    const [{n}] = await queryRows<{n: number}>(conn, `SELECT count(*)::INTEGER AS n FROM (
      SELECT t.${key}, g.la_code FROM typed t JOIN group_files g USING (_f) WHERE t.${key} IS NOT NULL GROUP BY ALL HAVING count(DISTINCT t._f) > 1)`);
    if (n > 0) return "interdependent";
  }

  // Every row rule is a condition over the typed row (and its file's parameters, _g_*) and a message.
  // The conditions are tested in one pass (a row that breaks any is "bad"); messages are written only
  // for the bad rows, which are quarantined, and everything else is published.
  const checks: {field: string; rule: string; message: string; when: string}[] = [];
  const issue = (field: string, rule: string, message: string, when: string) => checks.push({field, rule, message, when});
  for (const f of contract.fields) {
    const raw = `t.${sqlIdent(`raw_${f.name}`)}`;
    // The door's rows may have no ward (no postcode, or no lookup): borough figures count them, ward views cannot.
    if (f.required && !(door && f.name === contract.wardField)) issue(f.name, "missing", sqlString(`${f.name} is required: expected ${expectation(f)}`), `${raw} IS NULL`);
    issue(f.name, "invalid", `${sqlString(`${f.name}: expected ${expectation(f)}, got '`)} || ${raw} || ''''`,
      `${raw} IS NOT NULL AND t.${sqlIdent(f.name)} IS NULL`);
  }
  issue("la_code", "wrong-authority", `'la_code ' || t.la_code || ' does not match the file''s authority ' || t._g_la`,
    `t.la_code <> t._g_la`);
  let wardJoin = "";
  if (contract.wardField) {
    const w = `t.${sqlIdent(contract.wardField)}`;
    // Synthetic wards (<la>-wNN, up to the authority's ward count) or a ward of data/reference/wards.csv.
    const known = `CASE WHEN t._g_synthetic IS NOT NULL THEN starts_with(${w}, t._g_la || '-w') AND length(${w}) = length(t._g_la) + 4
        AND regexp_full_match(substr(${w}, -2), '\\d\\d') AND TRY_CAST(substr(${w}, -2) AS INTEGER) BETWEEN 1 AND t._g_synthetic
      ELSE t._known_ward IS NOT NULL END`;
    wardJoin = `LEFT JOIN (SELECT DISTINCT la_code AS _wla, ward_id AS _known_ward FROM ref_wards) rw ON rw._wla = g.la_code AND rw._known_ward = t.${sqlIdent(contract.wardField)}`;
    issue(contract.wardField, "unknown-ward", `${sqlString(`${contract.wardField} '`)} || ${w} || ''' is not a ward of authority ' || t._g_la || ' (data/reference/wards.csv)'`,
      `${w} IS NOT NULL AND NOT (${known})`);
  }
  const today = ctx.asOf.toISOString().slice(0, 10);
  for (const d of contract.dateFields) {
    issue(d, "future-date", `${sqlString(`${d} `)} || t.${sqlIdent(d)} || ${sqlString(` is in the future (after ${today})`)}`,
      `t.${sqlIdent(d)} > DATE ${sqlString(today)}`);
  }
  const year = `' ' || t._g_period || ' (' || t._g_fy_start || ' to ' || t._g_fy_end || ')'`;
  const p = `t.${sqlIdent(contract.periodField)}`;
  if (contract.periodEnd) {
    const e = `t.${sqlIdent(contract.periodEnd)}`;
    issue(contract.periodField, "outside-collection-year",
      `${sqlString(`the record (${contract.periodField} `)} || ${p} || ', ${contract.periodEnd} ' || coalesce(${e}::VARCHAR, 'open') || ') is not active in the collection year' || ${year}`,
      `${p} > t._g_fy_end OR ${e} < t._g_fy_start`);
  } else {
    issue(contract.periodField, "outside-collection-year",
      `${sqlString(`${contract.periodField} `)} || ${p} || ' is outside the collection year' || ${year}`,
      `${p} NOT BETWEEN t._g_fy_start AND t._g_fy_end`);
  }
  if (contract.age) {
    const {at, min, max} = contract.age;
    // Completed years from the first of the birth month (months crossed, as date_diff('month') counts
    // them, from the typed 'YYYY-MM'); negative for unborn children (pre-birth referrals).
    const a = `t.${sqlIdent(at)}`;
    const age = `floor(((year(${a}) * 12 + month(${a})) - (substr(t.birth_month, 1, 4)::INTEGER * 12 + substr(t.birth_month, 6, 2)::INTEGER)) / 12)::INTEGER`;
    issue("birth_month", "age-out-of-range",
      `'age ' || (${age}) || ${sqlString(` at ${at} is outside ${min} to ${max}`)}`,
      `t.birth_month IS NOT NULL AND ${a} IS NOT NULL AND NOT ((${age}) BETWEEN ${min} AND ${max})`);
  }
  for (const r of contract.rules) {
    const breaks = r.breaks.replace(/"([a-z_]+)"/g, (_, c) => `t.${sqlIdent(c)}`);
    issue(r.field, r.rule, sqlString(r.message), breaks);
  }
  issue(contract.key, "duplicate-key",
    `${sqlString(`${contract.key} '`)} || t.${key} || ''' appears ' || t._copies || ' times in this file; every copy is quarantined'`,
    `t.${key} IS NOT NULL AND t._copies > 1`);
  let earlier = "";
  if (contract.keyUniqueAcrossPeriods) {
    // A record belongs to one period: a key already published from another period's file of this
    // authority is a copy (a reused id, a year's file carrying last year's rows), not a new record.
    // The period's earlier load that the file replaces does not count. Joined from the files' own
    // keys, so the cost follows the files, not every key loaded before them.
    await run(conn, `CREATE TEMP TABLE group_elsewhere AS
      SELECT k._f, k._key, k._period AS _own_period, l.load_id, l.file, l.period, l.sha256
      FROM (SELECT DISTINCT t._f, t.${key} AS _key, g.la_code AS _la, g.period AS _period FROM typed t JOIN group_files g USING (_f) WHERE t.${key} IS NOT NULL) k
      JOIN ${type}__loaded r ON r.${key} = k._key AND r.la_code = k._la
      JOIN extract_loads l ON l.load_id = r.load_id
      WHERE NOT EXISTS (SELECT 1 FROM group_replaced x WHERE x._f = k._f AND x.load_id = r.load_id)`);
    // The record is the earliest period's, as in a build from scratch (files load in period order):
    // a later period's file that can be judged again from the inbox gives its copy up, and the run
    // loads it again (judgeAgain). One that cannot (gone from the inbox, changed and not yet loaded,
    // or a statutory return's) keeps it, and this copy is the one quarantined.
    const yielding: string[] = [];
    if (ctx.canReload && !door) {
      for (const l of await queryRows<{load_id: string; file: string; sha256: string}>(conn,
        `SELECT DISTINCT load_id, file, sha256 FROM group_elsewhere WHERE period > _own_period ORDER BY load_id`)) {
        if (await ctx.canReload(l.file, l.sha256)) yielding.push(l.load_id);
      }
    }
    earlier = `LEFT JOIN (SELECT _f AS _ef, _key, min(file) AS _file, min(period) AS _period FROM group_elsewhere
        ${yielding.length ? `WHERE load_id NOT IN (${sqlList(yielding)})` : ""} GROUP BY _f, _key) e ON e._ef = t._f AND e._key = t.${key}`;
    issue(contract.key, "duplicate-key",
      `${sqlString(`${contract.key} '`)} || t.${key} || ''' ${ALREADY_LOADED} ' || t._file || ' (' || t._period || '); a record may appear in one period only'`,
      `t._key IS NOT NULL`);
  }

  // Repeated keys from a grouping of the key alone: a window over the typed rows would sort them all.
  const copies = `LEFT JOIN (SELECT _f AS _df, ${key} AS _dkey, count(*) AS _copies FROM typed WHERE ${key} IS NOT NULL GROUP BY ALL HAVING count(*) > 1) d
    ON d._df = t._f AND d._dkey = t.${key}`;
  // The rules as one boolean per row (no messages yet): only the few failing rows are kept, and
  // their messages are written from that small table.
  await run(conn, `CREATE TEMP TABLE bad AS
    SELECT * FROM (SELECT t.*, g.la_code AS _g_la, g.period AS _g_period, g.fy_start AS _g_fy_start, g.fy_end AS _g_fy_end,
        g.synthetic AS _g_synthetic, d._copies${wardJoin ? ", rw._known_ward" : ""}${earlier ? ", e._key, e._file, e._period" : ""}
      FROM typed t JOIN group_files g USING (_f) ${copies} ${wardJoin} ${earlier}) t
    WHERE ${checks.map((c) => `coalesce(${c.when}, false)`).join("\n OR ")}`);
  // Counted from the files' own tables, never the published table (which grows with every load).
  const counts = await queryRows<{f: number; parsed: number; held: number; rejected: number}>(conn, `
    SELECT g._f AS f, coalesce(p.n, 0)::INTEGER AS parsed, coalesce(b.n, 0)::INTEGER AS held, coalesce(r.n, 0)::INTEGER AS rejected FROM group_files g
    LEFT JOIN (SELECT _f, count(*) AS n FROM typed GROUP BY _f) p USING (_f)
    LEFT JOIN (SELECT _f, count(*) AS n FROM bad GROUP BY _f) b USING (_f)
    LEFT JOIN (SELECT _f, count(*) AS n FROM group_rejects GROUP BY _f) r USING (_f)`);

  // Direct identifiers refuse a file whole: the values that could be stored (every value of a
  // column whose valid values may spell one, and any value that fails typing) in one pass.
  const screen = identifierScreenSql("typed", contract.fields.map((f) => ({
    column: f.name, value: sqlIdent(`raw_${f.name}`), candidates: mayHoldIdentifier(f) ? "true" : `${sqlIdent(f.name)} IS NULL`
  })), "_f");
  const findings = new Map<number, {column: string; reason: string}[]>();
  for (const r of await queryRows<{f: number; k: number}>(conn, screen.sql)) findings.set(r.f, [...(findings.get(r.f) ?? []), screen.checks[r.k]]);

  // Quarantine keeps the row's content for the analyst, minus the child key (it stays in the archived file).
  const rawCols = contract.fields.map((f) => f.name).filter((h) => h !== "child_key" && h !== "young_person_key");
  const rawJson = `json_object(${rawCols.map((h) => `${sqlString(h)}, s.${sqlIdent(h)}`).join(", ")})`;
  // A staged row is quarantined under the statutory file and row it came from, not the staged copy.
  const qFile = door ? `s.${sqlIdent(ORIGIN_FILE)}` : "g.file";
  const issues = checks.map((c) => `SELECT t._f, t.source_row, t._lineage_row, ${sqlString(c.field)} AS field, ${sqlString(c.rule)} AS rule, ${c.message} AS message
    FROM bad t WHERE ${c.when}`);
  await run(conn, `CREATE TEMP TABLE ${FILE_QUARANTINE} AS SELECT * FROM quarantine LIMIT 0`);
  if (counts.some((c) => c.held)) {
    await run(conn, `INSERT INTO ${FILE_QUARANTINE}
    SELECT g.load_id, ${sqlString(ctx.runId)}, ${qFile}, ${sqlString(type)}, i._lineage_row, NULL, i.field, i.rule, i.message, ${rawJson}
    FROM (${issues.join("\nUNION ALL\n")}) i JOIN stage s USING (_f, source_row) JOIN group_files g USING (_f)`);
  }
  const heldRows = door?.held ?? [];
  for (let i = 0; i < heldRows.length; i += 500) {
    const batch = heldRows.slice(i, i + 500);
    await run(conn, `INSERT INTO ${FILE_QUARANTINE} VALUES ${batch.map((_, j) => `(${sqlString(candidates[0].loadId)}, ${sqlString(ctx.runId)}, $${j * 5 + 1}, ${sqlString(type)}, $${j * 5 + 2}::INTEGER, NULL, $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 5}, NULL)`).join(", ")}`,
      batch.flatMap((h) => [h.file, h.row, h.field, h.rule, h.message]));
  }
  // Rows the CSV reader itself could not split are kept too, by line, with child keys masked.
  if (counts.some((c) => c.rejected)) {
    await run(conn, `INSERT INTO ${FILE_QUARANTINE}
      SELECT g.load_id, ${sqlString(ctx.runId)}, g.file, ${sqlString(type)}, NULL, r.line,
             coalesce(r.column_name, '(row)'), 'unreadable-row', r.error_type || ': ' || r.error_message,
             to_json({line: regexp_replace(r.csv_line, '[0-9a-f]{16,64}', '(key removed)', 'g')})
      FROM group_rejects r JOIN group_files g USING (_f) ORDER BY r._f, r.line`);
  }

  const judged = new Map<number, Staged | {refused: string}>();
  const doorHeld = new Set(heldRows.map((h) => `${h.file}#${h.row}`)).size;
  for (const c of candidates) {
    const found = findings.get(c.at);
    if (found) {
      judged.set(c.at, {refused: refusal(c.file, found)});
      continue;
    }
    const {parsed, held, rejected} = counts.find((n) => n.f === c.at)!;
    const rowsIn = parsed + rejected + doorHeld;
    const loaded = parsed - held;
    judged.set(c.at, {rowsIn, rowsLoaded: loaded, rowsQuarantined: rowsIn - loaded,
      warnings: rejected ? [`${rejected} line(s) could not be read as CSV rows and were quarantined by line`] : []});
  }
  return judged;
}

/**
 * Writes the group's judged files into the warehouse: their quarantine, their valid rows with lineage,
 * the removal of the periods' earlier loads they replace, and their `extract_loads` rows.
 */
async function publishStaged(conn: DuckDBConnection, type: ExtractType, publishable: {c: Candidate; staged: Staged}[], ctx: LoadContext): Promise<void> {
  const contract = contractFor(type, publishable[0].c.name.collectionYear);
  const loadIds = publishable.map(({c}) => sqlString(c.loadId)).join(", ");
  if (publishable.some(({staged}) => staged.rowsQuarantined > 0)) {
    await run(conn, `INSERT INTO quarantine SELECT * FROM ${FILE_QUARANTINE} WHERE load_id IN (${loadIds})`);
  }
  const previous = publishable.flatMap(({c}) => c.previous.map((p) => sqlString(p.load_id)));
  if (previous.length) {
    for (const t of [`${type}__loaded`, "quarantine", "extract_loads"]) await run(conn, `DELETE FROM ${t} WHERE load_id IN (${previous.join(", ")})`);
  }
  const cols = contract.fields.map((f) => sqlIdent(f.name));
  const publish = contract.fields.map((f) =>
    f.name === "sex" ? `CASE t.sex WHEN '1' THEN 'M' WHEN '2' THEN 'F' WHEN '9' THEN 'U' WHEN '0' THEN 'U' ELSE t.sex END` : `t.${sqlIdent(f.name)}`);
  await run(conn, `INSERT INTO ${type}__loaded (${cols.join(", ")}, load_id, source_row)
    SELECT ${publish.join(", ")}, g.load_id, t._lineage_row FROM typed t JOIN group_files g USING (_f)
    ANTI JOIN bad b ON b._f = t._f AND b.source_row = t.source_row
    WHERE t._f IN (${publishable.map(({c}) => c.at).join(", ")})`);
  const loadedAt = new Date().toISOString();
  const values = publishable.map(({c, staged}) => [
    c.loadId, ctx.runId, c.file, c.info.sha256, c.name.type, c.name.laCode, c.name.period, c.name.collectionYear, c.encoding,
    staged.rowsIn, staged.rowsLoaded, staged.rowsQuarantined, JSON.stringify([...c.warnings, ...staged.warnings]), loadedAt
  ]);
  await run(conn, `INSERT INTO extract_loads VALUES ${values.map((_, i) => `(${Array.from({length: 14}, (__, j) => `$${i * 14 + j + 1}`).join(", ")}::TIMESTAMPTZ::TIMESTAMP)`).join(", ")}`,
    values.flat());
}

/** A group's limit: its staged rows stay in memory until the shared transaction commits. */
const GROUP_BYTES = 32 * 1024 * 1024;
const GROUP_FILES = 200;

/**
 * The run's files (by index) in groups loaded together: consecutive files (in name order) of one
 * extract type read by the same contract (the collection year can change its code lists), up to
 * GROUP_BYTES. Consecutive, so one authority's files of a type still load in period order: a record
 * key repeated across periods is quarantined in the later file, as when files loaded one by one.
 */
export function groupFiles(paths: string[]): number[][] {
  const groups: number[][] = [];
  let current: {key: string; files: number[]; bytes: number} | null = null;
  for (const [at, path] of paths.entries()) {
    const name = parseExtractName(basename(path));
    let bytes = 0;
    try {
      bytes = statSync(path).size;
    } catch {
      bytes = GROUP_BYTES; // unreadable: alone, and refused by name when loaded
    }
    const key = "error" in name ? `#${at}` : `${name.type} ${JSON.stringify(contractFor(name.type, name.collectionYear).fields)}`;
    if (!current || current.key !== key || current.bytes + bytes > GROUP_BYTES || current.files.length >= GROUP_FILES) {
      current = {key, files: [], bytes: 0};
      groups.push(current.files);
    }
    current.files.push(at);
    current.bytes += bytes;
  }
  return groups;
}
