import {rmSync} from "node:fs";
import {basename, join} from "node:path";
import {tmpdir} from "node:os";
import type {DuckDBConnection} from "@duckdb/node-api";
import {contractFor, parseExtractName, type ExtractContract} from "../contracts/extracts.js";
import {expectation, sqlIdent, sqlRaw, sqlString, sqlValue} from "../contracts/fields.js";
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

export async function loadExtractFile(conn: DuckDBConnection, path: string, ctx: LoadContext, door?: DoorLoad): Promise<LoadResult> {
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
  const previous = await queryRows<{load_id: string; sha256: string; rows_loaded: number}>(conn,
    `SELECT load_id, sha256, rows_loaded FROM extract_loads WHERE extract_type = $1 AND la_code = $2 AND period = $3`,
    [name.type, name.laCode, name.period]);
  if (previous.some((p) => p.sha256 === info.sha256)) {
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

  const loadId = `${ctx.runId}-${String(ctx.loadSeq()).padStart(3, "0")}`;
  // Outside a shared transaction, each file has its own: loaded entirely or not at all.
  const own = !ctx.batched;
  try {
    if (own) await run(conn, "BEGIN TRANSACTION");
    const loadedAt = new Date().toISOString();
    const result = await stageAndValidate(conn, readPath, info, file, header, contract, name, loadId, ctx, previous.map((p) => p.load_id), door);
    if ("refused" in result) {
      if (own) await run(conn, "ROLLBACK");
      return empty(file, "refused", result.refused, base);
    }
    const verdict = await judgeReplacement(conn, {file, period: name.period, loadId, ...result,
      previousRows: previous.length ? previous.reduce((n, p) => n + p.rows_loaded, 0) : null},
    ctx.guard ?? {maxLossShare: DEFAULT_MAX_LOSS_SHARE, accepted: new Set()}, FILE_QUARANTINE);
    if (verdict) {
      if (own) await run(conn, "ROLLBACK");
      return empty(file, verdict.outcome, verdict.message, {...base, rowsIn: result.rowsIn, rowsQuarantined: result.rowsQuarantined});
    }
    // Judged publishable: only now does the file write to the warehouse.
    await publishStaged(conn, contract, name.type, loadId, previous.map((p) => p.load_id), result.rowsQuarantined > 0);
    await run(conn, `INSERT INTO extract_loads VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::TIMESTAMPTZ::TIMESTAMP)`, [
      loadId, ctx.runId, file, info.sha256, name.type, name.laCode, name.period, name.collectionYear, encoding,
      result.rowsIn, result.rowsLoaded, result.rowsQuarantined, JSON.stringify([...warnings, ...result.warnings]), loadedAt
    ]);
    if (own) await run(conn, "COMMIT");
    const replaced = previous.length > 0;
    return {
      file, ...base, outcome: replaced ? "replaced" : "loaded",
      message: `${file}: ${result.rowsLoaded} rows loaded, ${result.rowsQuarantined} quarantined${replaced ? ` (replaces the earlier ${name.period} extract)` : ""}`,
      rowsIn: result.rowsIn, rowsLoaded: result.rowsLoaded, rowsQuarantined: result.rowsQuarantined,
      warnings: [...warnings, ...result.warnings], loadId
    };
  } catch (err) {
    if (!own) throw new BatchAborted(file, err as Error);
    await run(conn, "ROLLBACK").catch(() => undefined);
    return empty(file, "failed", `${file}: ${(err as Error).message}`, base);
  } finally {
    if (readPath !== path) rmSync(readPath, {force: true});
  }
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

/** The file's quarantine rows, kept aside until the file is judged publishable. */
const FILE_QUARANTINE = "file_quarantine";

async function stageAndValidate(
  conn: DuckDBConnection, path: string, info: FileInspection, file: string, header: string[], contract: ExtractContract,
  name: {type: string; laCode: string; collectionYear: number; period: string}, loadId: string, ctx: LoadContext,
  previousLoads: string[], door?: DoorLoad
): Promise<Staged | {refused: string}> {
  const columns = `{${header.map((h) => `${sqlString(h)}: 'VARCHAR'`).join(", ")}}`;
  for (const t of ["stage", "typed", "bad", "stage_rejects", "stage_reject_scans", FILE_QUARANTINE]) await run(conn, `DROP TABLE IF EXISTS ${t}`);
  // Only the contract's columns are staged: the reader splits every column of a line, but columns
  // outside the contract are never materialised, screened or stored (a 1,000-column file took 3.6 GB).
  // A door-staged file also carries the statutory file and row each record came from (lineage).
  const lineage = door ? [ORIGIN_FILE, ORIGIN_ROW] : [];
  const staged = [...contract.fields.map((f) => f.name).filter((n) => header.includes(n)), ...lineage].map(sqlIdent);
  // CR-only line endings (old Mac Excel) must be named to DuckDB, whose parallel scanner cannot then
  // pad short rows next to quoted line breaks.
  const crOnly = info.newLine === "\r" ? `, new_line = '\\r', parallel = false` : "";
  await run(conn, `CREATE TEMP TABLE stage AS
    SELECT (row_number() OVER ())::INTEGER AS source_row, ${staged.join(", ")}
    FROM read_csv(${sqlString(path)}, header = true, auto_detect = false, columns = ${columns}, delim = ',', quote = '"',
                  escape = '"', strict_mode = true, null_padding = true, store_rejects = true,
                  rejects_table = 'stage_rejects', rejects_scan = 'stage_reject_scans', max_line_size = 1048576${crOnly})`);
  for (const f of contract.fields.filter((f) => f.absentOk && !header.includes(f.name))) {
    await run(conn, `ALTER TABLE stage ADD COLUMN ${sqlIdent(f.name)} VARCHAR`);
  }
  const rejects = await queryRows<{line: number; error_type: string; error_message: string; column_name: string | null}>(conn,
    `SELECT line::INTEGER AS line, error_type, error_message, column_name FROM stage_rejects ORDER BY line`);

  // Every row rule is a condition over the typed row and a message. The conditions are tested in one
  // pass (a row that breaks any is "bad"); messages are written only for the bad rows, which are
  // quarantined, and everything else is published.
  const checks: {field: string; rule: string; message: string; when: string}[] = [];
  const issue = (field: string, rule: string, message: string, when: string) => checks.push({field, rule, message, when});
  for (const f of contract.fields) {
    const raw = `t.${sqlIdent(`raw_${f.name}`)}`;
    // The door's rows may have no ward (no postcode, or no lookup): borough figures count them, ward views cannot.
    if (f.required && !(door && f.name === contract.wardField)) issue(f.name, "missing", sqlString(`${f.name} is required: expected ${expectation(f)}`), `${raw} IS NULL`);
    issue(f.name, "invalid", `${sqlString(`${f.name}: expected ${expectation(f)}, got '`)} || ${raw} || ''''`,
      `${raw} IS NOT NULL AND t.${sqlIdent(f.name)} IS NULL`);
  }
  issue("la_code", "wrong-authority", `'la_code ' || t.la_code || ' does not match the file''s authority ${name.laCode}'`,
    `t.la_code <> ${sqlString(name.laCode)}`);
  if (contract.wardField) {
    const w = `t.${sqlIdent(contract.wardField)}`;
    const synthetic = ctx.syntheticWardCounts.get(name.laCode);
    const known = synthetic
      ? `regexp_full_match(${w}, ${sqlString(`${name.laCode}-w\\d{2}`)}) AND substr(${w}, 6)::INTEGER BETWEEN 1 AND ${synthetic}`
      : `${w} IN (SELECT ward_id FROM ref_wards WHERE la_code = ${sqlString(name.laCode)})`;
    issue(contract.wardField, "unknown-ward", `${sqlString(`${contract.wardField} '`)} || ${w} || ${sqlString(`' is not a ward of authority ${name.laCode} (data/reference/wards.csv)`)}`,
      `${w} IS NOT NULL AND NOT (${known})`);
  }
  const today = ctx.asOf.toISOString().slice(0, 10);
  for (const d of contract.dateFields) {
    issue(d, "future-date", `${sqlString(`${d} `)} || t.${sqlIdent(d)} || ${sqlString(` is in the future (after ${today})`)}`,
      `t.${sqlIdent(d)} > DATE ${sqlString(today)}`);
  }
  const fyStart = fyStartDate(name.collectionYear);
  const fyEnd = fyEndDate(name.collectionYear);
  const p = `t.${sqlIdent(contract.periodField)}`;
  if (contract.periodEnd) {
    const e = `t.${sqlIdent(contract.periodEnd)}`;
    issue(contract.periodField, "outside-collection-year",
      `${sqlString(`the record (${contract.periodField} `)} || ${p} || ', ${contract.periodEnd} ' || coalesce(${e}::VARCHAR, 'open') || ${sqlString(`) is not active in the collection year ${name.period} (${fyStart} to ${fyEnd})`)}`,
      `${p} > DATE ${sqlString(fyEnd)} OR ${e} < DATE ${sqlString(fyStart)}`);
  } else {
    issue(contract.periodField, "outside-collection-year",
      `${sqlString(`${contract.periodField} `)} || ${p} || ${sqlString(` is outside the collection year ${name.period} (${fyStart} to ${fyEnd})`)}`,
      `${p} NOT BETWEEN DATE ${sqlString(fyStart)} AND DATE ${sqlString(fyEnd)}`);
  }
  if (contract.age) {
    const {at, min, max} = contract.age;
    // Completed years from the first of the birth month; negative for unborn children (pre-birth referrals).
    const age = `floor(date_diff('month', strptime(t.birth_month || '-01', '%Y-%m-%d')::DATE, t.${sqlIdent(at)}) / 12)::INTEGER`;
    issue("birth_month", "age-out-of-range",
      `'age ' || (${age}) || ${sqlString(` at ${at} is outside ${min} to ${max}`)}`,
      `t.birth_month IS NOT NULL AND t.${sqlIdent(at)} IS NOT NULL AND NOT ((${age}) BETWEEN ${min} AND ${max})`);
  }
  for (const r of contract.rules) {
    const breaks = r.breaks.replace(/"([a-z_]+)"/g, (_, c) => `t.${sqlIdent(c)}`);
    issue(r.field, r.rule, sqlString(r.message), breaks);
  }
  const key = sqlIdent(contract.key);
  issue(contract.key, "duplicate-key",
    `${sqlString(`${contract.key} '`)} || t.${key} || ''' appears ' || t._copies || ' times in this file; every copy is quarantined'`,
    `t.${key} IS NOT NULL AND t._copies > 1`);
  let earlier = "";
  if (contract.keyUniqueAcrossPeriods) {
    // A record belongs to one period: a key already published from another period's file of this
    // authority is a copy (a reused id, a year's file carrying last year's rows), not a new record.
    const replaced = previousLoads.length ? `AND r.load_id NOT IN (${previousLoads.map(sqlString).join(", ")})` : "";
    // Joined from this file's keys, so the cost follows the file, not every key loaded before it.
    earlier = `LEFT JOIN (SELECT t.${key} AS _key, min(l.file) AS _file, min(l.period) AS _period
        FROM (SELECT DISTINCT ${key} FROM typed) t JOIN ${name.type}__loaded r ON r.${key} = t.${key} AND r.la_code = ${sqlString(name.laCode)} ${replaced}
        JOIN extract_loads l ON l.load_id = r.load_id GROUP BY t.${key}) e ON e._key = t.${key}`;
    issue(contract.key, "duplicate-key",
      `${sqlString(`${contract.key} '`)} || t.${key} || ''' is already loaded from ' || t._file || ' (' || t._period || '); a record may appear in one period only'`,
      `t._key IS NOT NULL`);
  }

  const typedCols = contract.fields.map((f) => `${sqlValue(f)} AS ${sqlIdent(f.name)}, ${sqlRaw(f)} AS ${sqlIdent(`raw_${f.name}`)}`);
  const lineageRow = door ? `TRY_CAST(${sqlIdent(ORIGIN_ROW)} AS INTEGER)` : "source_row";
  // Typed once into a table: the rules read each typed value several times, and a subquery would
  // re-evaluate its parse (a regular expression) for every reference.
  await run(conn, `CREATE OR REPLACE TEMP TABLE typed AS
    SELECT source_row, ${lineageRow} AS _lineage_row, ${typedCols.join(",\n ")} FROM stage`);
  // Repeated keys from a grouping of the key alone: a window over the typed rows would sort them all.
  const copies = `LEFT JOIN (SELECT ${key} AS _dkey, count(*) AS _copies FROM typed WHERE ${key} IS NOT NULL GROUP BY ${key} HAVING count(*) > 1) d ON d._dkey = t.${key}`;
  // The rules as one boolean per row (no messages yet): only the few failing rows are kept, and
  // their messages are written from that small table.
  await run(conn, `CREATE OR REPLACE TEMP TABLE bad AS
    SELECT * FROM (SELECT t.*, d._copies${earlier ? ", e._key, e._file, e._period" : ""} FROM typed t ${copies} ${earlier}) t
    WHERE ${checks.map((c) => `coalesce(${c.when}, false)`).join("\n OR ")}`);
  // Counted from this file's own tables, never the published table (which grows with every load).
  const [{parsed: rowsParsed, held}] = await queryRows<{parsed: number; held: number}>(conn,
    `SELECT (SELECT count(*) FROM typed)::INTEGER AS parsed, (SELECT count(*) FROM bad)::INTEGER AS held`);

  // Direct identifiers refuse the file whole: the values that could be stored (every value of a
  // column whose valid values may spell one, and any value that fails typing) in one pass.
  const screen = identifierScreenSql("typed", contract.fields.map((f) => ({
    column: f.name, value: sqlIdent(`raw_${f.name}`), candidates: mayHoldIdentifier(f) ? "true" : `${sqlIdent(f.name)} IS NULL`
  })));
  const found = (await queryRows<{k: number}>(conn, screen.sql)).map((r) => screen.checks[r.k]);
  if (found.length) return {refused: refusal(file, found)};

  // Quarantine keeps the row's content for the analyst, minus the child key (it stays in the archived file).
  const rawCols = contract.fields.map((f) => f.name).filter((h) => h !== "child_key" && h !== "young_person_key");
  const rawJson = `json_object(${rawCols.map((h) => `${sqlString(h)}, s.${sqlIdent(h)}`).join(", ")})`;
  // A staged row is quarantined under the statutory file and row it came from, not the staged copy.
  const qFile = door ? `s.${sqlIdent(ORIGIN_FILE)}` : sqlString(file);
  const issues = checks.map((c) => `SELECT t.source_row, t._lineage_row, ${sqlString(c.field)} AS field, ${sqlString(c.rule)} AS rule, ${c.message} AS message
    FROM bad t WHERE ${c.when}`);
  await run(conn, `CREATE TEMP TABLE ${FILE_QUARANTINE} AS SELECT * FROM quarantine LIMIT 0`);
  if (held) {
    await run(conn, `INSERT INTO ${FILE_QUARANTINE}
    SELECT ${sqlString(loadId)}, ${sqlString(ctx.runId)}, ${qFile}, ${sqlString(name.type)}, i._lineage_row, NULL, i.field, i.rule, i.message, ${rawJson}
    FROM (${issues.join("\nUNION ALL\n")}) i JOIN stage s USING (source_row)`);
  }
  const heldRows = door?.held ?? [];
  for (let i = 0; i < heldRows.length; i += 500) {
    const batch = heldRows.slice(i, i + 500);
    await run(conn, `INSERT INTO ${FILE_QUARANTINE} VALUES ${batch.map((_, j) => `(${sqlString(loadId)}, ${sqlString(ctx.runId)}, $${j * 5 + 1}, ${sqlString(name.type)}, $${j * 5 + 2}::INTEGER, NULL, $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 5}, NULL)`).join(", ")}`,
      batch.flatMap((h) => [h.file, h.row, h.field, h.rule, h.message]));
  }
  // Rows the CSV reader itself could not split are kept too, by line, with child keys masked.
  if (rejects.length) {
    await run(conn, `INSERT INTO ${FILE_QUARANTINE}
      SELECT ${sqlString(loadId)}, ${sqlString(ctx.runId)}, ${sqlString(file)}, ${sqlString(name.type)}, NULL, line::INTEGER,
             coalesce(column_name, '(row)'), 'unreadable-row', error_type || ': ' || error_message,
             to_json({line: regexp_replace(csv_line, '[0-9a-f]{16,64}', '(key removed)', 'g')})
      FROM stage_rejects`);
  }

  const loaded = rowsParsed - held;
  const warnings = rejects.length ? [`${rejects.length} line(s) could not be read as CSV rows and were quarantined by line`] : [];
  const rowsIn = rowsParsed + rejects.length + new Set(heldRows.map((h) => `${h.file}#${h.row}`)).size;
  return {rowsIn, rowsLoaded: loaded, rowsQuarantined: rowsIn - loaded, warnings};
}

/**
 * Writes a judged file into the warehouse: its quarantine, its valid rows with lineage, and the removal
 * of the period's earlier load it replaces.
 */
async function publishStaged(conn: DuckDBConnection, contract: ExtractContract, type: string, loadId: string, previousLoads: string[], quarantined: boolean): Promise<void> {
  if (quarantined) await run(conn, `INSERT INTO quarantine SELECT * FROM ${FILE_QUARANTINE}`);
  for (const previous of previousLoads) {
    await run(conn, `DELETE FROM ${type}__loaded WHERE load_id = $1`, [previous]);
    await run(conn, `DELETE FROM quarantine WHERE load_id = $1`, [previous]);
    await run(conn, `DELETE FROM extract_loads WHERE load_id = $1`, [previous]);
  }
  const cols = contract.fields.map((f) => sqlIdent(f.name));
  const publish = contract.fields.map((f) =>
    f.name === "sex" ? `CASE t.sex WHEN '1' THEN 'M' WHEN '2' THEN 'F' WHEN '9' THEN 'U' WHEN '0' THEN 'U' ELSE t.sex END` : `t.${sqlIdent(f.name)}`);
  await run(conn, `INSERT INTO ${type}__loaded (${cols.join(", ")}, load_id, source_row)
    SELECT ${publish.join(", ")}, ${sqlString(loadId)}, t._lineage_row FROM typed t ANTI JOIN bad b ON b.source_row = t.source_row`);
  for (const t of ["stage", "typed", "bad", FILE_QUARANTINE]) await run(conn, `DROP TABLE IF EXISTS ${t}`);
}
