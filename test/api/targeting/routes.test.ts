import {readFileSync} from "node:fs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {obaScratch, REST, rows, TARGET} from "../../helpers/oba.js";
import {testApp} from "../../helpers/app.js";
import {resolvePolicies} from "../../../api/oba/policy.js";
import {wardGroups} from "../../../api/targeting/disclosure.js";
import {recoverableCells} from "../../../api/stats/index.js";
import {AppCache} from "../../../api/appcache.js";

/**
 * The targeting API over a scratch warehouse built by the real pipeline from a small Luton world:
 * child protection and domestic-violence referrals by ward, 2012/13 to 2014/15, with one ward small
 * enough to be suppressed.
 */

const s = obaScratch("curve-targeting-");
const WARDS = [...TARGET, ...REST];

// Child protection referrals per year: 30 in each target ward, 12 in each other ward, 3 in Bramingham, none in Wigmore.
const cp = (ward: string) => (TARGET.includes(ward) ? 30 : ward === "bramingham" ? 3 : ward === "wigmore" ? 0 : 12);
// Domestic-violence referrals: 20 in each target ward (8 from 2014/15), 10 in each other ward.
const dv = (ward: string, fy: number) => (TARGET.includes(ward) ? (fy >= 2014 ? 8 : 20) : 10);

