import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {lutonWorld, obaScratch, rows} from "../../helpers/oba.js";
import {AppCache, CachedReader} from "../../../api/appcache.js";
import {Reference} from "../../../api/reference.js";
import type {Params} from "../../../pipelines/warehouse/store.js";
import {countSeries, countTogether, type CountRow} from "../../../api/oba/query.js";
import {planSeries} from "../../../api/oba/series.js";
import {scorecardView} from "../../../api/oba/scorecard.js";
import {policyOf} from "../../../api/oba/policy.js";

/** Scorecards: every measure computed in the API, so a dashboard only draws it. */

const s = obaScratch();
beforeAll(async () => {
  lutonWorld(s);
  // Initial assessments (10 working days) until 2013/14, then single assessments (45); a tail of late
  // initial assessments finishes in 2014/15, as it did when the process changed.
  for (const fy of [2012, 2013, 2014, 2015]) {
    s.extract("assessments", fy, fy < 2014
      ? [...rows("assessments", 40, () => ({start_date: `${fy}-06-01`, completion_date: `${fy}-06-08`})), ...rows("assessments", 10, () => ({start_date: `${fy}-06-01`, completion_date: `${fy}-07-30`}))]
      : [...(fy === 2014 ? rows("assessments", 10, () => ({start_date: "2014-04-01", completion_date: "2014-06-30"})) : []),
        ...rows("assessments", 45, () => ({assessment_type: "single", start_date: `${fy}-06-01`, completion_date: `${fy}-07-01`}))]);
  }
  expect((await s.run()).status).toBe("published");
  expect((await s.send("POST", "/api/baselines", {name: "Launch", indicator: "cp-rate", geography: "target-wards", asOf: "2013-10", author: "a"})).status).toBe(201);
  expect((await s.send("POST", "/api/targets", {indicator: "cp-rate", geography: "target-wards", period: "2015/16", value: 10, author: "a"})).status).toBe(201);
});
afterAll(() => s.close());

describe("GET /api/scorecards", () => {
  it("lists the declared scorecards", async () => {
    const {status, body} = await s.get("/api/scorecards");
    expect(status).toBe(200);
    expect(body.scorecards.map((c: any) => c.id)).toContain("early-help-strategy");
  });

  it("renders a scorecard for the target wards with every field of each measure", async () => {
    const {status, body} = await s.get("/api/scorecards/early-help-strategy");
    expect(status).toBe(200);
    expect(body.geography).toMatchObject({type: "target-wards", code: "early-help-2014"});
    const measures = body.results.flatMap((r: any) => r.measures);
    const cp = measures.find((m: any) => m.indicator === "cp-rate");
    expect(cp).toMatchObject({available: true, unit: "per-10000", polarity: "low-is-good", period: "financial-year"});
    expect(cp.latest).toMatchObject({period: "2015/16", numerator: 12, method: "byar"});
    expect(cp.latest.lower95).toEqual(expect.any(Number));
    expect(cp.previous.period).toBe("2014/15");
    expect(cp.change).toBeCloseTo(cp.latest.value - cp.previous.value, 10);
    expect(cp.trend.marker).toEqual(expect.any(String));
    expect(cp.baseline).toMatchObject({name: "Launch", asOf: "2013-10-31", verdict: "turned"});
    expect(cp.spc.variationIcon).toEqual(expect.any(String));
    expect(cp.spc.assuranceIcon).toEqual(expect.any(String));
    expect(cp.target).toMatchObject({period: "2015/16", value: 10, status: "met"});
    expect(cp.benchmarks.map((b: any) => b.comparator).sort()).toEqual(["england", "statistical-neighbours"]);
    // Measures without data say so instead of failing the card.
    const neet = measures.find((m: any) => m.indicator === "neet");
    expect(neet).toMatchObject({available: false, reason: "no published values yet"});
    expect(body.programmes.map((p: any) => p.id)).toEqual(["flying-start", "troubled-families"]);
  });

  it("says a discontinued measure is discontinued after its last year and points to its successor, never 'worse than England' on the old process's tail", async () => {
    const {body} = await s.get("/api/scorecards/early-help-strategy?geography=borough");
    const measures = body.results.flatMap((r: any) => r.measures);
    const old = measures.find((m: any) => m.indicator === "assessments-on-time");
    expect(old).toMatchObject({status: "discontinued", discontinued: {after: "2013/14", successor: {id: "single-assessments-on-time", name: "Single assessments completed within 45 working days"}}});
    expect(old.latest).toMatchObject({period: "2013/14", value: 80});
    expect(old.spc).toBeNull();
    expect(old.trend).toMatchObject({marker: "cannot-be-calculated", judgement: null});
    expect(old.trend.reason).toMatch(/^discontinued after 2013\/14: see Single assessments completed within 45 working days/);
    expect(old.benchmarks.length).toBeGreaterThan(0);
    expect(old.benchmarks.every((b: any) => b.comparison === "not-compared")).toBe(true);
    expect(JSON.stringify(old)).not.toMatch(/"(worse|concern|special_cause_concern)"/);
    const next = measures.find((m: any) => m.indicator === "single-assessments-on-time");
    expect(next).toMatchObject({available: true, latest: {period: "2015/16", value: 100}});
    // The catalogue says so too, wherever the indicator is described.
    const ind = await s.get("/api/indicators/assessments-on-time");
    expect(ind.body.discontinued ?? ind.body.indicator?.discontinued).toMatchObject({after: "2013/14", successor: {id: "single-assessments-on-time"}});
  });

  it("compares the borough with its benchmarks and marks a measure not published for the geography", async () => {
    const {body} = await s.get("/api/scorecards/early-help-strategy?geography=borough");
    const cla = body.results.flatMap((r: any) => r.measures).find((m: any) => m.indicator === "cla-rate");
    expect(cla.benchmarks.map((b: any) => b.comparator).sort()).toEqual(["england", "statistical-neighbours"]);
    expect(cla.baseline).toBeNull();
    expect(cla.target.status).toBe("no target");
  });

  it("renders for one ward or area", async () => {
    const {status, body} = await s.get("/api/scorecards/early-help-strategy?geography=ward&code=biscot");
    expect(status).toBe(200);
    expect(body.geography).toMatchObject({type: "ward", code: "biscot"});
  });

  it("refuses with clear 4xx: unknown scorecard, unknown ward, unknown geography", async () => {
    const card = await s.get("/api/scorecards/nope");
    expect(card.status).toBe(404);
    expect(card.body.error.message).toBe("scorecard 'nope' does not exist");
    const ward = await s.get("/api/scorecards/early-help-strategy?geography=ward&code=atlantis");
    expect(ward.status).toBe(404);
    expect(ward.body.error.message).toMatch(/ward 'atlantis' does not exist/);
    expect((await s.get("/api/scorecards/early-help-strategy?geography=galaxy")).status).toBe(400);
  });
});

