import {describe, expect, it, vi} from "vitest";
import type {DuckDBConnection} from "@duckdb/node-api";
import {REFERRAL_HEADER, referral, referralsCsv, scratch} from "../helpers/warehouse.js";

/**
 * A run's files share transactions (issue 16 §2). A file whose statements fail takes the shared
 * transaction with it; the rule that must still hold: one bad file never stops the others, and it
 * is named as failed. The failure is injected as a real DuckDB error in the middle of one file's
 * staging, which aborts the transaction exactly as a genuine failure would.
 */
const FAILING = "referrals_821_2013-14.csv";

vi.mock("../../pipelines/warehouse/store.js", async (original) => {
  const store = await original<typeof import("../../pipelines/warehouse/store.js")>();
  return {
    ...store,
    run: async (conn: DuckDBConnection, sql: string, params?: never) => {
      if (sql.includes("read_csv(") && sql.includes(FAILING)) await conn.run(`SELECT error('injected failure while staging ${FAILING}')`);
      return store.run(conn, sql, params);
    }
  };
});

const referralsFor = (year: number, ids: number[]) =>
  [REFERRAL_HEADER, ...ids.map((i) => referral(i, {referral_date: `${year}-06-15`}))].join("\n") + "\n";

describe("files share transactions", () => {
  it("a file that fails inside a shared transaction is named as failed and the files before and after it still load", async () => {
    const s = scratch();
    s.put("referrals_821_2012-13.csv", referralsCsv(4));
    s.put(FAILING, referralsFor(2013, [11, 12]));
    s.put("referrals_821_2014-15.csv", referralsFor(2014, [21, 22, 23]));
    const r = await s.run();
    expect(r.status).toBe("published");
    expect(r.extracts.map((e) => [e.file, e.outcome, e.rowsLoaded])).toEqual([
      ["referrals_821_2012-13.csv", "loaded", 4], [FAILING, "failed", 0], ["referrals_821_2014-15.csv", "loaded", 3]]);
    expect(r.extracts[1].message).toMatch(/referrals_821_2013-14\.csv: .*injected failure/);
    expect(r.message).toMatch(/1 file\(s\) failed and were not loaded/);
    const periods = await s.query<{period: string; n: number}>(
      `SELECT l.period, count(*)::INTEGER AS n FROM referrals r JOIN extract_loads l USING (load_id) GROUP BY ALL ORDER BY 1`);
    expect(periods).toEqual([{period: "2012-13", n: 4}, {period: "2014-15", n: 3}]);
    // The file loaded before the failure was loaded again on its own, under the same load id.
    const [{loads}] = await s.query<{loads: string}>(`SELECT string_agg(load_id, ',' ORDER BY load_id) AS loads FROM extract_loads`);
    expect(loads).toBe([r.extracts[0].loadId, r.extracts[2].loadId].join(","));
  });
});
