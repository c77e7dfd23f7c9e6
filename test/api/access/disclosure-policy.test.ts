import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {loadConfig} from "../../../pipelines/config.js";
import {DEFAULT_REFERENCE_PATHS, Reference} from "../../../api/reference.js";
import {AppCache, CachedReader} from "../../../api/appcache.js";
import {lattice, numeratorDefinition} from "../../../api/oba/disclosure.js";
import {resolvePolicies, SUPPRESSED_DEFAULT} from "../../../api/oba/policy.js";
import {countInterval} from "../../../api/stats/intervals.js";
import type {Role} from "../../../api/auth/roles.js";
import {testApp} from "../../helpers/app.js";
import {obaScratch, row} from "../../helpers/oba.js";

/**
 * Disclosure policy by audience (api/oba/policy.ts, docs/methods/disclosure.md): thresholds and
 * rounding per role from the config, and the figures the council has already published shown with
 * their number, as long as the warehouse holds exactly that number.
 */

// The exemption list these tests publish from (the apps' reference files, with it in place of data/reference's).
const figuresFile = join(mkdtempSync(join(tmpdir(), "curve-published-")), "published-figures.json");
const LSCB = "Test LSCB annual report 2012/13, table 4";
writeFileSync(figuresFile, JSON.stringify({figures: [
  {indicator: "referrals", laCode: "821", geography: {type: "ward", code: "biscot"}, period: {type: "financial-year", label: "2012/13"}, figure: "numerator", value: 3, source: LSCB},
  // The warehouse holds 3 for this one: never shown as 4, never exempt.
  {indicator: "referrals", laCode: "821", geography: {type: "ward", code: "biscot"}, period: {type: "financial-year", label: "2013/14"}, figure: "numerator", value: 4, source: "A report with a misprint"}
]}));
const reference = new Reference({...DEFAULT_REFERENCE_PATHS, publishedFigures: figuresFile});

const series = (ward: string, from: string, to = from) => `/api/indicators/referrals/series?geography=ward&code=${ward}&from=${from}&to=${to}`;

/** GET on an app as a role; the body parsed. */
async function get(app: ReturnType<typeof testApp>, path: string, role: Role) {
  const res = await app.request(path, {headers: {"x-test-role": role}});
  expect(res.status, path).toBe(200);
  return {body: await res.json() as any, cache: res.headers.get("x-cache")};
}

describe("a policy per audience from the config", () => {
  const s = obaScratch("curve-policy-", {appStore: false});
  // The public audience: counts 1-9 hidden and every shown count rounded to 5; commissioners keep the defaults.
  let app: ReturnType<typeof testApp>;

  beforeAll(async () => {
    const fy12 = [...Array.from({length: 7}, () => ({ward: "biscot", referral_date: "2012-06-15"})), ...Array.from({length: 30}, () => ({ward: "dallow", referral_date: "2012-06-16"}))];
    s.extract("referrals", 2012, fy12.map((r) => row("referrals", r)));
    s.extract("referrals", 2013, Array.from({length: 23}, () => row("referrals", {ward: "biscot", referral_date: "2013-06-15"})));
    expect((await s.run()).status).toBe("published");
    app = testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir, reference, disclosure: resolvePolicies({roles: {viewer: {primaryMax: 9, roundTo: 5}}})});
  }, 300_000);
  afterAll(() => s.close());

  it("hides a count of 7 from a viewer with primaryMax 9 that a commissioner (default 5) sees", async () => {
    expect((await get(app, series("biscot", "2012/13"), "commissioner")).body.points[0]).toMatchObject({numerator: 7, value: 7});
    expect((await get(app, series("biscot", "2012/13"), "viewer")).body.points[0]).toMatchObject({numerator: "c", value: "c", flag: "c"});
    expect((await get(app, series("biscot", "2012/13"), "analyst")).body.points[0].numerator).toBe(7);
  });

  it("names the viewer's own range in the ward tables' method and the ward profile's warnings (1-9, not 1-5)", async () => {
    const targeting = (role: Role) => get(app, "/api/wards/targeting?indicators=referrals&period=2012/13&draws=100", role);
    expect((await targeting("viewer")).body.method.disclosure).toMatch(/^counts 1-9 are shown as c/);
    expect((await targeting("commissioner")).body.method.disclosure).toMatch(/^counts 1-5 are shown as c/);
    const warnings = JSON.stringify((await get(app, "/api/wards/biscot/profile", "viewer")).body);
    expect(warnings).toMatch(/years have a count of 1-9, or one hidden/);
    expect(warnings).not.toMatch(/count of 1-5/);
  });

  it("the cache never serves one audience's answer to another", async () => {
    const url = series("biscot", "2012/13") + "&period=financial-year";
    const first = await get(app, url, "commissioner");
    const viewer = await get(app, url, "viewer");
    expect(viewer.cache).toBe("miss");
    expect(viewer.body.points[0].numerator).toBe("c");
    const again = await get(app, url, "commissioner");
    expect(again.cache).toBe("hit");
    expect(again.body.points[0].numerator).toBe(7);
    expect(first.body.points[0].numerator).toBe(7);
    expect((await get(app, url, "viewer")).body.points[0].numerator).toBe("c");
  });

  it("gives the viewer a plan of its own: biscot's 7 cannot be worked out from the borough and dallow, although the commissioner's plan (made first) shows all three", async () => {
    const borough = "/api/indicators/referrals/series?from=2012/13&to=2012/13";
    const c = {borough: (await get(app, borough, "commissioner")).body.points[0].numerator, dallow: (await get(app, series("dallow", "2012/13"), "commissioner")).body.points[0].numerator};
    expect(c).toEqual({borough: 37, dallow: 30});
    const v = {borough: (await get(app, borough, "viewer")).body.points[0].numerator, dallow: (await get(app, series("dallow", "2012/13"), "viewer")).body.points[0].numerator};
    expect(v.borough === "c" || v.dallow === "c", JSON.stringify(v)).toBe(true);
  });

  it("rounds the viewer's shown counts to 5 and computes the value and its interval from the rounded count", async () => {
    const p = (await get(app, series("biscot", "2013/14"), "viewer")).body.points[0];
    const at25 = countInterval(25, {level: 0.95});
    expect(p).toMatchObject({numerator: 25, value: 25, lower95: at25.lower, upper95: at25.upper});
    expect((await get(app, series("biscot", "2013/14"), "commissioner")).body.points[0]).toMatchObject({numerator: 23, value: 23});
  });
});

