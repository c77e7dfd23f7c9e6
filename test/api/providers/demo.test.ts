import {afterAll, describe, expect, it} from "vitest";
import {loadEpisodes} from "../../../api/providers/episodes.js";
import {demoApi} from "../../helpers/demo.js";

/**
 * Provider performance on the demo data, through the real pipeline. The demo's providers have
 * genuinely different case mixes: the in-house Triple P team (lbc-family-support) takes many more
 * level-4 families than the voluntary-sector Triple P provider, and in the demo model a family's
 * chance of a reliable improvement depends on its level of need, hardly on who delivers.
 */

// The run's demo warehouse (test/setup/demo-world.ts); requests come from an analyst unless a header says otherwise.
const {app, warehouse, close} = demoApi("analyst");
afterAll(() => close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await app.request(path, {headers});
  const body = await res.json() as any;
  expect(res.status, `${path}: ${JSON.stringify(body.error ?? null)}`).toBe(200);
  return body;
};
const commissioner = {"x-test-role": "commissioner"};

/** Every published count in a response: none may be 1–5 for a suppressed viewer. */
function smallCounts(value: unknown, keys = ["numerator", "denominator", "need", "provision", "betterOff", "episodesEnded", "observed"], path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => smallCounts(v, keys, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => (keys.includes(k) && typeof v === "number" && v >= 1 && v <= 5 ? [`${path}.${k}=${v}`] : smallCounts(v, keys, `${path}.${k}`)));
  }
  return [];
}

