import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {resolvePolicies} from "../../../api/oba/policy.js";
import {loadEpisodes} from "../../../api/providers/episodes.js";
import {Warehouse} from "../../../api/warehouse.js";
import {testApp} from "../../helpers/app.js";
import {csv, row} from "../../helpers/oba.js";
import {scratch} from "../../helpers/warehouse.js";

/**
 * The 12-month re-referral linkage on a hand-built fixture whose answer is known, through the real
 * pipeline: service episodes are linked to later referrals to children's social care by the
 * pseudonymous child key, in the same authority, on or after the end date and up to 12 calendar
 * months after it.
 *
 * Nine Parenting Works episodes end in 2012/13 (referred 1 May 2012, started 8 May):
 *
 * | episode | ends | how | referral of the same child | counted? | referred within 12 months? |
 * |---|---|---|---|---|---|
 * | L1 | 2012-09-03 | completed | 2012-09-03 (the end date) | yes | yes |
 * | L2 | 2012-09-03 | completed | 2013-09-03 (exactly 12 months) | yes | yes |
 * | L3 | 2012-09-03 | completed | 2013-09-04 (a day too late) | yes | no |
 * | L4 | 2012-09-03 | completed | 2012-06-01 (during the episode) | yes | no |
 * | L5 | 2012-09-03 | completed | none (another child referred 2012-10-01) | yes | no |
 * | L6 | 2012-09-03 | completed | 2012-12-01 in Leeds, not Luton | yes | no |
 * | L7 | 2012-09-03 | moved away | 2012-10-01 | no (moved away) | — |
 * | L8 | 2012-05-20 | declined, never started | none | no (never started) | — |
 * | L9 | 2012-09-03 | stepped up | 2012-09-10 | yes | yes |
 * | L10 | 2013-02-28 | completed | 2014-02-28 (exactly 12 months) | yes | yes |
 *
 * So 2012/13: 4 of 8 not referred within 12 months (50%). L11 ends 3 June 2013: referrals are loaded
 * only to 31 March 2014, so 2013/14 cannot be measured yet.
 */

const s = scratch("curve-providers-linkage-");
const warehouse = new Warehouse(s.warehouseDir);
const app = testApp({warehouse, warehouseDir: s.warehouseDir});
const PW = {provider_id: "parenting-works", programme_id: "triple-p", level_of_need: 2, outcome_pre: 40, outcome_post: 45, unit_cost: 640};
const episode = (id: string, child: number, over: Record<string, string | number> = {}) =>
  row("service_episodes", {...PW, episode_id: id, child_key: child, referral_date: "2012-05-01", start_date: "2012-05-08", end_date: "2012-09-03", end_reason: "completed", ...over});
const referral = (child: number, date: string, over: Record<string, string | number> = {}) => row("referrals", {child_key: child, referral_date: date, ...over});

beforeAll(async () => {
  s.put("service_episodes_821_2012-13.csv", csv("service_episodes", [
    episode("L1", 1), episode("L2", 2), episode("L3", 3), episode("L4", 4), episode("L5", 5), episode("L6", 6),
    episode("L7", 7, {end_reason: "moved_away", outcome_post: ""}),
    episode("L8", 8, {start_date: "", end_date: "2012-05-20", end_reason: "declined", outcome_pre: "", outcome_post: "", unit_cost: 0}),
    episode("L9", 9, {end_reason: "stepped_up", outcome_post: ""}),
    episode("L10", 10, {end_date: "2013-02-28"})
  ]));
  s.put("service_episodes_821_2013-14.csv", csv("service_episodes", [episode("L11", 11, {referral_date: "2013-05-01", start_date: "2013-05-08", end_date: "2013-06-03"})]));
  s.put("referrals_821_2012-13.csv", csv("referrals", [
    referral(1, "2012-09-03"), referral(4, "2012-06-01"), referral(50, "2012-10-01"), referral(7, "2012-10-01"), referral(9, "2012-09-10")
  ]));
  s.put("referrals_821_2013-14.csv", csv("referrals", [referral(2, "2013-09-03"), referral(3, "2013-09-04"), referral(10, "2014-02-28")]));
  s.put("referrals_383_2012-13.csv", csv("referrals", [referral(6, "2012-12-01", {la_code: "383", ward: "leeds-jess"})]));
  const run = await s.run();
  expect(run.status).toBe("published");
  expect(run.extracts.every((e) => e.rowsQuarantined === 0), JSON.stringify(run.extracts)).toBe(true);
});
afterAll(() => warehouse.close_());

const get = async (path: string, role?: string) => {
  const res = await app.request(path, {headers: role ? {"x-test-role": role} : {}});
  return {status: res.status, body: await res.json() as any};
};

