import {copyFileSync, existsSync, readdirSync, rmSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, beforeEach, describe, expect, it} from "vitest";
import {AppCache, CachedReader} from "../../api/appcache.js";
import {DEFAULT_POLICIES} from "../../api/oba/policy.js";
import {hasPlans, PlanWarm, policiesToWarm, warmPlans} from "../../api/plans-warm.js";
import {Reference} from "../../api/reference.js";
import {Warehouse} from "../../api/warehouse.js";
import {planDirOf, POINTER} from "../../pipelines/warehouse/store.js";
import {testApp} from "../helpers/app.js";
import {obaScratch, row, smallCountsWorld} from "../helpers/oba.js";

/** Every plan kept for a version, with the time it was written: a plan solved by a request adds or rewrites one. */
function keptPlans(warehouseDir: string, version: number): Record<string, number> {
  const dir = planDirOf(warehouseDir, version);
  return existsSync(dir) ? Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => [f, statSync(join(dir, f)).mtimeMs])) : {};
}

/**
 * The warm run (api/plans-warm.ts) solves a new version's first-asked disclosure plans outside the
 * API, so the first series request after a run reads every plan it needs from disk and solves none.
 */
describe("disclosure plans warmed before the first request", () => {
  const s = obaScratch("curve-plans-warm-", {appStore: false});
  const reference = new Reference();
  const kept = () => keptPlans(s.warehouseDir, 1);
  // The API as a process started after the run: an empty memory cache.
  // Referrals and the referral rate count the same definition: each indicator's first request is covered.
  const firstSeries = async (id = "referrals") => {
    const res = await testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir}, "viewer")
      .request(`/api/indicators/${id}/series?period=financial-year&from=2012/13&to=2013/14`);
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };

  beforeAll(() => smallCountsWorld(s), 300_000);
  beforeEach(() => rmSync(join(s.warehouseDir, "plans"), {recursive: true, force: true}));
  afterAll(() => s.close());

  it("without the warm run, the first series request solves its plans (and keeps them)", async () => {
    expect(hasPlans(s.warehouseDir)).toBe(false);
    await firstSeries();
    expect(Object.keys(kept()).length).toBeGreaterThan(0);
  });

  it("after the warm run, the first series request solves no plan: every one it needs is already on disk", async () => {
    const reader = new CachedReader(s.warehouse, new AppCache(), reference);
    const warmed = await warmPlans(reader, policiesToWarm(DEFAULT_POLICIES));
    expect(warmed).toMatchObject({version: 1, superseded: false});
    expect(warmed.plans).toBeGreaterThan(0);
    expect(hasPlans(s.warehouseDir)).toBe(true);
    const before = kept();
    const body = await firstSeries();
    await firstSeries("referral-rate");
    expect(kept()).toEqual(before);
    // The same answer as a request that solved its own plans.
    rmSync(join(s.warehouseDir, "plans"), {recursive: true, force: true});
    expect(await firstSeries()).toEqual(body);
  });

  it("stops, keeping nothing, when a newer version is published while it warms", async () => {
    const pointer = join(s.warehouseDir, POINTER);
    // A reader whose first query is answered just after a run publishes version 2.
    class Publishing extends CachedReader {
      override async query<T>(...args: Parameters<CachedReader["query"]>): Promise<T[]> {
        if (!existsSync(join(s.warehouseDir, "v000002.duckdb"))) {
          copyFileSync(join(s.warehouseDir, "v000001.duckdb"), join(s.warehouseDir, "v000002.duckdb"));
          writeFileSync(pointer, "v000002.duckdb\n");
        }
        return super.query<T>(...args);
      }
    }
    try {
      const warmed = await warmPlans(new Publishing(s.warehouse, new AppCache(), reference), policiesToWarm(DEFAULT_POLICIES));
      expect(warmed).toMatchObject({version: 1, plans: 0, superseded: true});
      expect(kept()).toEqual({});
    } finally {
      writeFileSync(pointer, "v000001.duckdb\n");
      rmSync(join(s.warehouseDir, "v000002.duckdb"), {force: true});
    }
  });

  it("warms one plan set per plan-distinct policy: a role with another threshold adds one, rounding does not", () => {
    expect(policiesToWarm(DEFAULT_POLICIES)).toHaveLength(1);
    const viewer = {...DEFAULT_POLICIES.viewer, primaryMax: 9};
    expect(policiesToWarm({...DEFAULT_POLICIES, viewer, provider: {...DEFAULT_POLICIES.provider, roundTo: 5}})).toHaveLength(2);
  });
});

/**
 * A run published by hand (`npm run pipeline`) while the API runs: the API hears of the new version
 * when a request first meets it (Warehouse's onVersion) and warms it in the same child as after its
 * own schedule's runs.
 */
describe("a version published while the API runs is warmed when a request first meets it", () => {
  const s = obaScratch("curve-plans-warm-hand-", {appStore: false});
  const logged: Record<string, unknown>[] = [];
  const warm = new PlanWarm(s.warehouseDir, (e) => logged.push(e));
  const warehouse = new Warehouse(s.warehouseDir, {onVersion: (v) => warm.notice(v)});
  const app = testApp({warehouse, warehouseDir: s.warehouseDir}, "viewer");
  const first = async (id: string) => (await app.request(`/api/indicators/${id}/series?period=financial-year&from=2012/13&to=2013/14`)).status;
  const kept = (version: number) => keptPlans(s.warehouseDir, version);
  const was = process.env.CURVE_PLAN_WARM;

  beforeAll(() => smallCountsWorld(s), 300_000);
  afterAll(async () => {
    await warm.idle();
    if (was === undefined) delete process.env.CURVE_PLAN_WARM;
    else process.env.CURVE_PLAN_WARM = was;
    warehouse.close_();
    await s.close();
  });

  it("a request on version 2 starts the warm run, which keeps plans no request asked for", async () => {
    expect(await first("referrals")).toBe(200); // the app has met version 1, which has no plans yet…
    expect(warm.busy).toBe(false); // …but CURVE_PLAN_WARM=off (as the suite sets it) starts no warm run
    delete process.env.CURVE_PLAN_WARM;
    // The pipeline publishes version 2 by hand while the app runs.
    s.extract("referrals", 2014, [row("referrals", {ward: "dallow", referral_date: "2014-06-10"})]);
    expect((await s.run()).status).toBe("published");
    expect(hasPlans(s.warehouseDir, 2)).toBe(false);
    expect(await first("referrals")).toBe(200);
    await warm.idle();
    expect(logged).toEqual([]);
    const warmed = kept(2);
    expect(Object.keys(warmed).length).toBeGreaterThan(0);
    // Re-referrals count a definition the referrals series never asked for: its plan is already kept.
    expect(await first("re-referrals")).toBe(200);
    expect(kept(2)).toEqual(warmed);
  }, 300_000);

  it("warms a version published by hand before any request meets it, by looking at CURRENT", async () => {
    delete process.env.CURVE_PLAN_WARM;
    const stop = warm.watch(100);
    try {
      s.extract("referrals", 2015, [row("referrals", {ward: "dallow", referral_date: "2015-06-10"})]);
      expect((await s.run()).status).toBe("published");
      // No request: only the watch can hear of version 3.
      for (const until = Date.now() + 10_000; !warm.busy && !hasPlans(s.warehouseDir, 3) && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
      await warm.idle();
    } finally {
      stop();
    }
    expect(logged).toEqual([]);
    expect(Object.keys(kept(3)).length).toBeGreaterThan(0);
  }, 300_000);
});