describe("provider performance on the demo data", () => {
  it("gives the in-house Triple P team a harder case mix than the voluntary-sector Triple P provider", async () => {
    const {episodes} = await loadEpisodes(warehouse);
    const share = (provider: string) => {
      const mine = episodes.filter((e) => e.providerId === provider && e.referralDate >= "2014-04-01" && e.referralDate <= "2015-03-31");
      return mine.filter((e) => e.levelOfNeed === 4).length / mine.length;
    };
    expect(share("lbc-family-support")).toBeGreaterThan(0.25);
    expect(share("parenting-works")).toBe(0);
  });

  it("shows a provider worse than average on raw % better off (2014/15) but not significantly different once case mix is allowed for, and shows both", async () => {
    const body = await get("/api/providers/compare?measure=better-off&period=2014/15&adjust=casemix");
    expect(body.adjust).toBe("casemix");
    expect(body.adjustment).toMatchObject({used: "casemix", method: "indirect standardisation (O/E)"});
    expect(body.adjustment.strata.join(" ")).toMatch(/age group.*level of need/);
    const worseRaw = body.providers.filter((r: any) => r.significance.startsWith("Low") && r.adjusted.significance === "Not significant");
    expect(worseRaw.length).toBeGreaterThanOrEqual(1);
    const lbc = body.providers.find((r: any) => r.providerId === "lbc-family-support");
    expect(lbc.value).toBeLessThan(body.pooled.value);
    expect(lbc.significance).toBe("Low (0.025)");
    expect(lbc.upper95).toBeLessThan(body.pooled.value);
    expect(lbc.adjusted.significance).toBe("Not significant");
    expect(lbc.adjusted.lower95).toBeLessThan(1);
    expect(lbc.adjusted.upper95).toBeGreaterThan(1);
    expect(lbc.adjusted.standardisedValue).toBeGreaterThan(lbc.value);
    expect(lbc.verdict).toMatch(/explained by the families it serves/);
    expect(body.funnels.raw.centre).toBeCloseTo(body.pooled.value, 9);
    expect(body.funnels.adjusted.centre).toBe(1);
    console.info(`[demo] better-off 2014/15, lbc-family-support: raw ${lbc.numerator}/${lbc.denominator} = ${lbc.value.toFixed(1)}% (95% ${lbc.lower95.toFixed(1)}–${lbc.upper95.toFixed(1)}) vs pooled ${body.pooled.value.toFixed(1)}% → ${lbc.significance}; ` +
      `case-mix O/E = ${lbc.adjusted.observed}/${lbc.adjusted.expected.toFixed(1)} = ${lbc.adjusted.ratio.toFixed(3)} (95% ${lbc.adjusted.lower95.toFixed(3)}–${lbc.adjusted.upper95.toFixed(3)}), standardised ${lbc.adjusted.standardisedValue.toFixed(1)}% → ${lbc.adjusted.significance}`);
  });

  it("gives the same raw figures without adjustment, and says so", async () => {
    const raw = await get("/api/providers/compare?measure=better-off&period=2014/15");
    const lbc = raw.providers.find((r: any) => r.providerId === "lbc-family-support");
    expect(raw.adjustment.used).toBe("none");
    expect(lbc.adjusted).toBeNull();
    expect(lbc.significance).toBe("Low (0.025)");
    expect(raw.funnels.adjusted).toBeNull();
  });

  it("compares the two Triple P providers within their programme", async () => {
    const body = await get("/api/providers/compare?measure=better-off&period=2014/15&adjust=casemix&programme=triple-p");
    expect(body.scope).toMatchObject({kind: "programme", id: "triple-p"});
    expect(body.providers.map((r: any) => r.providerId)).toEqual(["lbc-family-support", "parenting-works"]);
    expect(body.providers[0].adjusted.significance).toBe("Not significant");
  });

  it("gives a provider report card in the OBA quadrants, each measure with its history, trend, SPC and a forecast from five points", async () => {
    const card = await get("/api/providers/lbc-family-support/report-card?period=2014/15");
    expect(card.quadrants.map((q: any) => q.id)).toEqual(["how-much", "how-well", "better-off"]);
    const better = card.measures.find((m: any) => m.id === "better-off");
    // A share of the provider's own completed episodes: a real count, never more than its denominator.
    expect(better.latest.period).toBe("2014/15");
    expect(better.latest.denominator).toBeGreaterThan(50);
    expect(better.latest.numerator).toBeGreaterThan(0);
    expect(better.latest.numerator).toBeLessThanOrEqual(better.latest.denominator);
    expect(better.baseline.history.map((h: any) => h.period)).toEqual(["2008/09", "2009/10", "2010/11", "2011/12", "2012/13", "2013/14", "2014/15"]);
    expect(["increasing", "decreasing", "no-change"]).toContain(better.baseline.trend.marker);
    expect(better.baseline.spc.points).toHaveLength(7);
    expect(better.baseline.forecast).toMatchObject({available: true});
    expect(better.baseline.forecast.points.map((p: any) => p.period)).toEqual(["2015/16", "2016/17", "2017/18"]);
    const referred = card.measures.find((m: any) => m.id === "families-referred");
    expect(referred.latest.value).toBeGreaterThan(100);
    const rereferral = card.measures.find((m: any) => m.id === "not-referred-12-months");
    expect(rereferral.latest.value).toBeGreaterThan(50);
    const quarter = await get("/api/providers/lbc-family-support/report-card?period=2014/15%20Q3");
    expect(quarter.period).toMatchObject({type: "quarter", label: "2014/15 Q3"});
  });

  it("gives a programme report card pooled over its providers", async () => {
    const card = await get("/api/providers/programmes/triple-p/report-card?period=2014/15", commissioner);
    expect(card.scope).toMatchObject({kind: "programme", providers: ["lbc-family-support", "parenting-works"]});
    // Pooled over the programme's providers: exactly the sum of each provider's own figures.
    const pooled = card.measures.find((m: any) => m.id === "better-off").latest;
    const own = await Promise.all(["lbc-family-support", "parenting-works"].map(async (id) =>
      (await get(`/api/providers/${id}/report-card?period=2014/15`)).measures.find((m: any) => m.id === "better-off").latest));
    expect(pooled.numerator).toBe(own[0].numerator + own[1].numerator);
    expect(pooled.denominator).toBe(own[0].denominator + own[1].denominator);
  });

  it("gives value for money per provider, per programme and for all providers, with an interval", async () => {
    const body = await get("/api/providers/value-for-money?period=2014/15");
    const kinds = new Set(body.rows.map((r: any) => r.kind));
    expect([...kinds].sort()).toEqual(["all", "programme", "provider"]);
    for (const r of body.rows) {
      expect(r.lower95, r.id).toBeLessThan(r.costPerFamilyBetterOff);
      expect(r.upper95, r.id).toBeGreaterThan(r.costPerFamilyBetterOff);
      expect(r.costPerFamilyBetterOff).toBeCloseTo(r.totalCost / r.betterOff, 6);
    }
    const triple = body.rows.find((r: any) => r.kind === "programme" && r.id === "triple-p");
    expect(triple.providers).toEqual(["lbc-family-support", "parenting-works"]);
  });

  it("maps provision against need by ward × level × age group and flags gaps, with small counts suppressed for a commissioner", async () => {
    const map = await get("/api/services/map?period=2014/15", commissioner);
    expect(map.wards).toHaveLength(20);
    expect(map.wards[0].cells).toHaveLength(4 * 6);
    expect(map.gaps.length).toBeGreaterThan(0);
    expect(map.gaps.every((g: any) => g.flag === "gap" || g.flag === "no-commissioned-programme")).toBe(true);
    expect(map.borough.filter((b: any) => b.level === 1).every((b: any) => b.programmes.length === 0)).toBe(true);
    expect(map.borough.find((b: any) => b.level === 2 && b.ageGroup === "under 1").programmes).toContain("family-nurse-partnership");
    expect(smallCounts(map)).toEqual([]);
    expect(JSON.stringify(map)).toMatch(/"provision":"c"/);
    const csv = await app.request("/api/services/map?period=2014/15&gapsOnly=true&format=csv", {headers: commissioner});
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await csv.text()).split("\n")[0]).toMatch(/ward.*level.*ageGroup.*need.*provision/);
  });

  it("publishes no count of 1–5 to a commissioner anywhere in the comparisons, report cards or value for money", async () => {
    const responses = await Promise.all([
      get("/api/providers/compare?measure=stepped-up&period=2014/15&adjust=casemix", commissioner),
      get("/api/providers/compare?measure=disengaged&period=2014/15%20Q1", commissioner),
      get("/api/providers/lbc-fgc/report-card?period=2014/15%20Q4", commissioner),
      get("/api/providers/value-for-money?period=2014/15%20Q2", commissioner)
    ]);
    for (const body of responses) expect(smallCounts(body)).toEqual([]);
    expect(JSON.stringify(responses[0])).toMatch(/"numerator":"c"/);
  });

  it("shows a provider its own figures in full and the others only pooled", async () => {
    const me = {"x-test-role": "provider", "x-test-provider": "lbc-family-support"};
    const body = await get("/api/providers/compare?measure=better-off&period=2014/15&adjust=casemix", me);
    expect(body.providers.map((r: any) => r.providerId)).toEqual(["lbc-family-support"]);
    expect(body.notShown.providers).toBe(7);
    expect(body.pooled.denominator).toBeGreaterThan(500);
    const vfm = await get("/api/providers/value-for-money?period=2014/15", me);
    expect(vfm.rows.map((r: any) => `${r.kind}:${r.id}`).sort()).toEqual(["all:all", "provider:lbc-family-support"]);
    const other = await app.request("/api/providers/parenting-works/report-card?period=2014/15", {headers: me});
    expect(other.status).toBe(403);
  });
});
