import {mkdtempSync, readdirSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {assembleDemoInbox} from "../../pipelines/demo/statutory/inbox.js";
import {ChildKeys, loadChildKey} from "../../pipelines/door/identity.js";
import {demoWorld} from "../helpers/demo.js";
import {obaScratch, TARGET} from "../helpers/oba.js";

/**
 * The demo on the real path (issue 17 §4): `npm start`'s inbox in "statutory" mode, where referrals,
 * assessments, s47 enquiries and CP plans come from the demo's CIN census XML and looked-after
 * episodes from its SSDA903 tables, through the importers and the door, and early help, services,
 * MARAC and participation stay in Curve's layout, re-keyed to the door's child keys. The published
 * figures the demo reproduces on Curve's own layout (test/api/oba/demo.test.ts,
 * test/api/targeting/demo.test.ts) come back out of the API with the same tolerances.
 */

const root = mkdtempSync(join(tmpdir(), "curve-real-path-"));
// The run's demo extracts (the same seed's bytes as `npm run demo-data`), read, not written.
const demoDir = demoWorld().extractsDir;
const s = obaScratch("curve-real-path-");
let files: ReturnType<typeof assembleDemoInbox> = [];

beforeAll(async () => {
  // The key lives outside the repository, in a folder of this test's own.
  process.env.CURVE_CHILD_KEY = join(root, "key", "child-key");
  const keys = new ChildKeys(loadChildKey(process.env.CURVE_CHILD_KEY));
  files = assembleDemoInbox(demoDir, s.inbox, "statutory", {rekey: (la, id) => keys.of(la, id)});
  const record = await s.run();
  expect(record.status, record.message).toBe("published");
}, 900_000);

afterAll(async () => {
  await s.close();
  delete process.env.CURVE_CHILD_KEY;
  rmSync(root, {recursive: true, force: true});
});

const point = async (url: string, role?: "analyst") => {
  const res = await s.get(url, role);
  expect(res.status, url).toBe(200);
  return res.body.points[0];
};

describe("the demo loaded from its statutory files (CIN census, SSDA903) through the door", () => {
  it("takes referrals, assessments, s47, CP plans and looked-after episodes from the statutory files only", async () => {
    const curve = files.filter((f) => f.source === "curve").map((f) => f.kind);
    expect(new Set(curve)).toEqual(new Set(["early_help", "service_episodes", "marac", "participation"]));
    expect(readdirSync(s.inbox).some((f) => /^(referrals|assessments|s47|cp_plans|looked_after)_/.test(f))).toBe(false);
    const lineage = await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM door_sources WHERE outcome = 'used' AND (format = 'cin-census' OR format LIKE 'ssda903:%')`);
    expect(lineage[0].n).toBeGreaterThanOrEqual(2 * 8 * 2);
  });

  it("gives 388 children looked after at 31 March 2013, 79.1 per 10,000", async () => {
    const p = await point("/api/indicators/cla-rate/series?from=2012/13&to=2012/13");
    expect(p).toMatchObject({period: "2012/13", populationYear: 2012, numerator: 388, denominator: 49_050});
    expect(Number(p.value.toFixed(1))).toBe(79.1);
  });

  it("gives 157 children starting care in 2012/13 to a commissioner (a sparse count, planned for wards by year), and Leeds' 160 under-1 entries (38.1%) in 2011/12 to an analyst", async () => {
    expect((await point("/api/indicators/cla-started/series?from=2012/13&to=2012/13")).numerator).toBe(157);
    const infants = await point("/api/indicators/infants-entering-care/series?from=2011/12&to=2011/12", "analyst");
    expect(infants.numerator).toBe(160);
    expect(infants.value).toBeCloseTo(38.1, 1);
  });

  it("gives 194 CP plans at Q4 2012/13 and 270 in January 2014 with the published categories (101 emotional, 115 neglect, 44 multiple)", async () => {
    expect(Math.abs((await point("/api/indicators/cp-plans/series?period=quarter&from=2012/13%20Q4&to=2012/13%20Q4")).numerator - 194)).toBeLessThanOrEqual(5);
    const {body} = await s.get("/api/indicators/cp-plans/series?period=month&from=2014-01&to=2014-01&breakdown=category");
    expect(Math.abs(body.points[0].numerator - 270)).toBeLessThanOrEqual(5);
    const mix = Object.fromEntries(body.groups.map((g: any) => [g.group, g.numerator]));
    expect(Math.abs(mix.EMO - 101)).toBeLessThanOrEqual(3);
    expect(Math.abs(mix.NEG - 115)).toBeLessThanOrEqual(3);
    expect(Math.abs(mix.MUL - 44)).toBeLessThanOrEqual(3);
    expect(mix.SAB).toBe("c");
    expect(mix.PHY).toBe("c");
  });

  it("gives the 2012/13 front door: 3,003 referrals, 28.2% re-referred, 69.3% to initial assessment, 73.4% of initial assessments on time", async () => {
    expect((await point("/api/indicators/referrals/series?from=2012/13&to=2012/13")).numerator).toBe(3003);
    expect((await point("/api/indicators/re-referrals/series?from=2012/13&to=2012/13")).value).toBeCloseTo(28.2, 0);
    expect((await point("/api/indicators/referral-to-assessment/series?from=2012/13&to=2012/13")).value).toBeCloseTo(69.3, 0);
    expect((await point("/api/indicators/assessments-on-time/series?from=2012/13&to=2012/13")).value).toBeCloseTo(73.4, 0);
  });

  it("gives domestic violence as 20.3% of 2012/13 referrals, read from the need codes through data/reference/cin-need-concerns.json", async () => {
    const {body} = await s.get("/api/indicators/referrals/series?from=2012/13&to=2012/13&breakdown=concern", "analyst");
    const byConcern = Object.fromEntries(body.groups.map((g: any) => [g.group, g.numerator]));
    expect(Math.abs(byConcern.domestic_violence / body.points[0].numerator - 0.203)).toBeLessThan(0.005);
  });

  it("finds about 34% of 2012/13 child-protection referrals in the 5 target wards (wards from the SSD address table and the postcode lookup)", async () => {
    const {status, body} = await s.get("/api/target-wards/summary?period=2012/13&indicators=cp-referrals");
    expect(status).toBe(200);
    const cp = body.indicators.find((i: any) => i.indicator.id === "cp-referrals");
    const [raw] = await s.query<{t: number; n: number}>(`SELECT count(*) FILTER (WHERE ward IN ('${TARGET.join("','")}'))::INTEGER AS t, count(*)::INTEGER AS n
      FROM referrals WHERE la_code = '821' AND primary_concern = 'child_protection' AND referral_date BETWEEN DATE '2012-04-01' AND DATE '2013-03-31'`);
    expect(cp.targetWards.count).toBe(raw.t);
    expect(cp.shareOfCases.value).toBeGreaterThan(0.32);
    expect(cp.shareOfCases.value).toBeLessThan(0.36);
  });

  it("joins early help in Curve's layout to the same children's referrals from the CIN census (re-keyed to the door's child keys)", async () => {
    const [j] = await s.query<{joined: number}>(`SELECT count(DISTINCT e.child_key)::INTEGER AS joined FROM early_help e JOIN referrals r USING (child_key) WHERE e.la_code = '821'`);
    expect(j.joined).toBeGreaterThan(100);
  });
});
