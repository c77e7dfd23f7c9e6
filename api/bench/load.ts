import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {AddressInfo} from "node:net";
import autocannon from "autocannon";
import {serve} from "@hono/node-server";
import {createApp} from "../app.js";
import {AppStore} from "../appstore.js";
import {AuditLog} from "../auth/audit.js";
import {configuredAuthenticator, RateLimiter, type Authenticator} from "../auth/middleware.js";
import {TokenStore} from "../auth/tokens.js";
import {Warehouse} from "../warehouse.js";
import {runPipeline} from "../../pipelines/run.js";

/**
 * `npm run bench:load`: autocannon against the API on loopback for 60 s at 50 connections, twice in
 * one run — once with a real bearer token checked on every request (hash lookup, expiry, route policy,
 * rate limiter, audit line), once with a fixed principal standing in for the token check (policy,
 * limiter and audit still run: the access middleware cannot be switched off) — over a warehouse built
 * from the demo extracts. Prints requests/second, p50/p95/p99 latency and errors for each, and the
 * ratio; then once more with the token and the response cache off (every answer computed). The rate limit is raised for the run so that it measures throughput, not the limiter's 429s.
 *
 *   npm run bench:load                 # 60 s per mode, 50 connections
 *   npm run bench:load -- --seconds 10 # a quick look
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg("seconds", 60);
const connections = arg("connections", 50);

const root = mkdtempSync(join(tmpdir(), "curve-bench-load-"));
const demo = "data/demo-extracts";
if (!existsSync(demo) || !readdirSync(demo).some((f) => f.endsWith(".csv"))) {
  const {generateDemoExtracts} = await import("../../pipelines/demo/generate.js");
  await generateDemoExtracts({outDir: demo});
}
const inbox = join(root, "inbox");
mkdirSync(inbox);
cpSync(demo, inbox, {recursive: true});
const warehouseDir = join(root, "warehouse");
console.log(`Loading the demo extracts into ${warehouseDir} …`);
console.log((await runPipeline({inbox, warehouseDir, referenceDir: "data/reference"})).message);

const warehouse = new Warehouse(warehouseDir);
const appStore = new AppStore(join(root, "app.duckdb"));

// A mix a dashboard session sends: a series, a breakdown, a ward table and a report card.
const paths = [
  "/api/indicators/cp-rate/series?geography=target-wards",
  "/api/indicators/referrals/series?geography=borough&period=quarter&breakdown=source",
  "/api/wards/targeting?period=2015/16",
  "/api/scorecards/early-help-strategy?geography=borough"
];

async function serveWith(authenticator: Authenticator, cacheResponses: boolean) {
  const access = {authenticator, limiter: new RateLimiter(1e9), audit: new AuditLog(mkdtempSync(join(root, "audit-")), 30), clock: () => new Date()};
  const app = createApp({warehouse, warehouseDir, log: () => undefined, clock: () => new Date(), appStore, access, cacheResponses});
  const server = serve({fetch: app.fetch, port: 0, hostname: "127.0.0.1"});
  await new Promise((r) => server.once("listening", r));
  return {server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`};
}

async function measure(name: string, authenticator: Authenticator, headers: Record<string, string>, cacheResponses = true) {
  const {server, url} = await serveWith(authenticator, cacheResponses);
  // Warm the version's caches so both modes start from the same place.
  for (const p of paths) {
    const res = await fetch(url + p, {headers});
    if (!res.ok) throw new Error(`${p} answered ${res.status}: ${await res.text()}`);
  }
  const latencies: number[] = [];
  let non2xx = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({url, connections, duration: seconds, headers, requests: paths.map((path) => ({method: "GET", path}))},
      (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode >= 300) non2xx++;
    });
  });
  server.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  return {
    mode: name, seconds, connections, requests: result.requests.total, rps: Math.round(result.requests.total / seconds),
    p50_ms: q(0.5), p95_ms: q(0.95), p99_ms: q(0.99), errors: result.errors + result.timeouts, non2xx
  };
}

const tokens = new TokenStore(join(root, "tokens.json"));
const {token} = tokens.create({name: "load test", role: "commissioner", days: 1});
const auth = configuredAuthenticator({tokens: {enabled: true, store: join(root, "tokens.json")}, oidc: null, localRole: null, rateLimit: {requestsPerMinute: 1e9}, audit: {dir: root, retentionDays: 30}}, tokens);
const fixed: Authenticator = {authenticate: async () => ({id: "bench", role: "commissioner", providerId: null, via: "token"})};

const rows = [
  await measure("bearer token (auth on)", auth, {authorization: `Bearer ${token}`}),
  await measure("fixed principal (no token check)", fixed, {}),
  // Every answer computed afresh: what the first viewer after a pipeline run waits for.
  await measure("bearer token, response cache off", auth, {authorization: `Bearer ${token}`}, false)
];
console.table(rows);
const ratio = +(rows[0].rps / rows[1].rps).toFixed(3);
console.log(`throughput with auth ÷ without = ${ratio}; errors: ${rows.reduce((n, r) => n + r.errors, 0)}, non-2xx: ${rows.reduce((n, r) => n + r.non2xx, 0)}`);
mkdirSync("docs/benchmarks", {recursive: true});
writeFileSync("docs/benchmarks/load-latest.json", JSON.stringify({measured_at: new Date().toISOString(), paths, rows, ratio}, null, 2) + "\n");
warehouse.close_();
await appStore.close();
process.exit(0);