describe("re-referral to children's social care within 12 months of a service ending", () => {
  it("links each episode to the same child's later referrals in the same authority, with the 12-month window inclusive", async () => {
    const data = await loadEpisodes(warehouse);
    const flags = Object.fromEntries(data.episodes.map((e) => [e.episodeId, e.referredWithin12Months]));
    expect(flags).toEqual({L1: true, L2: true, L3: false, L4: false, L5: false, L6: false, L7: true, L8: false, L9: true, L10: true, L11: null});
    expect(data.referralsCoverage).toEqual({from: "2012-04-01", to: "2014-03-31"});
    const text = JSON.stringify(data);
    expect(text).not.toMatch(/abc0/); // no child key leaves the query
  });

  it("gives 4 of 8 (50%) not referred in 2012/13, leaving out the family that moved away and the one that never started", async () => {
    const {status, body} = await get("/api/providers/parenting-works/report-card?period=2012/13");
    expect(status).toBe(200);
    const m = body.measures.find((x: any) => x.id === "not-referred-12-months");
    expect(m.quadrant).toBe("better-off");
    expect(m.latest).toMatchObject({period: "2012/13", numerator: 4, denominator: 8, value: 50, method: "wilson"});
  });

  it("does not measure 2013/14 while its follow-up runs past the referrals loaded, and says why", async () => {
    const {body} = await get("/api/providers/parenting-works/report-card?period=2013/14");
    const m = body.measures.find((x: any) => x.id === "not-referred-12-months");
    expect(m.latest).toMatchObject({period: "2013/14", value: "x", flag: "x"});
    expect(m.latest.reason).toMatch(/follow-up incomplete: 1 of 1 episode/);
  });

  it("shows a commissioner the 4 and the 4 it could be recovered from as c", async () => {
    const {body} = await get("/api/providers/parenting-works/report-card?period=2012/13", "commissioner");
    const m = body.measures.find((x: any) => x.id === "not-referred-12-months");
    expect(m.latest).toMatchObject({numerator: "c", value: "c", flag: "c"});
  });
});

describe("input validation and errors", () => {
  it("answers 400 for a malformed period, naming the field and the expected format", async () => {
    const {status, body} = await get("/api/providers/parenting-works/report-card?period=2012-13");
    expect(status).toBe(400);
    expect(body.error).toMatchObject({code: "bad-request"});
    expect(body.error.message).toMatch(/period '2012-13' is not a period: expected a financial year such as 2013\/14/);
  });

  it("answers 422 for a period outside the loaded extracts, with the coverage", async () => {
    const {status, body} = await get("/api/providers/parenting-works/report-card?period=2015/16");
    expect(status).toBe(422);
    expect(body.error.code).toBe("period-not-loaded");
    expect(body.error.details.coverage).toEqual({from: "2012-04-01", to: "2014-03-31"});
  });

  it("answers 404 for an unknown provider or programme and 400 for an id that is not an id", async () => {
    expect((await get("/api/providers/nobody/report-card")).status).toBe(404);
    expect((await get("/api/providers/programmes/nothing/report-card")).status).toBe(404);
    const bad = await get("/api/providers/Bad_Id!/report-card");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid-request");
  });

  it("answers 400 for a missing or unknown measure, a count measure and an unknown adjustment", async () => {
    const missing = await get("/api/providers/compare?period=2012/13");
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/measure/);
    const unknown = await get("/api/providers/compare?measure=happiness&period=2012/13");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({code: "unknown-measure"});
    expect(unknown.body.error.message).toMatch(/better-off/);
    const count = await get("/api/providers/compare?measure=families-referred&period=2012/13");
    expect(count.status).toBe(400);
    expect(count.body.error.code).toBe("measure-not-comparable");
    const adjust = await get("/api/providers/compare?measure=better-off&period=2012/13&adjust=fancy");
    expect(adjust.status).toBe(400);
    expect(adjust.body.error.message).toMatch(/adjust/);
    const notOffered = await get("/api/providers/compare?measure=better-off&period=2012/13&adjust=casemix&programme=nothing");
    expect(notOffered.status).toBe(404);
  });

  it("answers 422 when a comparison cannot be computed for the period (follow-up incomplete)", async () => {
    const {status, body} = await get("/api/providers/compare?measure=not-referred-12-months&period=2013/14");
    expect(status).toBe(422);
    expect(body.error.message).toMatch(/follow-up incomplete/);
  });

  it("answers 400 for a malformed service-map period and gapsOnly value", async () => {
    expect((await get("/api/services/map?period=Q3")).status).toBe(400);
    expect((await get("/api/services/map?period=2012/13&gapsOnly=yes")).status).toBe(400);
  });

  it("registers every provider and service route in the OpenAPI document", async () => {
    const {body} = await get("/api/openapi.json");
    for (const path of ["/api/providers", "/api/providers/compare", "/api/providers/value-for-money", "/api/providers/{id}/report-card", "/api/providers/programmes/{id}/report-card", "/api/services/map"]) {
      expect(body.paths[path]?.get, path).toBeDefined();
    }
    const params = body.paths["/api/providers/compare"].get.parameters.map((p: any) => p.name);
    expect(params).toEqual(expect.arrayContaining(["measure", "period", "adjust", "programme"]));
  });

  it("lists providers, programmes and the measures in their quadrants", async () => {
    const {status, body} = await get("/api/providers");
    expect(status).toBe(200);
    expect(body.quadrants.map((q: any) => q.question)).toEqual(["How much did we do?", "How well did we do it?", "Is anyone better off?"]);
    expect(body.programmes.find((p: any) => p.id === "triple-p").providers).toEqual(["lbc-family-support", "parenting-works"]);
    expect(body.coverage.referrals).toEqual({from: "2012-04-01", to: "2014-03-31"});
  });

  it("puts every provider on one screen by quadrant (how much, how well, is anyone better off) for a commissioner's side-by-side view", async () => {
    const {status, body} = await get("/api/providers/quadrants?period=2012/13", "analyst");
    expect(status).toBe(200);
    expect(body.period.label).toBe("2012/13");
    expect(body.quadrants.map((q: any) => q.question)).toEqual(["How much did we do?", "How well did we do it?", "Is anyone better off?"]);
    for (const q of body.quadrants) expect(q.measures.length, q.id).toBeGreaterThan(0);
    const pw = body.providers.find((p: any) => p.id === "parenting-works");
    expect(pw.values["not-referred-12-months"]).toMatchObject({numerator: 4, denominator: 8, value: 50});
    for (const p of body.providers) for (const id of body.quadrants.flatMap((q: any) => q.measures)) expect(p.values, `${p.id} ${id}`).toHaveProperty(id);
    // A provider sees its own row only: no other provider is named.
    const own = await app.request("/api/providers/quadrants?period=2012/13", {headers: {"x-test-role": "provider", "x-test-provider": "parenting-works"}});
    expect((await own.json() as any).providers.map((p: any) => p.id)).toEqual(["parenting-works"]);
  });

  it("keeps another provider's report card from a provider (403) and gives the provider its own", async () => {
    const other = await app.request("/api/providers/lbc-family-support/report-card?period=2012/13", {headers: {"x-test-role": "provider", "x-test-provider": "parenting-works"}});
    expect(other.status).toBe(403);
    const own = await app.request("/api/providers/parenting-works/report-card?period=2012/13", {headers: {"x-test-role": "provider", "x-test-provider": "parenting-works"}});
    expect(own.status).toBe(200);
    const m = (await own.json() as any).measures.find((x: any) => x.id === "not-referred-12-months");
    expect(m.latest).toMatchObject({numerator: 4, denominator: 8}); // its own small counts, in full
  });
});

