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
    await run(conn, `CREATE TABLE IF NOT EXISTS ${type} (${cols.join(", ")}, load_id VARCHAR, source_row INTEGER)`);
  }
}
