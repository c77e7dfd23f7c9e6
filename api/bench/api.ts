import {existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import type {AddressInfo} from "node:net";
import {serve} from "@hono/node-server";
import {createApp} from "../app.js";
import {AppStore} from "../appstore.js";
import {AuditLog} from "../auth/audit.js";
import {RateLimiter, type Authenticator} from "../auth/middleware.js";
import {referenceFromEnv} from "../reference.js";
import {countSeries} from "../oba/query.js";
import {resolveGeography} from "../oba/series.js";
import {periodsBetween, parsePeriod} from "../oba/periods.js";
import {Warehouse} from "../warehouse.js";
import {runPipeline} from "../../pipelines/run.js";
import {currentVersion} from "../../pipelines/warehouse/store.js";

/**
 * `npm run bench:api`: p50/p95 latency and requests/second for the series, baseline and scorecard
 * endpoints over real HTTP on loopback, on the england-scale warehouse, against the bare DuckDB
 * query for the same data measured in the same run (the overhead ratio).
 */
const dir = resolve(process.argv[2] ?? "data/england");
const reference = referenceFromEnv();
const whDir = resolve(process.env.CURVE_BENCH_WAREHOUSE ?? join(tmpdir(), "curve-bench-api-warehouse"));
if (!existsSync(dir) || readdirSync(dir).filter((f) => f.endsWith(".csv")).length === 0) {
  console.log(`No england-scale extracts in ${dir}: generating them …`);
  const {generateDemoExtracts} = await import("../../pipelines/demo/generate.js");
  await generateDemoExtracts({scale: "england", outDir: dir});
}
if (!currentVersion({dir: whDir})) {
  console.log(`Loading ${dir} into ${whDir} …`);
  const r = await runPipeline({inbox: dir, warehouseDir: whDir, referenceDir: "data/reference"});
  console.log(r.message);
}

const warehouse = new Warehouse(whDir);
const appStore = new AppStore(join(mkdtempSync(join(tmpdir(), "curve-bench-app-")), "app.duckdb"));
// The benchmark measures the API's own cost; a fixed principal stands in for token checking.
const bench: Authenticator = {authenticate: async () => ({id: "bench", role: "commissioner", providerId: null, via: "token"})};
// Two servers over the same warehouse: one computing every answer (cold), one with the response cache
// (warm: what a second viewer of the same page gets until the next pipeline run).
async function start(cacheResponses: boolean) {
  const app = createApp({warehouse, warehouseDir: whDir, reference, log: () => undefined, clock: () => new Date(), appStore, cacheResponses,
    access: {authenticator: bench, limiter: new RateLimiter(1e9), audit: new AuditLog(mkdtempSync(join(tmpdir(), "curve-bench-audit-")), 1), clock: () => new Date()}});
  const server = serve({fetch: app.fetch, port: 0, hostname: "127.0.0.1"});
  await new Promise((r) => server.once("listening", r));
  return {server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`};
}
const cold = await start(false);
const warm = await start(true);

async function load(base: string, path: string, requests = 200, concurrency = 8) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({length: concurrency}, async () => {
    while (next < requests) {
      next++;
      const t = performance.now();
      const res = await fetch(base + path);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path} answered ${res.status}`);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {requests: latencies.length, rps: Math.round(latencies.length / seconds), p50_ms: +q(0.5).toFixed(1), p95_ms: +q(0.95).toFixed(1)};
}

async function bareQuery(indicatorId: string, period: "month" | "quarter" | "financial-year", from: string, to: string, runs = 50) {
  const ind = reference.catalogue.byId.get(indicatorId)!;
  const geo = await resolveGeography(warehouse, ind, "borough");
  const periods = periodsBetween(period, parsePeriod(period, from), parsePeriod(period, to));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await countSeries(warehouse, ind, geo, periods);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return +times[Math.floor(runs / 2)].toFixed(1);
}

const cases = [
  {name: "series referrals (monthly)", path: "/api/indicators/referrals/series?geography=borough&period=month&from=2015-04&to=2016-03", bare: () => bareQuery("referrals", "month", "2015-04", "2016-03")},
  {name: "series cla-rate (quarterly)", path: "/api/indicators/cla-rate/series?geography=borough&period=quarter", bare: () => bareQuery("cla-rate", "quarter", "2015/16 Q1", "2015/16 Q4")},
  {name: "baseline referrals (monthly)", path: "/api/indicators/referrals/baseline?geography=borough&period=month&method=auto&h=6", bare: () => bareQuery("referrals", "month", "2015-04", "2016-03")},
  {name: "scorecard early-help-strategy", path: "/api/scorecards/early-help-strategy?geography=borough", bare: async () => null}
];

const rows = [];
for (const c of cases) {
  await load(cold.base, c.path, 10, 2); // warm DuckDB's and the disclosure lattice's caches
  const http = await load(cold.base, c.path, c.name.startsWith("scorecard") ? 40 : 200);
  await load(warm.base, c.path, 1, 1);
  const cached = await load(warm.base, c.path, 1000);
  const bare = await c.bare().catch(() => null);
  rows.push({endpoint: c.name, ...http, bare_query_p50_ms: bare, overhead_ratio: bare ? +(http.p50_ms / bare).toFixed(2) : null,
    cached_rps: cached.rps, cached_p50_ms: cached.p50_ms, cached_p95_ms: cached.p95_ms});
}
console.table(rows);
mkdirSync("docs/benchmarks", {recursive: true});
writeFileSync("docs/benchmarks/api-latest.json", JSON.stringify({measured_at: new Date().toISOString(), warehouse: whDir, rows}, null, 2) + "\n");
cold.server.close();
warm.server.close();
warehouse.close_();