describe("counting a card's measures", () => {
  /** The warehouse (its version too, so disclosure plans are kept as the app keeps them), noting each series count query it is asked. */
  const reference = new Reference();
  const counting = () => {
    const counts: string[] = [];
    const db = new (class extends CachedReader {
      override query<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
        if (sql.startsWith("WITH p(label, period_start, period_end)")) counts.push(sql);
        return super.query<T>(sql, params);
      }
    })(s.warehouse, new AppCache(), reference);
    return {db, counts};
  };
  const byLabel = (rs: CountRow[]) => [...rs].sort((a, b) => a.label.localeCompare(b.label));

  it("counts series over the same records in one query per family, each with the rows it gets alone", async () => {
    const {catalogue} = reference;
    // Two families of two (referrals, assessments by completion date), one of two on CP plans' starts, and the CLA snapshot alone.
    const ids = ["referral-rate", "re-referrals", "assessments-on-time", "single-assessments-on-time", "cp-toxic-trio", "cp-repeat", "cla-rate"];
    const requests = await Promise.all(ids.map(async (id) => {
      const ind = catalogue.byId.get(id)!;
      const plan = await planSeries(s.warehouse, ind, {geography: "borough", period: "financial-year"});
      return {ind, geo: plan.geography, periods: plan.available};
    }));
    const {db, counts} = counting();
    const together = await Promise.all(countTogether(db, requests));
    expect(counts).toHaveLength(4);
    for (const [i, r] of requests.entries()) {
      const alone = await countSeries(s.warehouse, r.ind, r.geo, r.periods);
      expect(byLabel(together[i]), ids[i]).toEqual(byLabel(alone));
    }
    // Not trivially equal: members of one family count different records.
    const latest = (i: number) => byLabel(together[i]).at(-1)!;
    expect(latest(2).denominator).not.toBe(latest(3).denominator);
    expect(latest(4).numerator).not.toBe(latest(5).numerator);
  });

  it("asks one count query per family of a card's measures, not one per measure", async () => {
    const card = reference.scorecards.find((c) => c.id === "early-help-strategy")!;
    const {db, counts} = counting();
    const view = await scorecardView(db, policyOf("suppressed"), card, {geography: "borough"}, null);
    const measures = view.results.flatMap((r) => r.measures);
    expect(measures.filter((m) => m.available).length).toBeGreaterThan(counts.length);
    // CP plans (snapshot, and by start for two measures), looked after, early help, referrals (two measures), assessments (two):
    // participation is not loaded here, so NEET is counted by no query.
    expect(counts).toHaveLength(6);
  });
});
