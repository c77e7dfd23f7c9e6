import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {sqlString} from "../contracts/fields.js";
import {periodDates, type ReferenceData} from "../reference.js";
import type {PublishedTable} from "../published/index.js";
import type {WardCode} from "../published/ward-codes.js";
import {queryRows, run} from "../warehouse/store.js";

const csvCell = (v: unknown) => {
  const t = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

function writeCsv(dir: string, name: string, rows: readonly object[], columns: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [columns.join(","), ...rows.map((r) => columns.map((c) => csvCell((r as Record<string, unknown>)[c])).join(","))].join("\n") + "\n");
  return path;
}

export interface PublishedTables {
  wardCodes: WardCode[];
  /** Tables whose published source was refused this run: the copy in the previous version keeps serving. */
  keepPrevious: Set<PublishedTable>;
}

/**
 * Copies the (already zod-validated) reference data into each warehouse version, so a published
 * version is self-contained: the rates it serves use the populations it was built with. Population,
 * deprivation and benchmarks may come from published files (pipelines/published), so they are written
 * from the validated data rather than copied from the committed CSVs.
 */
export async function loadReferenceTables(
  conn: DuckDBConnection, ref: ReferenceData, dir: string,
  published: PublishedTables = {wardCodes: [], keepPrevious: new Set()}
): Promise<void> {
  const csv = (file: string) => `read_csv(${sqlString(resolve(dir, file))}, header = true, all_varchar = true)`;
  await run(conn, `CREATE OR REPLACE TABLE ref_areas AS SELECT la_code, area_id, name FROM ${csv("areas.csv")}`);
  await run(conn, `CREATE OR REPLACE TABLE ref_wards AS SELECT la_code, ward_id, name, area_id, vintage, nullif(ons_code, '') AS ons_code FROM ${csv("wards.csv")}`);
  const tmp = mkdtempSync(join(tmpdir(), "curve-ref-"));
  try {
    const from = (name: string, rows: readonly object[], columns: string[]) =>
      `read_csv(${sqlString(writeCsv(tmp, name, rows, columns))}, header = true, all_varchar = true)`;
    const exists = async (t: string) =>
      (await queryRows<{n: number}>(conn, `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $1`, [t]))[0].n > 0;
    const replace = async (table: PublishedTable, name: string) => !(published.keepPrevious.has(table) && (await exists(name)));
    if (await replace("population", "ref_population")) {
      await run(conn, `CREATE OR REPLACE TABLE ref_population AS
        SELECT la_code, ward_id, year::INTEGER AS year, age::INTEGER AS age, children::DOUBLE AS children
        FROM ${from("population.csv", ref.population, ["la_code", "ward_id", "year", "age", "children"])}`);
    }
    if (await replace("deprivation", "ref_deprivation")) {
      await run(conn, `CREATE OR REPLACE TABLE ref_deprivation AS
        SELECT la_code, ward_id, idaci_score::DOUBLE AS idaci_score, idaci_rank::INTEGER AS idaci_rank, vintage
        FROM ${from("deprivation.csv", ref.deprivation, ["la_code", "ward_id", "idaci_score", "idaci_rank", "vintage"])}`);
    }
    if (await replace("benchmarks", "ref_benchmarks")) {
      await run(conn, `CREATE OR REPLACE TABLE ref_benchmarks AS
        SELECT indicator_id, period, comparator, value::DOUBLE AS value, unit, source
        FROM ${from("benchmarks.csv", ref.benchmarks, ["indicator_id", "period", "comparator", "value", "unit", "source"])}`);
    }
    if (await replace("ward_codes", "ref_ward_codes")) {
      await run(conn, `CREATE OR REPLACE TABLE ref_ward_codes (la_code VARCHAR, vintage VARCHAR, ons_code VARCHAR, name VARCHAR, ward_id VARCHAR)`);
      if (published.wardCodes.length) {
        await run(conn, `INSERT INTO ref_ward_codes SELECT la_code, vintage, ons_code, name, nullif(ward_id, '')
          FROM ${from("ward-codes.csv", published.wardCodes, ["la_code", "vintage", "ons_code", "name", "ward_id"])}`);
      }
    }
  } finally {
    rmSync(tmp, {recursive: true, force: true});
  }
  await run(conn, `CREATE OR REPLACE TABLE ref_quality_notes (extract VARCHAR, la_code VARCHAR, period VARCHAR, start DATE, "end" DATE, area VARCHAR, finding VARCHAR)`);
  for (const n of ref.qualityNotes) {
    const {start, end} = periodDates(n.period);
    await run(conn, `INSERT INTO ref_quality_notes VALUES ($1, $2, $3, $4::DATE, $5::DATE, $6, $7)`, [n.extract, n.la_code, n.period, start, end, n.area, n.finding]);
  }
  await run(conn, `CREATE OR REPLACE TABLE ref_authorities AS
    SELECT la_code, name, region, ward_count::INTEGER AS ward_count, child_population::DOUBLE AS child_population FROM ${csv("authorities.csv")}`);
  await run(conn, `CREATE OR REPLACE TABLE ref_target_wards (set_id VARCHAR, name VARCHAR, la_code VARCHAR, ward_id VARCHAR, illustrative BOOLEAN, note VARCHAR)`);
  const t = ref.targetWards;
  for (const w of t.wards) {
    await run(conn, `INSERT INTO ref_target_wards VALUES ($1, $2, $3, $4, $5, $6)`, [t.id, t.name, t.la_code, w, t.illustrative, t.note]);
  }
  await run(conn, `CREATE OR REPLACE TABLE ref_providers (provider_id VARCHAR, name VARCHAR, kind VARCHAR)`);
  await run(conn, `CREATE OR REPLACE TABLE ref_programmes (provider_id VARCHAR, programme_id VARCHAR, name VARCHAR, level_of_need INTEGER[],
    age_band VARCHAR, outcome_measure VARCHAR, reliable_change DOUBLE, unit_cost DOUBLE)`);
  for (const p of ref.providers) {
    await run(conn, `INSERT INTO ref_providers VALUES ($1, $2, $3)`, [p.provider_id, p.name, p.kind]);
    for (const g of p.programmes) {
      await run(conn, `INSERT INTO ref_programmes VALUES ($1, $2, $3, ${`[${g.level_of_need.join(",")}]`}::INTEGER[], $4, $5, $6, $7)`,
        [p.provider_id, g.programme_id, g.name, g.age_band, g.outcome_measure, g.reliable_change, g.unit_cost]);
    }
  }
}
