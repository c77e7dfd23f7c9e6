import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {testApp} from "../helpers/app.js";
import {Warehouse} from "../../api/warehouse.js";
import {referral, REFERRAL_HEADER, scratch} from "../helpers/warehouse.js";

const s = scratch();
const warehouse = new Warehouse(s.warehouseDir);
const app = testApp({warehouse, warehouseDir: s.warehouseDir});

beforeAll(async () => {
  s.put("referrals_821_2012-13.csv", [REFERRAL_HEADER, referral(1), referral(2, {ward: "atlantis"})].join("\n") + "\n");
});
afterAll(() => warehouse.close_());

describe("platform API", () => {
  it("answers 503 with a JSON error before anything is published", async () => {
    const res = await app.request("/api/health");
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("warehouse-unavailable");
  });

  it("reports the warehouse version, when it was published and row counts", async () => {
    await s.run();
    const res = await app.request("/api/health");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.warehouse).toMatchObject({version: 1, row_counts: {referrals: 1}, quarantined: 1});
    expect(Date.parse(body.warehouse.published_at)).not.toBeNaN();
  });

  it("lists pipeline runs with per-extract file, sha256 and row counts", async () => {
    const body = await (await app.request("/api/pipeline/runs")).json();
    expect(body.runs[0]).toMatchObject({status: "published", version: 1});
    expect(body.runs[0].extracts[0]).toMatchObject({file: "referrals_821_2012-13.csv", type: "referrals", rows_in: 2, rows_loaded: 1, rows_quarantined: 1});
    expect(body.runs[0].extracts[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("lists quarantined rows with reasons and never a child key", async () => {
    const res = await app.request(`/api/pipeline/quarantine`);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.rows[0]).toMatchObject({rule: "unknown-ward", field: "ward", source_row: 2});
    expect(text).not.toMatch(/child_key/);
    expect(text).not.toMatch(/abc0000000000002/);
  });

  it("gives quarantine as CSV on request", async () => {
    const res = await app.request(`/api/pipeline/quarantine?format=csv`);
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await res.text()).split("\n")[0]).toContain("rule");
  });

  it("rejects a malformed run id with a clear 400", async () => {
    const res = await app.request(`/api/pipeline/quarantine?run=nope`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("invalid-request");
    expect(body.error.message).toMatch(/run: expected a run id/);
  });

  it("describes its routes in an OpenAPI document", async () => {
    const doc = await (await app.request("/api/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/health", "/api/pipeline/runs", "/api/pipeline/quarantine"]));
  });

  it("refuses unknown API routes (default deny) with a JSON error", async () => {
    const res = await app.request(`/api/nope`);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({code: "forbidden", message: "no access rule allows GET /api/nope"});
  });
});
