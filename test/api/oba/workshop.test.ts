import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {obaScratch, rows} from "../../helpers/oba.js";

/** Targets, annotations and narratives: user-authored records in the app store, kept apart from the data. */

const s = obaScratch();
beforeAll(async () => {
  s.extract("cp_plans", 2012, rows("cp_plans", 20, () => ({start_date: "2012-08-01"})));
  expect((await s.run()).status).toBe("published");
});
afterAll(() => s.close());

describe("targets", () => {
  it("sets a target per indicator × geography × period and lists it, apart from any baseline", async () => {
    const res = await s.send("POST", "/api/targets", {indicator: "cp-rate", geography: "target-wards", period: "2015/16", value: 30, author: "strategy group", note: "Early Help Strategy"});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({indicator: "cp-rate", geography: "target-wards", code: "early-help-2014", period: "2015/16", value: 30, author: "strategy group"});
    await s.send("POST", "/api/targets", {indicator: "neet", period: "2015/16", value: 4.5, author: "a"});
    const list = await s.get("/api/targets?indicator=cp-rate");
    expect(list.body.targets).toHaveLength(1);
    expect((await s.get("/api/baselines?indicator=cp-rate")).body.baselines).toEqual([]);
  });

  it("normalises a quarter label and keeps the period type the indicator allows", async () => {
    const res = await s.send("POST", "/api/targets", {indicator: "cp-repeat", period: "2014/15-Q2", periodType: "quarter", value: 12, author: "a"});
    expect(res.status).toBe(201);
    expect(res.body.period).toBe("2014/15 Q2");
  });

  it("refuses with clear 4xx: unknown indicator, a percentage over 100, a period the indicator is not published by, an unknown ward", async () => {
    expect((await s.send("POST", "/api/targets", {indicator: "nope", period: "2015/16", value: 1, author: "a"})).status).toBe(404);
    const pct = await s.send("POST", "/api/targets", {indicator: "neet", period: "2015/16", value: 140, author: "a"});
    expect(pct.status).toBe(400);
    expect(pct.body.error.message).toBe("value 140 is not a percentage (0-100)");
    const per = await s.send("POST", "/api/targets", {indicator: "neet", period: "2015-03", periodType: "month", value: 4, author: "a"});
    expect(per.status).toBe(400);
    expect(per.body.error.code).toBe("period-not-allowed");
    const ward = await s.send("POST", "/api/targets", {indicator: "cp-rate", geography: "ward", code: "atlantis", period: "2015/16", value: 4, author: "a"});
    expect(ward.status).toBe(404);
    expect(ward.body.error.message).toMatch(/ward 'atlantis' does not exist/);
  });
});

describe("annotations", () => {
  it("records a date or a range, scoped to an indicator and geography or to everything", async () => {
    const one = await s.send("POST", "/api/annotations", {from: "2014-04-01", text: "Early Help Strategy launched", author: "a"});
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({from: "2014-04-01", to: "2014-04-01", indicator: null});
    const scoped = await s.send("POST", "/api/annotations", {from: "2013-01-01", to: "2013-06-30", indicator: "cp-rate", geography: "target-wards", text: "Recording change in CareFirst", author: "b"});
    expect(scoped.body).toMatchObject({indicator: "cp-rate", geography: "target-wards", code: "early-help-2014"});
    await s.send("POST", "/api/annotations", {from: "2013-02-01", indicator: "neet", text: "NEET note", author: "c"});
    const cp = await s.get("/api/annotations?indicator=cp-rate");
    expect(cp.body.annotations.map((a: any) => a.text)).toEqual(["Recording change in CareFirst", "Early Help Strategy launched"]);
    const range = await s.get("/api/annotations?from=2014-01-01&to=2014-12-31");
    expect(range.body.annotations.map((a: any) => a.text)).toEqual(["Early Help Strategy launched"]);
  });

  it("refuses with clear 4xx: a range that ends before it starts, an impossible date, an unknown indicator, empty text", async () => {
    const back = await s.send("POST", "/api/annotations", {from: "2014-04-01", to: "2014-03-01", text: "x", author: "a"});
    expect(back.status).toBe(400);
    expect(back.body.error.message).toBe("from (2014-04-01) is after to (2014-03-01)");
    expect((await s.send("POST", "/api/annotations", {from: "2014-02-30", text: "x", author: "a"})).status).toBe(400);
    expect((await s.send("POST", "/api/annotations", {from: "2014-02-01", indicator: "nope", text: "x", author: "a"})).status).toBe(404);
    expect((await s.send("POST", "/api/annotations", {from: "2014-02-01", text: "  ", author: "a"})).status).toBe(400);
    expect((await s.get("/api/annotations?from=2015-01-01&to=2014-01-01")).status).toBe(400);
  });
});

