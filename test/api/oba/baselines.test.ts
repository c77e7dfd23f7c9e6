import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {CP_REST, csv, lutonWorld, obaScratch, row, TARGET} from "../../helpers/oba.js";

/** Baselines and the turn-the-curve verdict (METHODS §5), on the small Luton world of test/helpers/oba.ts. */

const s = obaScratch();
beforeAll(async () => {
  lutonWorld(s);
  expect((await s.run()).status).toBe("published");
});
afterAll(() => s.close());

describe("GET /api/indicators/:id/baseline", () => {
  it("forecasts from the history up to asOf with 80% and 95% bands, says which method and why, and judges later actuals", async () => {
    const {status, body} = await s.get("/api/indicators/cp-rate/baseline?geography=target-wards&asOf=2013-10");
    expect(status).toBe(200);
    expect(body.asOf).toBe("2013-10-31");
    expect(body.history.map((p: any) => p.period)).toEqual(["2008/09", "2009/10", "2010/11", "2011/12", "2012/13"]);
    expect(body.forecast.points.map((p: any) => p.period)).toEqual(["2013/14", "2014/15", "2015/16"]);
    for (const p of body.forecast.points) {
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.lower80).toBeLessThanOrEqual(p.mean);
      expect(p.mean).toBeLessThanOrEqual(p.upper80);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
    }
    expect(body.forecast.reason).toEqual(expect.any(String));
    expect(body.forecast.warnings.join(" ")).toMatch(/5 points/);
    expect(body.actuals.map((p: any) => p.period)).toEqual(["2013/14", "2014/15", "2015/16"]);
    expect(body.verdict.verdict).toBe("turned");
    expect(body.verdict.points.map((p: any) => p.judgement)).toEqual(["better", "better", "better"]);
    // Five years of history are too few to fix limits after (12 needed): trial limits over every point, and it says so.
    expect(body.spc).toMatchObject({trial: true, limitsFrom: "all 8 point(s): limits are fixed after the baseline only on at least 12 points of history, and it has 5"});
    expect(body.spc.points).toHaveLength(8);
    expect(body.trend).toHaveProperty("marker");
  });

  it("finds the rest of the borough, still rising as forecast, has not turned the curve", async () => {
    const {body} = await s.get("/api/indicators/cp-rate/baseline?geography=rest-of-borough&asOf=2013-10");
    expect(body.verdict.verdict).toBe("not yet");
    expect(body.verdict.points.every((p: any) => p.judgement === "within")).toBe(true);
  });

  it("uses the method asked for", async () => {
    const {body} = await s.get("/api/indicators/cp-plans/baseline?asOf=2012/13&method=linear&h=2");
    expect(body.forecast.method).toBe("linear");
    expect(body.forecast.points).toHaveLength(2);
    expect(body.verdict.verdict).toBe("no judgement");
  });

  it("starts the history at from when asked (after a definitional change or an incomplete first year)", async () => {
    const {body} = await s.get("/api/indicators/cp-rate/baseline?period=quarter&from=2009/10%20Q1&asOf=2013-10");
    expect(body.history[0].period).toBe("2009/10 Q1");
    expect(body.history.at(-1).period).toBe("2013/14 Q2");
    expect(body.forecast.points[0].period).toBe("2013/14 Q3");
  });

  it("gives history and forecast only when asOf is the latest data", async () => {
    const {body} = await s.get("/api/indicators/cla-rate/baseline");
    expect(body.history).toHaveLength(8);
    expect(body.actuals).toEqual([]);
    expect(body.verdict).toBeNull();
  });

  it("refuses to forecast fewer than 5 points with 422 too-few-points", async () => {
    const res = await s.get("/api/indicators/cp-rate/baseline?asOf=2011-10");
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("too-few-points");
    expect(res.body.error.message).toMatch(/has 3 financial-year point\(s\).*at least 5/);
  });

  it("refuses with clear 4xx: unknown indicator, bad method, bad asOf, geography not allowed", async () => {
    expect((await s.get("/api/indicators/nope/baseline")).status).toBe(404);
    const method = await s.get("/api/indicators/cp-rate/baseline?method=crystal-ball");
    expect(method.status).toBe(400);
    expect(method.body.error.message).toMatch(/method/);
    const asOf = await s.get("/api/indicators/cp-rate/baseline?asOf=next-tuesday");
    expect(asOf.status).toBe(400);
    expect(asOf.body.error.message).toMatch(/asOf 'next-tuesday' is not a date/);
    expect((await s.get("/api/indicators/marac-cases/baseline?geography=target-wards")).status).toBe(400);
  });
});