const population = readFileSync("data/reference/population.csv", "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
const children = (year: number, wards: string[]) => population
  .filter(([la, ward, y, age]) => la === "821" && +y === year && +age <= 17 && wards.includes(ward))
  .reduce((sum, r) => sum + Number(r[4]), 0);

beforeAll(async () => {
  for (const fy of [2012, 2013, 2014]) {
    s.extract("referrals", fy, WARDS.flatMap((ward) => [
      ...rows("referrals", cp(ward), () => ({ward, referral_date: `${fy}-06-15`, primary_concern: "child_protection"})),
      ...rows("referrals", dv(ward, fy), () => ({ward, referral_date: `${fy}-09-15`, primary_concern: "domestic_violence"}))
    ]));
  }
  const rec = await s.run();
  expect(rec.status).toBe("published");
}, 300_000);
afterAll(() => s.close());

const ok = async (url: string) => {
  const res = await s.get(url);
  expect(res.status, `${url}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
  return res.body;
};

describe("GET /api/wards/targeting", () => {
  it("lists every ward with its vintage, deprivation rank, target flag, children and counts, and the borough total is the sum", async () => {
    const b = await ok("/api/wards/targeting?indicators=cp-referrals,dv-referrals&period=2012/13");
    expect(b.wards).toHaveLength(19);
    expect(b.period).toMatchObject({label: "2012/13", populationYear: 2012});
    expect(b.wardVintage).toBe("2003-2023");
    expect(b.targetWards).toMatchObject({wards: TARGET, illustrative: true});
    const biscot = b.wards.find((w: any) => w.id === "biscot");
    expect(biscot).toMatchObject({target: true, vintage: "2003-2023", deprivation: {rank: 2}, children: children(2012, ["biscot"])});
    expect(biscot.indicators["cp-referrals"]).toMatchObject({count: 30, denominator: children(2012, ["biscot"])});
    expect(biscot.indicators["cp-referrals"].rate.value).toBeCloseTo((30 / children(2012, ["biscot"])) * 10000, 10);
    expect(b.borough["cp-referrals"].count).toBe(WARDS.reduce((n, w) => n + cp(w), 0));
    expect(b.targetWardsTotal["cp-referrals"].count).toBe(150);
    expect(b.restOfBorough["dv-referrals"].count).toBe(140);
  });

  it("takes each ward's expected count at the borough rate and reads its O/E against the funnel", async () => {
    const b = await ok("/api/wards/targeting?indicators=cp-referrals&period=2012/13");
    const rate = b.borough["cp-referrals"].count / b.borough["cp-referrals"].denominator;
    for (const w of b.wards.filter((x: any) => typeof x.indicators["cp-referrals"].count === "number" && x.indicators["cp-referrals"].count > 0)) {
      const e = w.indicators["cp-referrals"];
      expect(e.ratioToBorough.expected).toBeCloseTo(e.denominator * rate, 8);
      expect(e.ratioToBorough.value).toBeCloseTo(e.count / (e.denominator * rate), 10);
      expect(e.excess.value).toBeCloseTo(e.count - e.denominator * rate, 8);
      expect(["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant"]).toContain(e.ratioToBorough.significance);
    }
  });

  it("a ward count of 3 is shown as c, with its rate, ratio and need index, and no hidden count can be recovered from the borough, target-ward or rest totals", async () => {
    const b = await ok("/api/wards/targeting?indicators=cp-referrals&period=2012/13");
    const bram = b.wards.find((w: any) => w.id === "bramingham");
    const e = bram.indicators["cp-referrals"];
    expect(e).toMatchObject({count: "c", rate: {value: "c", flag: "c"}, ratioToBorough: {value: "c", significance: "c"}, excess: {value: "c"}});
    expect(bram.need.index).toBe("c");
    expect(JSON.stringify(bram)).not.toContain('"count":3');
    const hidden = b.wards.filter((w: any) => w.indicators["cp-referrals"].count === "c").map((w: any) => `ward:${w.id}`);
    expect(hidden.length).toBeGreaterThanOrEqual(2);
    // Rebuild the published table with the true counts and check a reader's equations pin nothing down.
    const table = {wards: WARDS.map((id) => ({id, count: cp(id), target: TARGET.includes(id)})), unknown: 0};
    const cells = [...table.wards.map((w) => ({id: `ward:${w.id}`, count: w.count})), {id: "total:unknown", count: 0}, {id: "total:target", count: 150},
      {id: "total:rest", count: REST.reduce((n, w) => n + cp(w), 0)}, {id: "total:borough", count: WARDS.reduce((n, w) => n + cp(w), 0)}];
    expect(recoverableCells({cells, groups: wardGroups(table)}, new Set(hidden))).toEqual([]);
    expect(b.notes.join(" ")).not.toMatch(/could not protect/);
  });

  it("flags a rate on fewer than 10 events as u, and a ward with no events is 0, not suppressed", async () => {
    const b = await ok("/api/wards/targeting?indicators=cp-referrals,dv-referrals&period=2014/15");
    const wig = b.wards.find((w: any) => w.id === "wigmore");
    expect(wig.indicators["cp-referrals"].count).toBe(0);
    expect(wig.indicators["cp-referrals"].rate.value).toBe(0);
    const biscot = b.wards.find((w: any) => w.id === "biscot");
    expect(biscot.indicators["dv-referrals"]).toMatchObject({count: 8, rate: {flag: "u"}});
  });

  it("gives the same rank intervals for the same seed, and ranks the target wards first on need", async () => {
    const url = "/api/wards/targeting?indicators=cp-referrals,dv-referrals&period=2012/13&seed=99&draws=500";
    const [a, b] = [await ok(url), await ok(url)];
    const ranks = (x: any) => x.wards.map((w: any) => [w.indicators["cp-referrals"].rank, w.need.medianRank, w.need.lowerRank, w.need.upperRank]);
    expect(ranks(a)).toEqual(ranks(b));
    expect(a.seed).toBe(99);
    const top = [...a.wards].sort((p: any, q: any) => p.need.medianRank - q.need.medianRank).slice(0, 5).map((w: any) => w.id);
    expect(top.every((id: string) => TARGET.includes(id))).toBe(true);
  });

  it("works out a ward table's protection, rank simulation and need index once for the same inputs: asked again the answer is the same and nothing is computed again; a new seed simulates again", async () => {
    const cache = new AppCache();
    const app = testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir, cache, cacheResponses: false}, "commissioner");
    const url = "/api/wards/targeting?indicators=cp-referrals,dv-referrals&period=2012/13&seed=7";
    const answer = async (u: string) => {
      const res = await app.request(u);
      expect(res.status).toBe(200);
      return res.json();
    };
    const first = await answer(url);
    // Per indicator its ward-table protection and rank simulation, and one need index.
    expect(cache.computations.size).toBe(5);
    expect(await answer(url)).toEqual(first);
    expect(cache.computations.size).toBe(5);
    // Another seed: the two rank simulations and the need index again; the protections are the same.
    const other = await answer(url.replace("seed=7", "seed=8"));
    expect(cache.computations.size).toBe(8);
    expect(other.wards.map((w: any) => w.need.index)).toEqual(first.wards.map((w: any) => w.need.index));
  });

  it("draws rank intervals from 10,000 simulations by default, so 'top five' is not decided on bounds that move with the seed", async () => {
    const b = await ok("/api/wards/targeting?indicators=cp-referrals,dv-referrals&period=2012/13");
    expect(b.draws).toBe(10_000);
    expect(b.method.rank).toMatch(/from 10000 draws/);
    const review = await ok("/api/target-wards/review?indicators=cp-referrals,dv-referrals&period=2012/13");
    expect(review.draws).toBe(10_000);
  });

  it("weights the need index as asked, and shows each component's contribution (the factors multiply to the index)", async () => {
    const b = await ok("/api/wards/targeting?indicators=cp-referrals,dv-referrals&period=2012/13&weights=cp-referrals:3,dv-referrals:1");
    expect(b.indicators.map((i: any) => [i.id, i.weight])).toEqual([["cp-referrals", 3], ["dv-referrals", 1]]);
    const biscot = b.wards.find((w: any) => w.id === "biscot").need;
    expect(biscot.components.map((c: any) => c.weight)).toEqual([0.75, 0.25]);
    expect(biscot.components.reduce((p: number, c: any) => p * c.factor, 1)).toBeCloseTo(biscot.index, 10);
    expect(biscot.index).toBeGreaterThan(1);
  });

  it("answers CSV with one row per ward and indicator", async () => {
    const res = await s.app.request("/api/wards/targeting?indicators=cp-referrals,dv-referrals&period=2012/13&format=csv");
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split("\n");
    expect(lines).toHaveLength(1 + 19 * 2);
    expect(lines[0]).toMatch(/^period,ward,name,vintage,target/);
  });

  it("refuses an unknown indicator (404), a borough-only one (400), bad weights (400), a malformed or unloaded period, and too few draws", async () => {
    const unknown = await s.get("/api/wards/targeting?indicators=cp-referrals,nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({code: "unknown-indicator", details: {unknown: ["nope"]}});
    expect(unknown.body.error.message).toMatch(/'nope'.*cp-referrals/);
    const borough = await s.get("/api/wards/targeting?indicators=marac-cases");
    expect(borough.status).toBe(400);
    expect(borough.body.error.code).toBe("not-by-ward");
    for (const w of ["cp-referrals:-1", "cp-referrals:x", "cla-rate:1", "cp-referrals:0", "cp-referrals"]) {
      const r = await s.get(`/api/wards/targeting?indicators=cp-referrals&period=2012/13&weights=${w}`);
      expect(r.status, w).toBe(400);
      expect(r.body.error.code, w).toBe("invalid-weights");
    }
    const malformed = await s.get("/api/wards/targeting?indicators=cp-referrals&period=2012");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/financial year such as 2012\/13/);
    const unloaded = await s.get("/api/wards/targeting?indicators=cp-referrals&period=2009/10");
    expect(unloaded.status).toBe(422);
    expect(unloaded.body.error.message).toMatch(/2012\/13 to 2014\/15/);
    expect((await s.get("/api/wards/targeting?indicators=cp-referrals&draws=5")).status).toBe(400);
    expect((await s.get("/api/wards/targeting?indicators=cp-referrals,cp-referrals")).status).toBe(400);
  });
});

describe("GET /api/target-wards/summary", () => {
  it("gives the target wards' share of cases against their share of children, the rate ratio to the rest with its interval, and the excess", async () => {
    const b = await ok("/api/target-wards/summary?period=2012/13&indicators=cp-referrals,dv-referrals");
    const cpr = b.indicators.find((i: any) => i.indicator.id === "cp-referrals");
    const restCases = REST.reduce((n, w) => n + cp(w), 0);
    expect(cpr.shareOfCases.value).toBeCloseTo(150 / (150 + restCases), 12);
    expect(cpr.shareOfChildren).toBeCloseTo(children(2012, TARGET) / children(2012, WARDS), 12);
    const restRate = restCases / children(2012, REST);
    expect(cpr.rateRatio.expected).toBeCloseTo(children(2012, TARGET) * restRate, 8);
    expect(cpr.rateRatio.value).toBeCloseTo(150 / (children(2012, TARGET) * restRate), 10);
    expect(cpr.rateRatio.lower95).toBeLessThan(cpr.rateRatio.value);
    expect(cpr.excess.value).toBeCloseTo(150 - children(2012, TARGET) * restRate, 8);
    expect(cpr.statement).toMatch(/of child protection referrals in 2012\/13 came from the 5 target wards, which have .* of the borough's children: a rate .* times the rest of the borough's \(95% CI/);
    expect(cpr.gap.status).toBe("cannot be assessed");
  });

  it("says whether the gap has closed since the strategy started", async () => {
    const b = await ok("/api/target-wards/summary?since=2014/15&indicators=cp-referrals,dv-referrals");
    const gap = (id: string) => b.indicators.find((i: any) => i.indicator.id === id).gap;
    expect(b.period.label).toBe("2014/15");
    // Domestic-violence referrals fell from twice the rest's rate to below it: reversed, not closing, and better (fewer is good).
    expect(gap("dv-referrals").beforeAfter.before.rateRatio).toBeGreaterThan(1.3);
    expect(gap("dv-referrals").beforeAfter.after.rateRatio).toBeLessThan(0.8);
    expect(gap("dv-referrals")).toMatchObject({status: "reversed", closing: false, direction: "down", judgement: "better", tests: {beforeAfter: "towards parity"}});
    expect(gap("dv-referrals").headline).toMatch(/^Gap reversed: the target wards went from \d+% above the rest of the borough to \d+% below/);
    expect(gap("cp-referrals")).toMatchObject({status: "no significant change", closing: false, judgement: null});
    expect(b.closing).toEqual([]);
    expect(b.reversed).toEqual(["dv-referrals"]);
    expect(gap("dv-referrals").points.map((p: any) => p.period)).toEqual(["2012/13", "2013/14", "2014/15"]);
  });

  it("works out each year's ward-table protection once: asked again the answer is the same and nothing is computed again", async () => {
    const cache = new AppCache();
    const app = testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir, cache, cacheResponses: false}, "commissioner");
    const url = "/api/target-wards/summary?indicators=cp-referrals&since=2014/15";
    const first = await app.request(url);
    expect(first.status).toBe(200);
    const body = await first.json();
    // cp-referrals in three years: three protections. Two years are too few for the gap's baseline, and a forecast that fails is not kept.
    expect(body.indicators[0].gap.turnTheCurve.baseline).toBeNull();
    expect(cache.computations.size).toBe(3);
    expect(await (await app.request(url)).json()).toEqual(body);
    expect(cache.computations.size).toBe(3);
  });

  it("covers every indicator published by ward and lists the borough-only ones", async () => {
    const b = await ok("/api/target-wards/summary?period=2012/13");
    const ids = b.indicators.map((i: any) => i.indicator.id);
    expect(ids).toEqual(expect.arrayContaining(["cla-rate", "cp-rate", "referrals", "neet", "cp-referrals", "dv-referrals", "cp-plan-starts"]));
    expect(b.notByWard.map((i: any) => i.id)).toContain("marac-cases");
    expect(b.indicators.find((i: any) => i.indicator.id === "cla-rate")).toMatchObject({available: false});
  });

  it("answers CSV with one row per indicator", async () => {
    const res = await s.app.request("/api/target-wards/summary?period=2012/13&indicators=cp-referrals,dv-referrals&format=csv");
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^cp-referrals,2012\/13,150,/);
  });

  it("refuses a malformed period or since, and an unknown indicator", async () => {
    expect((await s.get("/api/target-wards/summary?period=13/14")).status).toBe(400);
    expect((await s.get("/api/target-wards/summary?since=2014")).status).toBe(400);
    expect((await s.get("/api/target-wards/summary?indicators=nope")).status).toBe(404);
    expect((await s.get("/api/target-wards/summary?period=2001/02")).status).toBe(422);
  });
});

describe("GET /api/wards/concentration", () => {
  it("gives curves by rate and by deprivation with their indices, the SII and RII with intervals, and hides curve points that would give a suppressed ward back", async () => {
    const b = await ok("/api/wards/concentration?indicator=cp-referrals&period=2012/13");
    const byRate = b.concentration.byRate;
    expect(byRate.points).toHaveLength(19);
    expect(byRate.points.slice(0, 5).every((p: any) => p.target)).toBe(true);
    expect(byRate.index).toBe("c");
    expect(b.concentration.byDeprivation.points[0].id).toBe("dallow");
    expect(b.targetWards.statement).toMatch(/The 5 target wards hold .* of child protection referrals per 10,000 children but .* of the children/);
    const bram = byRate.points.findIndex((p: any) => p.id === "bramingham");
    expect(byRate.points[bram].cases).toBe("c");
    expect(byRate.points[bram].caseShare).toBe("c");
    // The index and the SII are linear in every ward's count: with bramingham hidden a commissioner
    // gets neither (docs/methods/disclosure.md); an analyst sees them.
    expect(b.sii).toBeNull();
    const full = (await s.get("/api/wards/concentration?indicator=cp-referrals&period=2012/13", "analyst")).body;
    expect(full.concentration.byRate.index).toBeLessThan(0);
    expect(full.sii.intervals[0].siiLower).toBeLessThan(full.sii.sii);
    expect(full.sii.sii).toBeLessThan(0);
  });

  it("refuses a missing or unknown indicator", async () => {
    expect((await s.get("/api/wards/concentration")).status).toBe(400);
    expect((await s.get("/api/wards/concentration?indicator=nope")).status).toBe(404);
    expect((await s.get("/api/wards/concentration?indicator=cp-referrals&groups=tercile")).status).toBe(400);
    const noData = await s.get("/api/wards/concentration?indicator=cla-started");
    expect(noData.status).toBe(422);
    expect(noData.body.error.code).toBe("period-not-available");
  });
});

describe("GET /api/wards/:id/profile", () => {
  it("gives one ward's indicators by year against the borough and the target wards, with trends and small-number warnings", async () => {
    const b = await ok("/api/wards/bramingham/profile");
    expect(b.ward).toMatchObject({id: "bramingham", target: false, vintage: "2003-2023"});
    const cpr = b.indicators.find((i: any) => i.indicator.id === "cp-referrals");
    expect(cpr.series.map((p: any) => p.period)).toEqual(["2012/13", "2013/14", "2014/15"]);
    expect(cpr.latest.count).toBe("c");
    expect(cpr.latest.comparedWithBorough).toBe("not-compared");
    expect(cpr.warnings.join(" ")).toMatch(/3 of 3 years have a count of 1-5/);
    const dvr = b.indicators.find((i: any) => i.indicator.id === "dv-referrals");
    expect(dvr.latest.targetWards.rate).toBeCloseTo((40 / children(2014, TARGET)) * 10000, 8);
    expect(dvr.latest.comparedWithTargetWards).toMatch(/better|worse|similar/);
    expect(b.indicators.find((i: any) => i.indicator.id === "cla-rate")).toMatchObject({available: false});
  });

  it("refuses an unknown ward with the known ones, and a malformed id", async () => {
    const r = await s.get("/api/wards/atlantis/profile");
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("unknown-ward");
    expect(r.body.error.details.known).toContain("biscot");
    expect((await s.get("/api/wards/Not%20A%20Ward/profile")).status).toBe(400);
  });
});

describe("GET /api/target-wards/review", () => {
  it("ranks wards by need with rank intervals and names target wards that cannot be told apart from the borough", async () => {
    const b = await ok("/api/target-wards/review?indicators=cp-referrals,dv-referrals&period=2014/15");
    expect(b.wards).toHaveLength(19);
    expect(b.wards[0].position).toBe(1);
    for (const w of b.wards) expect(w.need.lowerRank).toBeLessThanOrEqual(w.need.upperRank);
    expect(Array.isArray(b.targetWardsNotDistinguishableFromBorough)).toBe(true);
    expect(b.statements.length).toBeGreaterThan(0);
    expect(b.candidates).toEqual([]);
  });

  it("refuses bad weights", async () => {
    expect((await s.get("/api/target-wards/review?indicators=cp-referrals&weights=cp-referrals:-2")).status).toBe(400);
  });
});

describe("allocations", () => {
  const body = {name: "Early help 2015", author: "commissioner", budget: 1_000_000, need: {indicators: ["cp-referrals", "dv-referrals"], period: "2014/15"}};

  it("allocates a budget by a universal share and by need × children, saying what the target wards receive, and saves versions", async () => {
    const first = await s.send("POST", "/api/allocations", body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({saved: true, name: "Early help 2015", version: 1});
    const r = first.body.result;
    expect(r.wards).toHaveLength(19);
    expect(Math.round(r.wards.reduce((t: number, w: any) => t + w.total, 0) * 100)).toBe(100_000_000);
    expect(r.targetWards.share).toBeGreaterThan(r.targetWards.childrenShare);
    expect(r.statement).toMatch(/The 5 target wards receive £/);
    const second = await s.send("POST", "/api/allocations", {...body, universalShare: 1});
    expect(second.body.version).toBe(2);
    expect(second.body.result.targetWards.share).toBeCloseTo(second.body.result.targetWards.childrenShare, 6);
    const list = await ok("/api/allocations?name=Early%20help%202015");
    expect(list.allocations.map((a: any) => a.version).sort()).toEqual([1, 2]);
    const one = await ok(`/api/allocations/${first.body.id}`);
    expect(one.result).toEqual(first.body.result);
  });

  it("allocates a ward whose need index is confidential at the borough's need, so its amount gives nothing away", async () => {
    const preview = {...body, name: "preview", save: false, needExponent: 1};
    const r = (await s.send("POST", "/api/allocations", preview)).body.allocation;
    const hidden = r.wards.find((w: any) => w.need === "c");
    const shown = r.wards.find((w: any) => typeof w.need === "number" && Math.abs(w.need - 1) > 0.05);
    expect(hidden, "the small ward's need is confidential").toBeDefined();
    // Targeted money per child is proportional to need^β: the hidden ward's is the borough's (1).
    const perChild = (w: any) => w.targeted / w.children;
    expect(perChild(hidden) / perChild(shown)).toBeCloseTo(1 / shown.need, 3);
    expect(r.notes.join(" ")).toMatch(/confidential \(c\), so allocated at the borough's need/);
    const full = (await s.app.request("/api/allocations", {method: "POST", body: JSON.stringify(preview), headers: {"content-type": "application/json", "x-test-role": "analyst"}}));
    const analyst = (await full.json() as any).allocation;
    const same = analyst.wards.find((w: any) => w.id === hidden.id);
    expect(typeof same.need).toBe("number");
    expect(same.total).not.toBeCloseTo(hidden.total, 0);
  });

  it("previews without saving when save is false", async () => {
    const r = await s.send("POST", "/api/allocations", {...body, name: "preview", save: false, need: {kind: "deprivation"}});
    expect(r.status).toBe(200);
    expect(r.body.saved).toBe(false);
    expect(r.body.allocation.need.kind).toBe("deprivation");
  });

  it("refuses a negative budget, a share out of range, an unknown indicator, bad weights and an unknown allocation", async () => {
    const neg = await s.send("POST", "/api/allocations", {...body, budget: -5});
    expect(neg.status).toBe(400);
    expect(neg.body.error.message).toMatch(/budget must not be negative/);
    expect((await s.send("POST", "/api/allocations", {...body, universalShare: 1.2})).status).toBe(400);
    expect((await s.send("POST", "/api/allocations", {...body, need: {indicators: ["nope"]}})).status).toBe(404);
    expect((await s.send("POST", "/api/allocations", {...body, need: {indicators: ["cp-referrals"], weights: {"cp-referrals": -1}}})).status).toBe(400);
    expect((await s.send("POST", "/api/allocations", {...body, author: ""})).status).toBe(400);
    expect((await s.get("/api/allocations/al-00000000-0000-0000-0000-000000000000")).status).toBe(404);
    expect((await s.get("/api/allocations/42")).status).toBe(400);
  });

  it("answers 503 without an app store", async () => {
    const app = testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir}, "commissioner");
    const res = await app.request("/api/allocations", {method: "POST", body: JSON.stringify(body), headers: {"content-type": "application/json"}});
    expect(res.status).toBe(503);
  });
});

describe("OpenAPI", () => {
  it("describes every targeting route", async () => {
    const doc = await ok("/api/openapi.json");
    for (const path of ["/api/wards/targeting", "/api/wards/concentration", "/api/wards/{id}/profile", "/api/target-wards/summary", "/api/target-wards/review", "/api/allocations", "/api/allocations/{id}"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});

describe("a viewer whose policy rounds counts to 5", () => {
  const asViewer = async (url: string) => {
    const app = testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir, disclosure: resolvePolicies({roles: {viewer: {roundTo: 5}}})});
    const res = await app.request(url, {headers: {"x-test-role": "viewer"}});
    expect(res.status).toBe(200);
    return await res.json() as any;
  };

  it("shows a ward's 12 as 10 and computes its rate, ratio and excess from the shown counts; each area shows its own total rounded", async () => {
    const b = await asViewer("/api/wards/targeting?indicators=cp-referrals&period=2012/13");
    // A ward of 12 that the plan shows (some are hidden to protect Bramingham's 3).
    const e = b.wards.filter((w: any) => cp(w.id) === 12).map((w: any) => w.indicators["cp-referrals"]).find((x: any) => x.count !== "c");
    expect(e.count).toBe(10);
    expect(e.rate.value).toBeCloseTo((10 / e.denominator) * 10000, 10);
    // Borough 297 (150 in the target wards, 147 in the rest) is shown as 295; the rest as 145.
    const borough = b.borough["cp-referrals"];
    expect(borough.count).toBe(295);
    expect(b.restOfBorough["cp-referrals"].count).toBe(145);
    expect(borough.rate.value).toBeCloseTo((295 / borough.denominator) * 10000, 10);
    expect(e.ratioToBorough.value).toBeCloseTo(10 / (e.denominator * (295 / borough.denominator)), 10);
    expect(e.excess.value).toBeCloseTo(10 - e.denominator * (295 / borough.denominator), 8);
  });

  it("judges the target wards' gap from the rounded totals", async () => {
    const b = await asViewer("/api/target-wards/summary?indicators=cp-referrals&period=2012/13&since=2013/14");
    const entry = b.indicators.find((i: any) => i.indicator.id === "cp-referrals");
    expect(JSON.stringify(entry)).not.toMatch(/"count":(297|147)\b/);
    expect(JSON.stringify(entry)).toMatch(/"count":145\b/);
  });
});
