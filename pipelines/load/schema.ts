import type {DuckDBConnection} from "@duckdb/node-api";
import {contractFor, EXTRACT_TYPES} from "../contracts/extracts.js";
import {sqlIdent, sqlType} from "../contracts/fields.js";
import {run} from "../warehouse/store.js";

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
 * Every loaded row is kept in `<type>__loaded`. For episode extracts, which list every episode open in
 * the year, the published `<type>` holds one row per episode: the one from the latest collection year
 * (a later return carries the episode's end date). Rebuilt
 * each run, so replacing or correcting any year's file re-derives it and nothing is lost.
 */
export async function publishExtractTables(conn: DuckDBConnection): Promise<void> {
  for (const type of EXTRACT_TYPES) {
    const contract = contractFor(type, 2008);
    const cols = [...contract.fields.map((f) => `r.${sqlIdent(f.name)}`), "r.load_id", "r.source_row"];
    if (!contract.periodEnd) {
      // Event extracts: each year's file holds that year's events, so every loaded row is published.
      await run(conn, `CREATE OR REPLACE TABLE ${type} AS SELECT ${cols.join(", ")} FROM ${type}__loaded r`);
      continue;
    }
    await run(conn, `CREATE OR REPLACE TABLE ${type} AS
      SELECT ${cols.join(", ")} FROM (
        SELECT r.*, row_number() OVER (PARTITION BY r.${sqlIdent(contract.key)}, r.la_code ORDER BY l.collection_year DESC, l.loaded_at DESC) AS latest
        FROM ${type}__loaded r JOIN extract_loads l USING (load_id)) r
      WHERE latest = 1`);
  }
}
