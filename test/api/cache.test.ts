import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {lutonWorld, obaScratch, rows} from "../helpers/oba.js";

/** api/cache.ts: a cached answer is served only while the data it was computed from are unchanged. */

describe("response cache", () => {
  const s = obaScratch("curve-cache-");
  beforeAll(async () => {
    lutonWorld(s);
    expect((await s.run()).status).toBe("published");
  }, 120_000);
  afterAll(() => s.close());

  const SERIES = "/api/indicators/cp-rate/series?geography=target-wards";

  it("answers a repeated request from the cache with the same body", async () => {
    const first = await s.get(SERIES);
    const second = await s.get(SERIES);
    expect(first.headers.get("x-cache")).toBe("miss");
    expect(second.headers.get("x-cache")).toBe("hit");
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("computes a burst of identical requests once and shares the answer", async () => {
    const url = "/api/indicators/cla-rate/series?geography=borough&period=quarter";
    const burst = await Promise.all(Array.from({length: 6}, () => s.get(url)));
    const how = burst.map((r) => r.headers.get("x-cache"));
    expect(how.filter((h) => h === "miss")).toHaveLength(1);
    expect(how.filter((h) => h === "shared" || h === "hit")).toHaveLength(5);
    for (const r of burst) expect(r.body).toEqual(burst[0].body);
  });

  it("never serves one role's answer to another, since disclosure control depends on the role", async () => {
    await s.get("/api/indicators/referrals/series?geography=ward&code=biscot");
    const analyst = await s.get("/api/indicators/referrals/series?geography=ward&code=biscot", "analyst");
    expect(analyst.headers.get("x-cache")).toBe("miss");
  });

  it("keeps CSV asked for by the Accept header apart from JSON at the same address", async () => {
    await s.get(SERIES);
    const res = await s.app.request(SERIES, {headers: {accept: "text/csv"}});
    expect(res.headers.get("content-type")).toContain("text/csv");
  });

  it("recomputes after a write to the app store, so a new target shows at once", async () => {
    const before = await s.get("/api/targets?indicator=cp-rate&geography=target-wards");
    expect(before.headers.get("x-cache")).toBe("miss");
    const saved = await s.send("POST", "/api/targets", {indicator: "cp-rate", geography: "target-wards", period: "2016/17", value: 40, author: "cache test"});
    expect(saved.status).toBe(201);
    const after = await s.get("/api/targets?indicator=cp-rate&geography=target-wards");
    expect(after.headers.get("x-cache")).toBe("miss");
    expect(JSON.stringify(after.body)).toContain("cache test");
  });

  it("recomputes after a new warehouse version is published", async () => {
    // As an analyst: the fixture's ward-months are all 1, so a suppressed role sees the year as c
    // (with it shown, every hidden ward-month would be known to be 1: issue 13, item 7).
    const url = "/api/indicators/referrals/series?from=2015/16&to=2015/16";
    const before = await s.get(url, "analyst");
    expect((await s.get(url, "analyst")).headers.get("x-cache")).toBe("hit");
    // A corrected 2015-16 referrals extract with 40 more referrals.
    s.extract("referrals", 2015, rows("referrals", 140, (i) => ({ward: "biscot", referral_date: `2015-0${4 + (i % 6)}-1${i % 10}`})));
    expect((await s.run()).status).toBe("published");
    const after = await s.get(url, "analyst");
    expect(after.headers.get("x-cache")).toBe("miss");
    expect(after.body.points[0].numerator).toBe(140);
    expect(before.body.points[0].numerator).toBe(100);
  });

  it("does not cache pipeline runs or health, which change without a new version", async () => {
    await s.get("/api/pipeline/runs", "analyst");
    expect((await s.get("/api/pipeline/runs", "analyst")).headers.get("x-cache")).toBeNull();
    expect((await s.get("/api/health")).headers.get("x-cache")).toBeNull();
  });
});
