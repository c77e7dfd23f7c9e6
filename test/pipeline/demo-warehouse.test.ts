import {existsSync, readFileSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {currentVersion, openReadOnly, queryRows} from "../../pipelines/warehouse/store.js";
import type {DuckDBConnection, DuckDBInstance} from "@duckdb/node-api";
import {demoWorld} from "../helpers/demo.js";

/**
 * The demo extracts, through the real pipeline, into a published warehouse: the figures Luton
 * published come out again, exactly where the issue says so and within tolerance elsewhere.
 */
const seedTables = JSON.parse(readFileSync("test/fixtures/seed-tables/luton-lscb-2012-13.json", "utf8"));
const seedFigures = JSON.parse(readFileSync("test/fixtures/seed-tables/seed-figures.json", "utf8"));
// The run's demo world: its warehouse, and the pipeline run that published it.
const {warehouseDir, run: record} = demoWorld();
let instance: DuckDBInstance;
let conn: DuckDBConnection;
const q = <T = Record<string, unknown>>(sql: string) => queryRows<T>(conn, sql);

beforeAll(async () => {
  instance = await openReadOnly(currentVersion({dir: warehouseDir})!.path);
  conn = await instance.connect();
});

afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

const QUARTERS = ["2011/12 Q1", "2011/12 Q2", "2011/12 Q3", "2011/12 Q4", "2012/13 Q1", "2012/13 Q2", "2012/13 Q3", "2012/13 Q4"];
const quarterOf = (d: string) => `year(${d} - INTERVAL 3 MONTH) || '/' || lpad(((year(${d} - INTERVAL 3 MONTH) + 1) % 100)::VARCHAR, 2, '0') || ' Q' || quarter(${d} - INTERVAL 3 MONTH)`;

describe("the demo warehouse", () => {
  it("publishes every demo extract with nothing refused", () => {
    expect(record.status).toBe("published");
    expect(record.extracts.filter((e) => e.outcome === "refused" || e.outcome === "failed")).toEqual([]);
    expect(record.extracts.length).toBeGreaterThanOrEqual(70);
  });

  it("reproduces the CAFs completed by neighbourhood area and quarter exactly, with the blank Central 2012/13 Q4 as 0", async () => {
    const rows = await q<{area: string; quarter: string; n: number}>(`
      SELECT area, ${quarterOf("completed_date")} AS quarter, count(*)::INTEGER AS n
      FROM early_help WHERE la_code = '821' AND completed_date BETWEEN DATE '2011-04-01' AND DATE '2013-03-31' GROUP BY ALL`);
    const table = seedTables.caf_by_area_quarter;
    for (const [area, counts] of Object.entries(table.areas) as [string, (number | null)[]][]) {
      const got = QUARTERS.map((qt) => rows.find((r) => r.area === area.toLowerCase() && r.quarter === qt)?.n ?? 0);
      expect(got, area).toEqual(counts.map((c) => c ?? 0));
    }
    const totals = QUARTERS.map((qt) => rows.filter((r) => r.quarter === qt).reduce((s, r) => s + r.n, 0));
    expect(totals).toEqual(table.total);
    const notes = JSON.parse(readFileSync("data/reference/data-quality-notes.json", "utf8"));
    expect(notes.some((n: {extract: string; area?: string}) => n.extract === "early_help" && n.area === "central")).toBe(true);
  });

  it("reproduces the MARAC meeting-by-meeting table for 2012/13 exactly", async () => {
    const rows = await q<{meeting: string; cases: number; repeats: number; children: number}>(`
      SELECT meeting, count(*)::INTEGER AS cases, count(*) FILTER (WHERE repeat_case = 'Y')::INTEGER AS repeats,
             sum(children_in_household)::INTEGER AS children
      FROM marac WHERE meeting_date BETWEEN DATE '2012-04-01' AND DATE '2013-03-31' GROUP BY meeting`);
    const agencies = await q<{meeting: string; referring_agency: string; n: number}>(`
      SELECT meeting, referring_agency, count(*)::INTEGER AS n FROM marac
      WHERE meeting_date BETWEEN DATE '2012-04-01' AND DATE '2013-03-31' GROUP BY ALL`);
    const meetings = seedTables.marac_2012_13.meetings as {meeting: string; cases: number; repeat_case: number; repeat_cases: number; children_in_household: number; referring_agency: Record<string, number>}[];
    expect(rows.length).toBe(meetings.length);
    for (const m of meetings) {
      const got = rows.find((r) => r.meeting === m.meeting);
      expect(got, m.meeting).toMatchObject({cases: m.cases, repeats: m.repeat_cases, children: m.children_in_household});
      for (const [agency, n] of Object.entries(m.referring_agency)) {
        expect(agencies.find((a) => a.meeting === m.meeting && a.referring_agency === agency)?.n ?? 0, `${m.meeting} ${agency}`).toBe(n);
      }
    }
  });

  it("reproduces the looked-after count and rate at 31 March 2013 exactly: 388 over mid-2012's 49,050 children = 79.1 per 10,000", async () => {
    const [cla] = await q<{n: number}>(`SELECT count(*)::INTEGER AS n FROM looked_after WHERE la_code = '821' AND start_date <= DATE '2013-03-31' AND (end_date IS NULL OR end_date > DATE '2013-03-31')`);
    expect(cla.n).toBe(388);
    // 2012/13 is divided by the mid-year estimate of its own financial year, mid-2012.
    const [pop] = await q<{children: number}>(`SELECT sum(children)::INTEGER AS children FROM ref_population WHERE la_code = '821' AND year = 2012`);
    expect(pop.children).toBe(49_050);
    expect(((10_000 * cla.n) / pop.children).toFixed(1)).toBe("79.1");
  });

  it("reproduces the Early Help Strategy's ethnicity of children coming into care in 2012/13 and in care at 31 March 2013", async () => {
    const table = seedFigures.luton_care_ethnicity_2012_13;
    const published = (column: string) => {
      const out: Record<string, number> = {};
      for (const row of Object.values(table.rows) as Record<string, number | string>[]) {
        if ((row[column] as number) > 0) out[row.group as string] = (out[row.group as string] ?? 0) + (row[column] as number);
      }
      return out;
    };
    const counted = async (where: string) =>
      Object.fromEntries((await q<{ethnicity: string; n: number}>(`SELECT ethnicity, count(*)::INTEGER AS n FROM looked_after WHERE la_code = '821' AND ${where} GROUP BY ethnicity`)).map((r) => [r.ethnicity, r.n]));
    expect(await counted("start_date BETWEEN DATE '2012-04-01' AND DATE '2013-03-31'")).toEqual(published("coming_into_care_2012_13"));
    expect(await counted("start_date <= DATE '2013-03-31' AND (end_date IS NULL OR end_date > DATE '2013-03-31')")).toEqual(published("in_care_31_march_2013"));
  });

  it("reproduces CAFs by referring agency (Table 2) for 2011/12 exactly, where it reconciles with the area table", async () => {
    const rows = await q<{agency: string; quarter: string; n: number}>(`
      SELECT lead_agency AS agency, ${quarterOf("completed_date")} AS quarter, count(*)::INTEGER AS n
      FROM early_help WHERE la_code = '821' AND completed_date BETWEEN DATE '2011-04-01' AND DATE '2012-03-31' GROUP BY ALL`);
    const table = seedTables.caf_by_referring_agency;
    for (const [agency, counts] of Object.entries(table.agencies) as [string, (number | null)[]][]) {
      const got = QUARTERS.slice(0, 4).map((qt) => rows.find((r) => r.agency === agency && r.quarter === qt)?.n ?? 0);
      expect(got, agency).toEqual(counts.slice(0, 4).map((c) => c ?? 0));
    }
  });

  it("comes out at the published Luton figures within tolerance", async () => {
    const [cp] = await q<{n: number}>(`SELECT count(*)::INTEGER AS n FROM cp_plans WHERE la_code = '821' AND start_date <= DATE '2013-03-31' AND (end_date IS NULL OR end_date > DATE '2013-03-31')`);
    expect(Math.abs(cp.n - 194) / 194).toBeLessThan(0.08);
    const [ref] = await q<{n: number; prev: number}>(`SELECT count(*) FILTER (WHERE referral_date BETWEEN DATE '2012-04-01' AND DATE '2013-03-31')::INTEGER AS n,
      count(*) FILTER (WHERE referral_date BETWEEN DATE '2011-04-01' AND DATE '2012-03-31')::INTEGER AS prev FROM referrals WHERE la_code = '821'`);
    expect(ref.n).toBe(3003);
    expect(Math.abs(1 - ref.n / ref.prev - 0.48)).toBeLessThan(0.02);
  });

  it("derives facts that agree with the record-level tables", async () => {
    const [f] = await q<{n: number}>(`SELECT sum(count)::INTEGER AS n FROM facts WHERE measure = 'referrals' AND breakdown = 'all' AND la_code = '821'
      AND month BETWEEN DATE '2012-04-01' AND DATE '2013-03-01'`);
    expect(f.n).toBe(3003);
    const [open] = await q<{n: number}>(`SELECT sum(count)::INTEGER AS n FROM facts WHERE measure = 'cla-open' AND breakdown = 'all' AND la_code = '821' AND month = DATE '2013-03-01'`);
    const [cla] = await q<{n: number}>(`SELECT count(*)::INTEGER AS n FROM looked_after WHERE la_code = '821' AND start_date <= DATE '2013-03-31' AND (end_date IS NULL OR end_date > DATE '2013-03-31')`);
    expect(open.n).toBe(cla.n);
  });

  it("writes the published facts as Parquet partitioned by extract and authority", () => {
    const dir = join(warehouseDir, "parquet", `v${String(record.version).padStart(6, "0")}`);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["extract=referrals", "extract=cp_plans", "extract=looked_after"]));
    expect(readdirSync(join(dir, "extract=referrals"))).toEqual(expect.arrayContaining(["la_code=821", "la_code=383"]));
    expect(readdirSync(join(dir, "extract=referrals", "la_code=821")).some((f) => f.endsWith(".parquet"))).toBe(true);
  });
});
