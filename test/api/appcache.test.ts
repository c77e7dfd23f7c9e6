import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {AppCache} from "../../api/appcache.js";
import {DEFAULT_REFERENCE_PATHS, Reference} from "../../api/reference.js";
import {testApp} from "../helpers/app.js";
import {obaScratch, rows} from "../helpers/oba.js";

/**
 * The app's cache (api/appcache.ts): what one app keeps for a warehouse version is its own, and a new
 * version is read afresh.
 */

const a = obaScratch("curve-appcache-a-");
const b = obaScratch("curve-appcache-b-");
const referrals = (fy: number, n: number) => rows("referrals", n, (i) => ({child_key: fy * 1000 + i, referral_date: `${fy}-07-01`}));

beforeAll(async () => {
  // Both warehouses publish version 1, with different years: a shared cache keyed by version would
  // give one warehouse's load register (and so its periods) to the other.
  a.extract("referrals", 2012, referrals(2012, 10));
  b.extract("referrals", 2013, referrals(2013, 20));
  expect((await a.run()).status).toBe("published");
  expect((await b.run()).status).toBe("published");
});
afterAll(async () => {
  await a.close();
  await b.close();
});

const SERIES = "/api/indicators/referrals/series?geography=borough&period=financial-year";
const totals = async (app: ReturnType<typeof testApp>) => {
  const res = await app.request(SERIES);
  expect(res.status).toBe(200);
  return ((await res.json()) as {points: {period: string; numerator: unknown}[]}).points.map((t) => [t.period, t.numerator]);
};

describe("the app cache", () => {
  it("belongs to one app: two apps over different warehouses at the same version answer from their own data", async () => {
    const cacheA = new AppCache();
    const cacheB = new AppCache();
    const appA = testApp({warehouse: a.warehouse, warehouseDir: a.warehouseDir, cache: cacheA, cacheResponses: false});
    const appB = testApp({warehouse: b.warehouse, warehouseDir: b.warehouseDir, cache: cacheB, cacheResponses: false});
    expect(await totals(appA)).toEqual([["2012/13", 10]]);
    expect(await totals(appB)).toEqual([["2013/14", 20]]);
    // Asked again, each answers from its own entries.
    expect(await totals(appA)).toEqual([["2012/13", 10]]);
    expect(await totals(appB)).toEqual([["2013/14", 20]]);
    expect(cacheA.size).toBeGreaterThan(0);
    expect(cacheB.size).toBeGreaterThan(0);
    expect([cacheA.version, cacheB.version]).toEqual([1, 1]);
  });

  it("is dropped when a new warehouse version is published: the next answer reads the new data", async () => {
    const cache = new AppCache();
    const app = testApp({warehouse: a.warehouse, warehouseDir: a.warehouseDir, cache, cacheResponses: false});
    expect(await totals(app)).toEqual([["2012/13", 10]]);
    a.extract("referrals", 2013, referrals(2013, 7));
    expect((await a.run()).status).toBe("published");
    expect(await totals(app)).toEqual([["2012/13", 10], ["2013/14", 7]]);
    expect(cache.version).toBe(2);
  });

  it("keeps nothing from a version older than the one it holds, and no failure", async () => {
    const cache = new AppCache();
    await cache.remember(3, "k", async () => "three");
    expect(await cache.remember(2, "k", async () => "two")).toBe("two");
    expect(await cache.remember(3, "k", async () => "again")).toBe("three");
    await expect(cache.remember(3, "bad", async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await cache.remember(3, "bad", async () => "ok")).toBe("ok");
    await expect(cache.remember(4, "k", async () => "four")).resolves.toBe("four");
    expect(cache.size).toBe(1);
  });

  it("keeps disclosure plans per version too, at most its limit of them, the oldest dropped first", async () => {
    const cache = new AppCache(2);
    let made = 0;
    const plan = (v: number, k: string) => cache.rememberPlan(v, k, async () => `${k}#${++made}`);
    expect(await plan(1, "a")).toBe("a#1");
    expect(await plan(1, "b")).toBe("b#2");
    expect(await plan(1, "a")).toBe("a#1");
    expect(await plan(1, "c")).toBe("c#3");
    expect(await plan(1, "a")).toBe("a#4"); // over the limit: the oldest plan went
    expect(await plan(1, "c")).toBe("c#3");
    expect(await plan(2, "c")).toBe("c#5"); // a new version: every plan of the old one went
  });

  it("is given its reference files by the app: routes answer from the app's Reference, not from a file of their own", async () => {
    const catalogue = JSON.parse(readFileSync(DEFAULT_REFERENCE_PATHS.indicators, "utf8"));
    catalogue.indicators.find((i: {id: string}) => i.id === "referrals").name = "Contacts accepted as referrals (this app's catalogue)";
    const reference = new Reference({...DEFAULT_REFERENCE_PATHS, indicators: "in-memory/indicators.json"}, {
      read: (path) => (path === "in-memory/indicators.json" ? JSON.stringify(catalogue) : readFileSync(path, "utf8")),
      exists: () => true
    });
    const mine = testApp({warehouse: a.warehouse, warehouseDir: a.warehouseDir, reference, cacheResponses: false});
    const theirs = testApp({warehouse: a.warehouse, warehouseDir: a.warehouseDir, cacheResponses: false});
    const name = async (app: ReturnType<typeof testApp>, path: string) => ((await (await app.request(path)).json()) as {indicator?: {name: string}; name?: string});
    expect((await name(mine, "/api/indicators/referrals")).name).toBe("Contacts accepted as referrals (this app's catalogue)");
    expect((await name(mine, SERIES)).indicator!.name).toBe("Contacts accepted as referrals (this app's catalogue)");
    expect((await name(theirs, "/api/indicators/referrals")).name).not.toBe("Contacts accepted as referrals (this app's catalogue)");
  });
});

describe("the app's computations", () => {
  it("runs a simulation once per inputs and keeps only the most recently used when the seeds keep changing", async () => {
    const {Computations} = await import("../../api/appcache.js");
    const sims = new Computations(2);
    let runs = 0;
    const sim = (seed: number) => sims.of("ranks", [{id: "a", count: 3}, {seed}], () => ({seed, run: ++runs}));
    expect(sim(1)).toEqual({seed: 1, run: 1});
    expect(sim(1)).toEqual({seed: 1, run: 1});
    expect(sim(2)).toEqual({seed: 2, run: 2});
    // Seed 1 is used again, so seed 2 is the least recently used when seed 3 arrives.
    expect(sim(1).run).toBe(1);
    expect(sim(3).run).toBe(3);
    expect(sims.size).toBe(2);
    expect(sim(1).run).toBe(1);
    expect(sim(2).run).toBe(4);
    // Other inputs under the same name are another simulation.
    expect(sims.of("ranks", [{id: "a", count: 4}, {seed: 1}], () => "other")).toBe("other");
  });
});
