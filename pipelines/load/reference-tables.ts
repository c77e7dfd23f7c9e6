import {resolve} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {sqlString} from "../contracts/fields.js";
import type {ReferenceData} from "../reference.js";
import {run} from "../warehouse/store.js";

/**
 * Copies the (already zod-validated) reference data into each warehouse version, so a published
 * version is self-contained: the rates it serves use the populations it was built with.
 */
export async function loadReferenceTables(conn: DuckDBConnection, ref: ReferenceData, dir: string): Promise<void> {
  const csv = (file: string) => `read_csv(${sqlString(resolve(dir, file))}, header = true, all_varchar = true)`;
  await run(conn, `CREATE OR REPLACE TABLE ref_areas AS SELECT la_code, area_id, name FROM ${csv("areas.csv")}`);
  await run(conn, `CREATE OR REPLACE TABLE ref_wards AS SELECT la_code, ward_id, name, area_id, vintage, nullif(ons_code, '') AS ons_code FROM ${csv("wards.csv")}`);
  await run(conn, `CREATE OR REPLACE TABLE ref_population AS
    SELECT la_code, ward_id, year::INTEGER AS year, age::INTEGER AS age, children::DOUBLE AS children FROM ${csv("population.csv")}`);
  await run(conn, `CREATE OR REPLACE TABLE ref_deprivation AS
    SELECT la_code, ward_id, idaci_score::DOUBLE AS idaci_score, idaci_rank::INTEGER AS idaci_rank, vintage FROM ${csv("deprivation.csv")}`);
  await run(conn, `CREATE OR REPLACE TABLE ref_benchmarks AS
    SELECT indicator_id, period, comparator, value::DOUBLE AS value, unit, source FROM ${csv("benchmarks.csv")}`);
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
