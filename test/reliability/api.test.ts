import {mkdtempSync, readdirSync, statSync, writeFileSync} from "node:fs";
import {request as httpRequest} from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {monitorEventLoopDelay} from "node:perf_hooks";
import autocannon from "autocannon";
import {serve, type ServerType} from "@hono/node-server";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {AuditLog} from "../../api/auth/audit.js";
import {buildAccessControl} from "../../api/auth/setup.js";
import {TokenStore} from "../../api/auth/tokens.js";
import {createServer} from "../../api/server.js";
import {Warehouse} from "../../api/warehouse.js";
import {referralsCsv, scratch} from "../helpers/warehouse.js";

/**
 * Drills against a real server on loopback, built from a config file exactly as `npm start` builds it
 * (buildAccessControl): floods, proxy headers, a large audit trail, the headers every answer carries.
 * Bounded for CI: a few MB of files, at most 50 connections, a few seconds per drill.
 */
const s = scratch("curve-reliability-api-");
const warehouse = new Warehouse(s.warehouseDir);
const dir = mkdtempSync(join(tmpdir(), "curve-reliability-auth-"));
const auditDir = join(dir, "audit");
let server: ServerType;
let audit: AuditLog;
let base = "";
let adminToken = "";

beforeAll(async () => {
  s.put("referrals_821_2012-13.csv", referralsCsv(12));
  await s.run();
  const configPath = join(dir, "config.json");
  writeFileSync(configPath, JSON.stringify({auth: {
    tokens: {enabled: true, store: join(dir, "tokens.json")}, oidc: null, localRole: "commissioner",
    rateLimit: {requestsPerMinute: 6000}, audit: {dir: auditDir, retentionDays: 30, maxFileMB: 8}
  }}));
  adminToken = new TokenStore(join(dir, "tokens.json")).create({name: "drill", role: "admin"}).token;
  const {control} = buildAccessControl(configPath);
  audit = control.audit;
  const dashboards = mkdtempSync(join(tmpdir(), "curve-reliability-dist-"));
  writeFileSync(join(dashboards, "index.html"), "<!doctype html><title>Curve</title>");
  const app = createServer({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access: control}, {dashboardsDir: dashboards});
  await new Promise<void>((resolve) => {
    server = serve({fetch: app.fetch, port: 0, hostname: "127.0.0.1"}, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await warehouse.close_();
});

/** A raw HTTP request, so headers can be sent exactly (present and empty). */
function get(path: string, headers: Record<string, string> = {}): Promise<{status: number; headers: Record<string, string | string[] | undefined>; body: string}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, {headers, agent: false}, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}));
    });
    req.on("error", reject);
    req.end();
  });
}

const auditBytes = () => readdirSync(auditDir).reduce((n, f) => n + statSync(join(auditDir, f)).size, 0);

describe("proxy headers never reach the local role", () => {
  const headers = ["X-Forwarded-For", "Forwarded", "X-Real-IP", "Via", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP", "X-Forwarded-Host"];

  it("gives the local role to a loopback request with no proxy header", async () => {
    expect((await get("/api/health")).status).toBe(200);
  });

  it.each(headers)("treats %s, empty or not, as a proxied request: 401 without a token", async (h) => {
    for (const value of ["", "203.0.113.7"]) {
      const res = await get("/api/providers", {[h]: value});
      expect({h, value, status: res.status}).toEqual({h, value, status: 401});
    }
  });
});

describe("headers on every answer", () => {
  it("sends the dashboards' security headers on paths that merely start with /api (/apix)", async () => {
    for (const path of ["/apix", "/apix/health", "/api-docs", "/apiary"]) {
      const res = await get(path);
      expect({path, csp: res.headers["content-security-policy"]}).toMatchObject({path, csp: expect.stringContaining("frame-ancestors 'none'")});
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    }
  });

  it("marks API answers private and not to be stored, since they depend on who asked", async () => {
    for (const [path, headers] of [["/api/indicators", {}], ["/api/health", {}], ["/api/audit?limit=1", {authorization: `Bearer ${adminToken}`}], ["/api/audit", {authorization: "Bearer nope"}]] as const) {
      const res = await get(path, headers);
      expect({path, cacheControl: res.headers["cache-control"]}).toEqual({path, cacheControl: "private, no-store"});
    }
  });
});

describe("an unauthenticated flood", () => {
  it("is turned away by client before authentication, and writes kilobytes of audit, not megabytes", async () => {
    const before = auditBytes();
    const seconds = Number(process.env.CURVE_FLOOD_SECONDS ?? 3);
    const junk = "=".repeat(2000);
    const result = await autocannon({
      url: `${base}/api/indicators?a=${junk}&b=${junk}&access_token=curve_0123abcd_${"S".repeat(43)}`,
      connections: 50, duration: seconds, headers: {authorization: "Bearer curve_0123abcd_" + "S".repeat(43), "x-forwarded-for": "198.51.100.1"}
    });
    const written = auditBytes() - before;
    console.log(JSON.stringify({latency: result.latency.average, max: result.latency.max, errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statusCodeStats: result.statusCodeStats}));
    console.log(`flood: ${result.requests.total} requests in ${seconds}s wrote ${(written / 1e6).toFixed(3)} MB of audit (${((written / 1e6) * 10 / seconds).toFixed(3)} MB per 10 s); statuses 401 ${result["4xx"]}, other ${result.non2xx - result["4xx"]}`);
    expect(result.requests.total).toBeGreaterThan(100);
    expect(written).toBeLessThan(100_000);
    const trail = await get("/api/audit?limit=5000", {authorization: `Bearer ${adminToken}`});
    expect(trail.body).not.toContain("SSSSSSSS");
    expect(JSON.parse(trail.body).entries.some((e: {outcome: string}) => e.outcome === "rate-limited")).toBe(true);
  });
});

describe("reading a large audit trail", () => {
  it("answers /api/audit for the newest entries of an 8 MB day by reading the end of the file, not all of it", async () => {
    const day = new Date().toISOString().slice(0, 10);
    const line = (i: number) => JSON.stringify({at: `${day}T00:00:00.000Z`, principal: `token:${String(i).padStart(8, "0")}`, role: "viewer", provider_id: null,
      method: "GET", route: "/api/indicators", params: {pad: "p".repeat(240)}, status: 200, outcome: "allowed", rows: 1});
    const lines = Array.from({length: 24_000}, (_, i) => line(i)).join("\n") + "\n";
    writeFileSync(join(auditDir, `audit-${day}.jsonl`), lines, {flag: "a"});
    const lag = monitorEventLoopDelay({resolution: 5});
    lag.enable();
    const t0 = performance.now();
    const res = await get("/api/audit?limit=50", {authorization: `Bearer ${adminToken}`});
    const ms = performance.now() - t0;
    lag.disable();
    console.log(`/api/audit on ${(auditBytes() / 1e6).toFixed(1)} MB: ${ms.toFixed(0)} ms, longest event-loop stall ${(lag.max / 1e6).toFixed(0)} ms`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).entries).toHaveLength(50);
    // Times vary with the machine's load; what must hold is that the newest entries cost a read of
    // the file's end, not of the whole day.
    expect(audit.lastQueryBytes).toBeLessThan(256 * 1024);
  });
});
