import {spawnSync} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, afterEach, beforeAll, describe, expect, it} from "vitest";
import {AppCache, CachedReader} from "../../api/appcache.js";
import {lattice, numeratorDefinition, type Lattice} from "../../api/oba/disclosure.js";
import {SUPPRESSED_DEFAULT} from "../../api/oba/policy.js";
import {Reference} from "../../api/reference.js";
import {planDirOf, sweep} from "../../pipelines/warehouse/store.js";
import {testApp} from "../helpers/app.js";
import {obaScratch, smallCountsWorld} from "../helpers/oba.js";

/**
 * Disclosure plans kept on disk beside their warehouse version (api/plan-store.ts): a process
 * that did not solve a plan reads the same plan back; indicators sharing a count definition share its
 * plan; a damaged file is solved again; another
 * policy is another plan; a plan another process is solving is waited for; the plans go with their
 * version when it is swept.
 */
describe("disclosure plans kept beside the warehouse version", () => {
  const s = obaScratch("curve-plan-store-", {appStore: false});
  const reference = new Reference();
  const ind = reference.catalogue.byId.get("referrals")!;
  // A reader with an empty cache: what a new process (another test worker, a restarted API) starts with.
  let db: CachedReader;
  const newProcess = () => (db = new CachedReader(s.warehouse, new AppCache(), reference));
  newProcess();
  const def = numeratorDefinition(ind, "821");
  const plansDir = () => planDirOf(s.warehouseDir, 1);
  const files = () => (existsSync(plansDir()) ? readdirSync(plansDir()).filter((f) => f.endsWith(".json")) : []);
  // A plan as a reader sees it (the sets and maps as sorted lists), and its time to solve.
  const shape = (l: Lattice) => ({...l, geo: {...l.geo, canonical: [...l.geo.canonical].sort(), cellsOfLeaf: [...l.geo.cellsOfLeaf].sort()},
    hidden: [...l.hidden].sort(), published: [...l.published].sort()});

  beforeAll(() => smallCountsWorld(s), 300_000);
  afterEach(() => {
    delete process.env.CURVE_PLAN_STORE;
    newProcess();
  });
  afterAll(() => s.close());

  it("solves a plan once per version: with the memory cache gone, the plan read from disk is the plan solved", async () => {
    const solved = await lattice(db, def, undefined, SUPPRESSED_DEFAULT);
    expect(solved.hidden.size).toBeGreaterThan(0);
    expect(files()).toHaveLength(1);
    newProcess();
    const read = await lattice(db, def, undefined, SUPPRESSED_DEFAULT);
    expect(read).not.toBe(solved);
    // Its time to solve is the solving run's: this one read it.
    expect(shape(read)).toEqual(shape(solved));
  });

  it("keeps one plan per definition, whichever indicator asks: the referral rate reads the plan the referrals series kept", async () => {
    // Each request is a new app (a new process's empty memory cache); both publish the referrals definition.
    const first = async (id: string) => (await testApp({warehouse: s.warehouse, warehouseDir: s.warehouseDir}, "viewer")
      .request(`/api/indicators/${id}/series?period=financial-year&from=2012/13&to=2013/14`)).status;
    expect(await first("referrals")).toBe(200);
    const kept = Object.fromEntries(files().map((f) => [f, statSync(join(plansDir(), f)).mtimeMs]));
    expect(Object.keys(kept).length).toBeGreaterThan(0);
    expect(await first("referral-rate")).toBe(200);
    expect(Object.fromEntries(files().map((f) => [f, statSync(join(plansDir(), f)).mtimeMs]))).toEqual(kept);
  });

  it("keeps a plan per policy, and a breakdown's plan beside its totals' plan", async () => {
    const before = files().length;
    await lattice(db, def, undefined, {...SUPPRESSED_DEFAULT, primaryMax: 9});
    expect(files()).toHaveLength(before + 1);
    const bySource = await lattice(db, def, ind.breakdowns.source, SUPPRESSED_DEFAULT);
    expect(files().length).toBeGreaterThan(before + 1);
    newProcess();
    expect(shape(await lattice(db, def, ind.breakdowns.source, SUPPRESSED_DEFAULT))).toEqual(shape(bySource));
  });

  it("solves again when the kept plan is damaged (and keeps the new one), or when the store is off", async () => {
    const solved = await lattice(db, def, undefined, SUPPRESSED_DEFAULT);
    newProcess();
    for (const f of files()) writeFileSync(join(plansDir(), f), "{\"key\": ");
    const again = await lattice(db, def, undefined, SUPPRESSED_DEFAULT);
    expect(shape({...again, stats: {...again.stats, millis: 0}})).toEqual(shape({...solved, stats: {...solved.stats, millis: 0}}));
    const whole = (f: string) => {
      try {
        return Boolean(JSON.parse(readFileSync(join(plansDir(), f), "utf8")));
      } catch {
        return false;
      }
    };
    expect(files().filter(whole)).toHaveLength(1); // the plan solved again was kept again

    process.env.CURVE_PLAN_STORE = "off";
    newProcess();
    const count = files().length;
    await lattice(db, def, undefined, {...SUPPRESSED_DEFAULT, primaryMax: 3});
    expect(files()).toHaveLength(count);
  });

  it("waits for a plan another live process is solving, and takes over the lock of one that is gone", async () => {
    const policy = {...SUPPRESSED_DEFAULT, primaryMax: 4};
    const before = new Set(files());
    const solved = await lattice(db, def, undefined, policy);
    const file = join(plansDir(), files().find((f) => !before.has(f))!);
    const kept = readFileSync(file, "utf8");
    rmSync(file);
    newProcess();
    writeFileSync(`${file}.lock`, String(process.ppid)); // a live process (this worker's parent) is solving it
    let settled = false;
    const waiting = lattice(db, def, undefined, policy).then((l) => ((settled = true), l));
    await new Promise((r) => setTimeout(r, 1000));
    expect(settled).toBe(false);
    writeFileSync(file, kept);
    rmSync(`${file}.lock`);
    expect(shape(await waiting)).toEqual(shape(solved));

    rmSync(file);
    newProcess();
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    writeFileSync(`${file}.lock`, String(gone));
    const again = await lattice(db, def, undefined, policy);
    expect(again.hidden).toEqual(solved.hidden);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(file)).toBe(true);
  });

  it("sweeps a version's plans with the version", () => {
    const gone = join(s.warehouseDir, "plans", "v000007");
    mkdirSync(gone, {recursive: true});
    writeFileSync(join(gone, "x.json"), "{}");
    expect(sweep({dir: s.warehouseDir})).toContain("plans/v000007");
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(plansDir())).toBe(true); // the current version keeps its plans
  });
});