describe("a rounding audience's baselines and drivers", () => {
  // biscot's referrals by year, 2009/10 to 2014/15: a viewer rounding to 5 is shown 25, 30, 25, 40, 40, 35.
  const YEARS = [[2009, 23], [2010, 31], [2011, 27], [2012, 42], [2013, 38], [2014, 33]] as const;
  const s = obaScratch("curve-policy-models-", {appStore: false});
  let app: ReturnType<typeof testApp>;

  beforeAll(async () => {
    // Police (source 5A) make 13 of each year's referrals, schools (source 6) the rest.
    for (const [fy, n] of YEARS) {
      s.extract("referrals", fy, Array.from({length: n}, (_, i) => row("referrals", {ward: "biscot", referral_date: `${fy}-06-15`, source: i < 13 ? "5A" : "6"})));
    }
    expect((await s.run()).message).toMatch(/6 loaded/);
    app = testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir, reference, disclosure: resolvePolicies({roles: {viewer: {roundTo: 5}}})});
  }, 300_000);
  afterAll(() => s.close());

  const baseline = "/api/indicators/referrals/baseline?geography=ward&code=biscot&period=financial-year&method=naive";

  it("fits the viewer's forecast and SPC to the rounded counts: a naive forecast repeats the shown 35, never the unrounded 33", async () => {
    const v = (await get(app, baseline, "viewer")).body;
    expect(v.history.map((p: any) => p.numerator)).toEqual([25, 30, 25, 40, 40, 35]);
    expect(v.forecast.points[0].mean).toBeCloseTo(35, 8);
    expect(v.spc.mean).toBeCloseTo((25 + 30 + 25 + 40 + 40 + 35) / 6, 10);
    const c = (await get(app, baseline, "commissioner")).body;
    expect(c.forecast.points[0].mean).toBeCloseTo(33, 8);
    expect(c.spc.mean).toBeCloseTo((23 + 31 + 27 + 42 + 38 + 33) / 6, 10);
  });

  it("decomposes the viewer's change between years from the rounded counts", async () => {
    const url = "/api/indicators/referrals/drivers?geography=ward&code=biscot&breakdown=source&from=2009/10&to=2010/11";
    // The schools' group: the one whose count changed (the police made 13 in both years).
    const group = (b: any, _g: string) => b.groups.find((r: any) => r.change !== 0);
    const v = (await get(app, url, "viewer")).body;
    // Schools: 10 then 18, shown as 10 and 20; the total 23 then 31, shown as 25 and 30.
    expect(v.to.numerator).toBe(30);
    expect(group(v, "2").to.numerator).toBe(20);
    expect(group(v, "2").change).toBe(10);
    expect(v.totalChange).toBe(5);
    const c = (await get(app, url, "commissioner")).body;
    expect(group(c, "2").change).toBe(8);
    expect(c.totalChange).toBe(8);
  });
});

