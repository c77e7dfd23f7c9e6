import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import type {AddressInfo} from "node:net";
import {serve} from "@hono/node-server";
import {createApp} from "../app.js";
import {AppStore} from "../appstore.js";
import {AuditLog} from "../auth/audit.js";
import {RateLimiter, type Authenticator} from "../auth/middleware.js";
import type {Indicator} from "../oba/catalogue.js";
import {referenceFromEnv} from "../reference.js";
import {AppCache} from "../appcache.js";
import {countSeries, coverage} from "../oba/query.js";
import {resolveGeography} from "../oba/series.js";
import {periodsBetween, periodsWithin, parsePeriod} from "../oba/periods.js";
import {Warehouse} from "../warehouse.js";
import {runPipeline} from "../../pipelines/run.js";
import {currentVersion, planDirOf} from "../../pipelines/warehouse/store.js";

/**
 * `npm run bench:api`: p50/p95 latency and requests/second for the series, baseline and scorecard
 * endpoints over real HTTP on loopback, on the england-scale warehouse, against the bare DuckDB
 * query for the same data measured in the same run (the overhead ratio).
 *
 * Three ways in, since they answer different questions:
 * - at 8 concurrent clients, the answer and the bare query alike (`overhead_ratio`: both queue for
 *   the same cores, so the ratio is the API's own cost; the bare query used to be timed one at a
 *   time, which put the queueing of 8 clients on the API's side of the ratio);
 * - one request at a time, each followed by one bare query so that both see the same machine load
 *   (`sequential_ratio`, and `cpu_ratio` on this process's CPU time): one answer against one bare query;
 * - the first request on a new warehouse version (`first_ms`: a fresh app cache and no disclosure
 *   plans anywhere), with the plans kept on disk as the warm run leaves them (`first_warmed_ms`: what
 *   the first viewer after a publish gets once `plans:warm` has run) and with them in the app's memory
 *   (`first_with_plans_ms`): the differences are what solving, then reading, the plans costs.
 * A scorecard's bare query is its measures' count queries, one after another.
 */
