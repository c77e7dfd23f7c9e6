import type {DuckDBConnection} from "@duckdb/node-api";
import {contractFor, EXTRACT_TYPES} from "../contracts/extracts.js";
import {sqlIdent, sqlList, sqlType} from "../contracts/fields.js";
import {queryRows, run} from "../warehouse/store.js";

/** Published extract tables: the contract's typed columns plus lineage (which load, which row). */
export async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  await run(conn, `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
  await run(conn, `CREATE TABLE IF NOT EXISTS extract_loads (
    load_id VARCHAR PRIMARY KEY, run_id VARCHAR, file VARCHAR, sha256 VARCHAR, extract_type VARCHAR, la_code VARCHAR,
    period VARCHAR, collection_year INTEGER, encoding VARCHAR, rows_in INTEGER, rows_loaded INTEGER,
    rows_quarantined INTEGER, warnings JSON, loaded_at TIMESTAMP)`);
  await run(conn, `CREATE TABLE IF NOT EXISTS quarantine (
    load_id VARCHAR, run_id VARCHAR, file VARCHAR, extract_type VARCHAR, source_row INTEGER, line INTEGER,
    field VARCHAR, rule VARCHAR, message VARCHAR, raw JSON)`);
  for (const type of EXTRACT_TYPES) {
    const contract = contractFor(type, 2008);
    const cols = contract.fields.map((f) => `${sqlIdent(f.name)} ${sqlType(f)}`);
    await run(conn, `CREATE TABLE IF NOT EXISTS ${type}__loaded (${cols.join(", ")}, load_id VARCHAR, source_row INTEGER)`);
    // A version built before a column was added to the contract gains it (NULL for its earlier rows).
    for (const f of contract.fields) await run(conn, `ALTER TABLE ${type}__loaded ADD COLUMN IF NOT EXISTS ${sqlIdent(f.name)} ${sqlType(f)}`);
  }
  // Statutory files read by the door, by content hash: lets a run with nothing new say so.
  await run(conn, `CREATE TABLE IF NOT EXISTS door_sources (sha256 VARCHAR, file VARCHAR, format VARCHAR, la_code VARCHAR, return_year INTEGER,
    outcome VARCHAR, run_id VARCHAR)`);
}

/**
 * What a run changed, as extract type → authorities whose rows it loaded or replaced; null when
 * everything must be derived again (a first build, new reference data).
 */
export type ChangedSlices = Map<string, Set<string>> | null;

/**
 * The months an event extract's published rows changed in, by extract type and authority (months
 * as YYYY-MM-01, by the extract's period field); a type or authority not here changed in every month.
 */
export type ChangedMonths = Map<string, Map<string, Set<string>>>;

/**
 * Every loaded row is kept in `<type>__loaded`. For episode extracts, which list every episode open in
 * the year, the published `<type>` holds one row per episode: the one from the latest collection year
 * (a later return carries the episode's end date). Derived from the loaded rows at each build, so
 * replacing or correcting any year's file re-derives it and nothing is lost. Only the (type,
 * authority) slices a run changed are derived again: an episode's latest row is chosen within its
 * authority, so the other authorities' published rows cannot change (a run costs its files, not the
 * warehouse); within a changed authority an event extract changes by whole loads, and says in which
 * months (for the facts). A table whose columns differ from the contract's is rebuilt whole.
 */
export async function publishExtractTables(conn: DuckDBConnection, changed: ChangedSlices = null): Promise<ChangedMonths> {
  const months: ChangedMonths = new Map();
  for (const type of EXTRACT_TYPES) {
    const contract = contractFor(type, 2008);
    const cols = [...contract.fields.map((f) => `r.${sqlIdent(f.name)}`), "r.load_id", "r.source_row"];
    const las = changed?.get(type);
    const current = changed ? await hasColumns(conn, type, [...contract.fields.map((f) => f.name), "load_id", "source_row"]) : false;
    if (changed && !las && current) continue;
    const incremental = las && current;
    const inSlice = incremental ? `la_code IN (${sqlList(las)})` : "";
    const slice = incremental ? `WHERE r.${inSlice}` : "";
    const select = contract.periodEnd
      ? `SELECT ${cols.join(", ")} FROM (
        SELECT r.*, row_number() OVER (PARTITION BY r.${sqlIdent(contract.key)}, r.la_code ORDER BY l.collection_year DESC, l.loaded_at DESC) AS latest
        FROM ${type}__loaded r JOIN extract_loads l USING (load_id) ${slice}) r
      WHERE latest = 1`
      // Event extracts: each year's file holds that year's events, so every loaded row is published.
      : `SELECT ${cols.join(", ")} FROM ${type}__loaded r ${slice}`;
    if (incremental && !contract.periodEnd) {
      // Every loaded row of an event extract is published, and a load's rows never change (a
      // replaced file's load leaves whole): rows of loads gone leave, rows of loads new to the table
      // arrive, and the authority's other years stay where they are (a council is one authority).
      const loads = `SELECT DISTINCT load_id FROM ${type}__loaded WHERE ${inSlice}`;
      const leaving = `FROM ${type} WHERE ${inSlice} AND load_id NOT IN (${loads})`;
      const arriving = `FROM ${type}__loaded r WHERE r.${inSlice} AND r.load_id IN (${loads} EXCEPT SELECT DISTINCT load_id FROM ${type} WHERE ${inSlice})`;
      // The months those rows fall in, so the facts are derived again for those months only.
      const month = `date_trunc('month', ${sqlIdent(contract.periodField)})::DATE::VARCHAR`;
      const touched = await queryRows<{la: string; month: string | null}>(conn,
        `SELECT DISTINCT la_code AS la, ${month} AS month ${leaving} UNION SELECT DISTINCT la_code, ${month} ${arriving}`);
      const byLa = new Map<string, Set<string>>([...las].map((la) => [la, new Set<string>()]));
      for (const t of touched) {
        // A row without a date has no month: that authority's facts are all derived again.
        if (t.month === null) byLa.delete(t.la);
        else byLa.get(t.la)?.add(t.month);
      }
      months.set(type, byLa);
      await run(conn, `DELETE ${leaving}`);
      await run(conn, `INSERT INTO ${type} SELECT ${cols.join(", ")} ${arriving}`);
    } else if (incremental) {
      await run(conn, `DELETE FROM ${type} WHERE ${inSlice}`);
      await run(conn, `INSERT INTO ${type} ${select}`);
    } else {
      await run(conn, `CREATE OR REPLACE TABLE ${type} AS ${select}`);
    }
  }
  return months;
}

/** Whether the published table exists with the contract's columns (a contract that gained one needs a rebuild). */
async function hasColumns(conn: DuckDBConnection, table: string, columns: string[]): Promise<boolean> {
  const [{c}] = await queryRows<{c: string | null}>(conn,
    `SELECT string_agg(column_name, ',' ORDER BY column_index) AS c FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1`, [table]);
  return c === columns.join(",");
}
