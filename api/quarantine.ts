import type {Queryable} from "./oba/query.js";

/**
 * The quarantined rows of the published warehouse (pipelines write them; the API only reads), filtered
 * by run and file. The raw row is stored without child keys, so it can be shown to the analyst who must fix it.
 */
export async function quarantined(db: Queryable, {run, file, limit}: {run?: string; file?: string; limit: number}) {
  const where: string[] = [];
  const params: string[] = [];
  if (run) where.push(`run_id = $${params.push(run)}`);
  if (file) where.push(`file = $${params.push(file)}`);
  const rows = await db.query(
    `SELECT run_id, load_id, file, extract_type, source_row, line, field, rule, message, raw::VARCHAR AS raw
     FROM quarantine ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY file, coalesce(source_row, 0), coalesce(line, 0), field LIMIT ${limit}`, params);
  const summary = await db.query(
    `SELECT extract_type, rule, count(*)::INTEGER AS rows FROM quarantine ${where.length ? `WHERE ${where.join(" AND ")}` : ""} GROUP BY ALL ORDER BY rows DESC`, params);
  return {summary, rows: rows.map((r) => ({...r, raw: typeof r.raw === "string" ? JSON.parse(r.raw as string) : r.raw}))};
}