const dir = resolve(process.argv[2] ?? "data/england");
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
const reference = referenceFromEnv();
const appStore = new AppStore(join(mkdtempSync(join(tmpdir(), "curve-bench-app-")), "app.duckdb"));
// The benchmark measures the API's own cost; a fixed principal stands in for token checking.
const bench: Authenticator = {authenticate: async () => ({id: "bench", role: "commissioner", providerId: null, via: "token"})};
// Two servers over the same warehouse: one computing every answer (cold), one with the response cache
// (warm: what a second viewer of the same page gets until the next pipeline run).
async function start(cacheResponses: boolean, cache = new AppCache()) {
  const app = createApp({warehouse, warehouseDir: whDir, reference, cache, log: () => undefined, clock: () => new Date(), appStore, cacheResponses,
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

/** The bare count query of an indicator's borough series over the periods given, or over every period loaded. */
async function bareCount(ind: Indicator, period: "month" | "quarter" | "financial-year", from?: string, to?: string) {
  const geo = await resolveGeography(warehouse, ind, "borough");
  const cov = await coverage(warehouse, ind.numerator.extract, geo.laCode);
  const periods = from && to ? periodsBetween(period, parsePeriod(period, from), parsePeriod(period, to)) : cov ? periodsWithin(period, cov.from, cov.to) : [];
  return () => countSeries(warehouse, ind, geo, periods);
}

const p50 = (xs: number[]) => +[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(1);

/** p50 of `run` at 8 concurrent callers, as the endpoints are timed. */
async function bareConcurrent(run: () => Promise<unknown>, runs: number) {
  const times: number[] = [];
  let next = 0;
  await Promise.all(Array.from({length: 8}, async () => {
    while (next++ < runs) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
  }));
  return p50(times);
}

/**
 * One request, then one bare query, `runs` times, so both see the same machine load: p50 wall time
 * and p50 CPU time (this process, every thread: the server, DuckDB and the client) of each.
 */
async function sequentialPairs(base: string, path: string, bare: () => Promise<unknown>, runs: number) {
  const wall = {api: [] as number[], bare: [] as number[]};
  const cpu = {api: [] as number[], bare: [] as number[]};
  const timed = async (which: "api" | "bare", run: () => Promise<unknown>) => {
    const c = process.cpuUsage();
    const t = performance.now();
    await run();
    wall[which].push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu[which].push((d.user + d.system) / 1000);
  };
  for (let i = 0; i < runs; i++) {
    await timed("api", () => load(base, path, 1, 1));
    await timed("bare", bare);
  }
  return {p50: p50(wall.api), bare: p50(wall.bare), cpu: p50(cpu.api), bareCpu: p50(cpu.bare)};
}

const catalogue = reference.catalogue;
const series = (id: string, period: "month" | "quarter" | "financial-year", from?: string, to?: string) => () => bareCount(catalogue.byId.get(id)!, period, from, to);
const card = reference.scorecards.find((c) => c.id === "early-help-strategy")!;
const cardMeasures = async () => {
  const counts = await Promise.all([...new Set([...card.results.flatMap((r) => r.indicators), ...card.programmes.flatMap((p) => p.measures.map((m) => m.indicator))])]
    .map((id) => catalogue.byId.get(id)!).map((ind) => bareCount(ind, ind.periods.includes(card.period) ? card.period as "financial-year" : ind.periods[0] as "quarter")));
  return async () => {
    for (const c of counts) await c();
  };
};
const cases = [
  {name: "series referrals (monthly)", path: "/api/indicators/referrals/series?geography=borough&period=month&from=2015-04&to=2016-03", bare: series("referrals", "month", "2015-04", "2016-03")},
  {name: "series cla-rate (quarterly)", path: "/api/indicators/cla-rate/series?geography=borough&period=quarter", bare: series("cla-rate", "quarter", "2015/16 Q1", "2015/16 Q4")},
  {name: "baseline referrals (monthly)", path: "/api/indicators/referrals/baseline?geography=borough&period=month&method=auto&h=6", bare: series("referrals", "month", "2015-04", "2016-03")},
  {name: "scorecard early-help-strategy", path: "/api/scorecards/early-help-strategy?geography=borough", bare: cardMeasures}
];

/**
 * The first request on a new version, median of three, each on a fresh server: with no disclosure
 * plans at all ("none": the version's plan store emptied first, so the request solves its plans),
 * with the plans kept on disk as `plans:warm` leaves them ("kept": a fresh app cache, what the first
 * viewer after a publish gets once the warm run has been), and with them in the app's memory ("in-memory").
 */
async function firstRequest(path: string, plans: "none" | "kept" | "in-memory") {
  const times: number[] = [];
  const shared = new AppCache();
  const version = currentVersion({dir: whDir})!.version;
  for (let i = 0; i < 3; i++) {
    if (plans === "none") rmSync(planDirOf(whDir, version), {recursive: true, force: true});
    const fresh = await start(false, plans === "in-memory" ? shared : new AppCache());
    times.push((await load(fresh.base, path, 1, 1)).p50_ms);
    fresh.server.close();
  }
  return times.sort((a, b) => a - b)[1];
}

const rows = [];
for (const c of cases) {
  const scorecard = c.name.startsWith("scorecard");
  const first = await firstRequest(c.path, "none");
  const firstWarmed = await firstRequest(c.path, "kept");
  const firstWithPlans = await firstRequest(c.path, "in-memory");
  await load(cold.base, c.path, 10, 2); // warm DuckDB's and the disclosure lattice's caches
  const bare = await c.bare();
  const one = await sequentialPairs(cold.base, c.path, bare, scorecard ? 20 : 50);
  const http = await load(cold.base, c.path, scorecard ? 40 : 200);
  const bareAt8 = await bareConcurrent(bare, scorecard ? 40 : 200);
  await load(warm.base, c.path, 1, 1);
  const cached = await load(warm.base, c.path, 1000);
  rows.push({endpoint: c.name, ...http, bare_query_p50_ms: bareAt8, overhead_ratio: +(http.p50_ms / bareAt8).toFixed(2),
    sequential_p50_ms: one.p50, sequential_bare_p50_ms: one.bare, sequential_ratio: +(one.p50 / one.bare).toFixed(2),
    sequential_cpu_ms: one.cpu, sequential_bare_cpu_ms: one.bareCpu, cpu_ratio: +(one.cpu / one.bareCpu).toFixed(2),
    first_ms: first, first_warmed_ms: firstWarmed, first_with_plans_ms: firstWithPlans,
    cached_rps: cached.rps, cached_p50_ms: cached.p50_ms, cached_p95_ms: cached.p95_ms});
}
console.table(rows);
mkdirSync("docs/benchmarks", {recursive: true});
const {loadavg} = await import("node:os");
writeFileSync(process.env.CURVE_BENCH_OUT ?? "docs/benchmarks/api-latest.json", JSON.stringify({measured_at: new Date().toISOString(), warehouse: whDir, load_average: loadavg().map((l) => +l.toFixed(1)), rows}, null, 2) + "\n");
cold.server.close();
warm.server.close();
warehouse.close_();
