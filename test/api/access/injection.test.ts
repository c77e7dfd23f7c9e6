import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {Warehouse} from "../../../api/warehouse.js";
import {testApp} from "../../helpers/app.js";
import {referralsCsv, scratch} from "../../helpers/warehouse.js";

/**
 * Every string parameter of every GET route in the OpenAPI document, fed SQL-injection and path
 * payloads: each is rejected (4xx) or harmless (2xx with no SQL echoed), never a 500, never an
 * error that leaks SQL or a stack, and the warehouse is unchanged afterwards.
 */
const PAYLOADS = ["' OR '1'='1", "x'; DROP TABLE referrals; --", "\" OR 1=1 --", "../../etc/passwd", "1) UNION SELECT child_key FROM referrals --", "%27%3B"];
const s = scratch("curve-injection-");
const warehouse = new Warehouse(s.warehouseDir);

beforeAll(async () => {
  s.put("referrals_821_2012-13.csv", referralsCsv(12));
  await s.run();
});
afterAll(() => warehouse.close_());

describe("injection through every string parameter", () => {
  it("is rejected or harmless everywhere", async () => {
    const app = testApp({warehouse, warehouseDir: s.warehouseDir}, "admin");
    const doc = await (await app.request("/api/openapi.json")).json();
    let tried = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, {parameters: {name: string; in: string; schema: {type?: string}}[]}>>)) {
      const get = ops.get;
      if (!get) continue;
      for (const param of get.parameters) {
        for (const payload of PAYLOADS) {
          let url = path.replace(/\{(\w+)\}/g, (_, name) => (name === param.name && param.in === "path" ? encodeURIComponent(payload) : "sample"));
          if (param.in === "query") url += `?${param.name}=${encodeURIComponent(payload)}`;
          const res = await app.request(url);
          const text = await res.text();
          tried++;
          expect(res.status, `${url}`).toBeLessThan(500);
          expect(text, url).not.toMatch(/Parser Error|Binder Error|Catalog Error|syntax error|at .*\.ts:\d+/i);
          expect(text, url).not.toMatch(/abc0{8,}/); // no child key ever comes back
        }
      }
    }
    expect(tried).toBeGreaterThan(10);
    const [{n}] = await warehouse.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM referrals`);
    expect(n).toBe(12);
  });
});