describe("frozen baselines", () => {
  let id = "";
  let frozenForecast: unknown;

  it("freezes a baseline with the forecast numbers as they were, and judges every actual since", async () => {
    const res = await s.send("POST", "/api/baselines", {name: "Strategy launch: CP rate in the target wards", indicator: "cp-rate", geography: "target-wards", period: "financial-year", asOf: "2013-10", author: "workshop@luton"});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({indicator: "cp-rate", geography: "target-wards", code: "early-help-2014", asOf: "2013-10-31", method: "auto", handEdited: false, author: "workshop@luton", warehouseVersion: 1});
    expect(res.body.id).toMatch(/^bl-/);
    expect(res.body.forecast).toHaveLength(3);
    id = res.body.id;
    frozenForecast = res.body.forecast;
    const got = await s.get(`/api/baselines/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.baseline.forecast).toEqual(frozenForecast);
    expect(got.body.verdict.verdict).toBe("turned");
    expect(got.body.evidence.spc.variationIcon).toEqual(expect.any(String));
  });

  it("lists baselines, filtered by indicator", async () => {
    await s.send("POST", "/api/baselines", {name: "Rest of borough", indicator: "cp-rate", geography: "rest-of-borough", asOf: "2013-10", author: "a"});
    await s.send("POST", "/api/baselines", {name: "CLA", indicator: "cla-rate", asOf: "2013-10", author: "a"});
    const all = await s.get("/api/baselines");
    expect(all.body.baselines.length).toBe(3);
    const cp = await s.get("/api/baselines?indicator=cp-rate");
    expect(cp.body.baselines.map((b: any) => b.geography).sort()).toEqual(["rest-of-borough", "target-wards"]);
    expect(cp.body.baselines[0]).not.toHaveProperty("forecast");
  });

  it("keeps a hand-edited forecast as entered, borrowing the statistical band widths when none are given", async () => {
    const res = await s.send("POST", "/api/baselines", {
      name: "Workshop judgement", indicator: "cp-rate", geography: "target-wards", asOf: "2013-10", author: "workshop",
      forecast: [{period: "2013/14", value: 27}, {period: "2014/15", value: 29, lower80: 25, upper80: 33}]
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({handEdited: true, method: "hand-edited", methodUsed: "hand-edited"});
    expect(res.body.forecast.map((f: any) => f.mean)).toEqual([27, 29]);
    expect(res.body.forecast[1]).toMatchObject({lower80: 25, upper80: 33});
    expect(res.body.forecast[0].lower80).toBeLessThan(27);
    expect(res.body.warnings.join(" ")).toMatch(/borrowed/);
  });

  it("never changes a frozen baseline when the data reload, while its actuals follow the new data", async () => {
    // A corrected 2015/16 extract: 40 more plans in the target wards.
    const more = Array.from({length: 40}, (_, i) => row("cp_plans", {ward: TARGET[i % 5], start_date: "2015-06-01", child_key: 900000 + i, birth_month: "2010-01"}));
    const plans2015 = [
      ...Array.from({length: 12}, (_, i) => row("cp_plans", {ward: TARGET[i % 5], start_date: "2015-06-01", child_key: 800000 + i, birth_month: "2010-01"})),
      ...Array.from({length: CP_REST[7]}, (_, i) => row("cp_plans", {ward: "farley", start_date: "2015-06-01", child_key: 850000 + i, birth_month: "2010-01"})),
      ...more
    ];
    s.put("cp_plans_821_2015-16.csv", csv("cp_plans", plans2015));
    const rec = await s.run();
    expect(rec).toMatchObject({status: "published", version: 2});
    const got = await s.get(`/api/baselines/${id}`);
    expect(got.body.baseline.forecast).toEqual(frozenForecast);
    expect(got.body.baseline.warehouseVersion).toBe(1);
    const last = got.body.verdict.points.at(-1);
    expect(last.period).toBe("2015/16");
    expect(last.judgement).not.toBe("better");
    expect(got.body.verdict.verdict).toBe("not yet");
  });

  it("refuses with clear 4xx: unknown or malformed id, method and forecast together, forecast before asOf, too few points", async () => {
    expect((await s.get("/api/baselines/bl-00000000-0000-0000-0000-000000000000")).status).toBe(404);
    const bad = await s.get("/api/baselines/42");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/expected a baseline id/);
    const both = await s.send("POST", "/api/baselines", {name: "x", indicator: "cp-rate", asOf: "2013-10", author: "a", method: "naive", forecast: [{period: "2014/15", value: 1}]});
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/not both/);
    const early = await s.send("POST", "/api/baselines", {name: "x", indicator: "cp-rate", asOf: "2013-10", author: "a", forecast: [{period: "2012/13", value: 1}]});
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/2012\/13 is not after the baseline date 2013-10-31/);
    const few = await s.send("POST", "/api/baselines", {name: "x", indicator: "cp-rate", asOf: "2010-10", author: "a"});
    expect(few.status).toBe(422);
    expect(few.body.error.code).toBe("too-few-points");
    const unknown = await s.send("POST", "/api/baselines", {name: "x", indicator: "nope", asOf: "2013-10", author: "a"});
    expect(unknown.status).toBe(404);
    const noAuthor = await s.send("POST", "/api/baselines", {name: "x", indicator: "cp-rate", asOf: "2013-10"});
    expect(noAuthor.status).toBe(400);
    expect(noAuthor.body.error.message).toMatch(/author/);
  });
});