describe("narratives", () => {
  const draft = {
    story: [{cause: "Domestic abuse in households with young children", priority: 1}, {cause: "Late identification by universal services", priority: 2}],
    partners: ["Police", "Health visitors", "Schools"],
    whatWorks: [{idea: "MARAC information shared with schools the next morning", lowCost: true}, {idea: "Family intervention project", lowCost: false}],
    actionPlan: [{action: "Agree the schools notification protocol", owner: "LSCB", due: "2014-09-30"}],
    author: "ann@luton"
  };

  it("saves every edit as a new version with who, when and what changed, and returns the latest with the history", async () => {
    s.setClock(new Date("2014-05-01T10:00:00Z"));
    const first = await s.send("PUT", "/api/narratives/cp-rate/target-wards", draft);
    expect(first.status).toBe(200);
    expect(first.body.latest).toMatchObject({version: 1, author: "ann@luton", savedAt: "2014-05-01T10:00:00.000Z", changed: ["story", "partners", "whatWorks", "actionPlan"]});
    s.setClock(new Date("2014-06-01T10:00:00Z"));
    const second = await s.send("PUT", "/api/narratives/cp-rate/target-wards", {...draft, partners: [...draft.partners, "Housing"], author: "bob@luton", message: "added Housing"});
    expect(second.body.latest).toMatchObject({version: 2, author: "bob@luton", changed: ["partners"], message: "added Housing"});
    const got = await s.get("/api/narratives/cp-rate/target-wards");
    expect(got.body.latest.version).toBe(2);
    expect(got.body.history.map((v: any) => [v.version, v.author])).toEqual([[2, "bob@luton"], [1, "ann@luton"]]);
    expect(got.body.history[1].content.partners).toEqual(draft.partners);
    expect(got.body.latest.content.whatWorks.find((w: any) => w.lowCost).idea).toMatch(/MARAC/);
  });

  it("orders the story behind the baseline by priority", async () => {
    const res = await s.send("PUT", "/api/narratives/cla-rate/borough", {...draft, story: [{cause: "b", priority: 2}, {cause: "a", priority: 1}]});
    expect(res.body.latest.content.story.map((c: any) => c.cause)).toEqual(["a", "b"]);
    expect(res.body.code).toBe("821");
  });

  it("keeps narratives for different geographies apart and answers an unwritten one with an empty history", async () => {
    const got = await s.get("/api/narratives/cp-rate/rest-of-borough");
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({latest: null, history: []});
  });

  it("refuses with clear 4xx: unknown indicator, unknown geography, a geography the indicator lacks, missing author", async () => {
    expect((await s.get("/api/narratives/nope/borough")).status).toBe(404);
    const geo = await s.get("/api/narratives/cp-rate/galaxy");
    expect(geo.status).toBe(400);
    expect(geo.body.error.message).toMatch(/geography/);
    expect((await s.send("PUT", "/api/narratives/marac-cases/ward?code=biscot", draft)).status).toBe(400);
    const {author: _a, ...anonymous} = draft;
    const res = await s.send("PUT", "/api/narratives/cp-rate/borough", anonymous);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/author/);
  });
});

describe("without an app store", () => {
  it("answers 503 app-store-unavailable rather than losing a write", async () => {
    const bare = obaScratch("curve-oba-bare-", {appStore: false});
    const res = await bare.send("POST", "/api/targets", {indicator: "cp-rate", period: "2015/16", value: 1, author: "a"});
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("app-store-unavailable");
    await bare.close();
  });
});
