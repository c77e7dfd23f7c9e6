import type {DuckDBConnection} from "@duckdb/node-api";
import {EXTRACT_TYPES} from "../contracts/extracts.js";
import {queryRows} from "./store.js";

export interface WarehouseSummary {
  version: number;
  published_at: string;
  run_id: string;
  row_counts: Record<string, number>;
  quarantined: number;
  facts: number;
}

/** What /api/health and `pipeline status` report about a published version. */
export async function summariseWarehouse(conn: DuckDBConnection): Promise<WarehouseSummary> {
  const meta = Object.fromEntries((await queryRows<{key: string; value: string}>(conn, `SELECT key, value FROM meta`)).map((r) => [r.key, r.value]));
  const counts = await queryRows<{t: string; n: number}>(conn,
    EXTRACT_TYPES.map((t) => `SELECT '${t}' AS t, count(*)::INTEGER AS n FROM ${t}`).join(" UNION ALL "));
  const [{q}] = await queryRows<{q: number}>(conn, `SELECT count(*)::INTEGER AS q FROM quarantine`);
  return {
    version: Number(meta.version),
    published_at: meta.published_at,
    run_id: meta.run_id,
    row_counts: Object.fromEntries(EXTRACT_TYPES.map((t) => [t, counts.find((c) => c.t === t)?.n ?? 0])),
    quarantined: q,
    facts: Number(meta.facts ?? 0)
  };
}