describe("the provider routes under a commissioner policy that rounds counts to 5", () => {
  const rounding = testApp({warehouse, warehouseDir: s.warehouseDir, disclosure: resolvePolicies({roles: {commissioner: {roundTo: 5}}})});
  const as = async (a: typeof app, path: string, role: string) => (await a.request(path, {headers: {"x-test-role": role}})).json() as Promise<any>;

  it("shows the 9 families started in 2012/13 as 10 on the report card, the quadrants and the comparison (and 10 of 10 started within 10 working days); an analyst sees 9", async () => {
    const card = await as(rounding, "/api/providers/parenting-works/report-card?period=2012/13", "commissioner");
    const latest = (id: string) => card.measures.find((m: any) => m.id === id).latest;
    expect(latest("families-started")).toMatchObject({numerator: 10, value: 10});
    expect(latest("started-within-10-working-days")).toMatchObject({numerator: 10, denominator: 10, value: 100});
    const quadrants = await as(rounding, "/api/providers/quadrants?period=2012/13", "commissioner");
    expect(quadrants.providers.find((p: any) => p.id === "parenting-works").values["families-started"]).toMatchObject({numerator: 10});
    const cmp = await as(rounding, "/api/providers/compare?measure=started-within-10-working-days&period=2012/13", "commissioner");
    expect(cmp.providers.find((p: any) => p.providerId === "parenting-works")).toMatchObject({numerator: 10, denominator: 10});
    expect(cmp.pooled).toMatchObject({numerator: 10, denominator: 10});
    const exact = await as(rounding, "/api/providers/compare?measure=started-within-10-working-days&period=2012/13", "analyst");
    expect(exact.providers.find((p: any) => p.providerId === "parenting-works")).toMatchObject({numerator: 9, denominator: 9});
    expect((await as(app, "/api/providers/parenting-works/report-card?period=2012/13", "commissioner")).measures.find((m: any) => m.id === "families-started").latest).toMatchObject({numerator: 9});
  });
});