describe("the council's published figures", () => {
  const s = obaScratch("curve-published-", {appStore: false});
  let app: ReturnType<typeof testApp>;
  // The app's cache, so that the plan read below is the one the app published from.
  const cache = new AppCache();
  const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);

  beforeAll(async () => {
    // biscot: 1 in June and 2 in September each year (3 a year); dallow: 15 and 15.
    for (const fy of [2012, 2013]) {
      const rs = [
        {ward: "biscot", referral_date: `${fy}-06-10`}, {ward: "biscot", referral_date: `${fy}-09-10`}, {ward: "biscot", referral_date: `${fy}-09-11`},
        ...Array.from({length: 15}, () => ({ward: "dallow", referral_date: `${fy}-06-12`})), ...Array.from({length: 15}, () => ({ward: "dallow", referral_date: `${fy}-09-12`}))
      ];
      s.extract("referrals", fy, rs.map((r) => row("referrals", r)));
    }
    expect((await s.run()).status).toBe("published");
    app = testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir, reference, cache, disclosure: resolvePolicies({roles: {viewer: {showPublished: false}}})});
  }, 300_000);
  afterAll(async () => {
    warn.mockRestore();
    await s.close();
  });

  it("shows a commissioner the 3 the council published for biscot in 2012/13, marked with its source; a viewer whose policy does not show published figures sees c", async () => {
    const p = (await get(app, series("biscot", "2012/13"), "commissioner")).body.points[0];
    expect(p).toMatchObject({numerator: 3, value: 3, published: {by: "council", sources: [LSCB]}});
    expect((await get(app, series("biscot", "2012/13"), "viewer")).body.points[0]).toMatchObject({numerator: "c", flag: "c"});
    expect((await get(app, series("biscot", "2012/13"), "viewer")).body.points[0].published).toBeUndefined();
  });

  it("keeps the months and quarters under the published figure hidden, and the plan's audit finds no hidden count recoverable", async () => {
    const months = (await get(app, series("biscot", "2012-04", "2013-03") + "&period=month", "commissioner")).body.points;
    expect(months.filter((p: any) => p.numerator !== 0).map((p: any) => [p.period, p.numerator])).toEqual([["2012-06", "c"], ["2012-09", "c"]]);
    const quarters = (await get(app, series("biscot", "2012/13 Q1", "2012/13 Q4") + "&period=quarter", "commissioner")).body.points;
    expect(quarters.map((p: any) => p.numerator)).toEqual(["c", "c", 0, 0]);
    const ind = reference.catalogue.byId.get("referrals")!;
    const plan = await lattice(new CachedReader(s.warehouse, cache, reference), numeratorDefinition(ind, "821"), undefined, SUPPRESSED_DEFAULT);
    expect(plan.stats.unprotected).toEqual([]);
    expect([...plan.published.values()]).toEqual([[LSCB]]);
  });

  it("does not exempt a published figure that differs from the warehouse: c, never the printed number, and a warning naming the entry", async () => {
    const p = (await get(app, series("biscot", "2013/14"), "commissioner")).body.points[0];
    expect(p.numerator).toBe("c");
    expect(p.published).toBeUndefined();
    const messages = warn.mock.calls.map((c) => String(c[0]));
    expect(messages.some((m) => m.includes("referrals numerator ward biscot LA 821 2013/14 = 4") && m.includes("differs from the warehouse"))).toBe(true);
  });
});

describe("the disclosure section of data/config.json", () => {
  const withDisclosure = (disclosure: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), "curve-config-")), "config.json");
    writeFileSync(path, JSON.stringify({...JSON.parse(readFileSync("data/config.json", "utf8")), disclosure}));
    return path;
  };

  it("refuses an invalid policy at start with the field named", () => {
    expect(() => loadConfig(withDisclosure({roles: {viewer: {primaryMax: 0}}}))).toThrow(/field disclosure\.roles\.viewer\.primaryMax/);
    expect(() => loadConfig(withDisclosure({roles: {viewer: {roundTo: "five"}}}))).toThrow(/field disclosure\.roles\.viewer\.roundTo/);
    expect(() => loadConfig(withDisclosure({roles: {viewer: {threshold: 9}}}))).toThrow(/field disclosure\.roles\.viewer/);
    expect(() => loadConfig(withDisclosure({roles: {analyst: {primaryMax: 9}}}))).toThrow(/field disclosure\.roles.*analysts and admins see unsuppressed/);
  });

  it("takes a valid one, and a role not named keeps the defaults", () => {
    const config = loadConfig(withDisclosure({roles: {viewer: {primaryMax: 9, roundTo: 5}}}));
    const policies = resolvePolicies(config.disclosure);
    expect(policies.viewer).toEqual({disclosure: "suppressed", primaryMax: 9, roundTo: 5, showPublished: true});
    expect(policies.commissioner).toEqual(SUPPRESSED_DEFAULT);
    expect(policies.analyst.disclosure).toBe("full");
    expect(resolvePolicies(undefined).viewer).toEqual(SUPPRESSED_DEFAULT);
  });
});
