import {mkdirSync, writeFileSync} from "node:fs";
import {spawnSync} from "node:child_process";
import {cpus, loadavg, totalmem} from "node:os";
import {launchChromium, startLocalServer} from "./browser.js";

/**
 * `npm run bench:dashboards`: how heavy and how quick the dashboards are, on this machine, over
 * loopback, in headless Chromium with a cold cache for every page.
 *
 * - build time of `npm run dashboards:build`;
 * - per page, the bytes transferred: JavaScript, data (API responses and data files), everything;
 * - time to first chart: from navigation start to the first chart (an SVG with drawn marks inside a
 *   chart card) in the page, and to network idle.
 *
 * Goal: every page under 1 MB and its first chart within 1 s. Results are printed and written to
 * docs/benchmarks/dashboards.md. Uses the configured warehouse (data/warehouse): run the pipeline first.
 */
const PAGES = [
  {name: "Report card", path: "/"},
  {name: "Turn the Curve explorer", path: "/turn-the-curve?indicator=cp-rate&geography=target-wards"},
  {name: "Target wards", path: "/target-wards"},
  {name: "Providers", path: "/providers"},
  {name: "Turn the Curve report", path: "/report?indicator=cp-rate&geography=target-wards"},
  {name: "Methods", path: "/methods", noChart: true},
  {name: "Data", path: "/data"}
];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log("Building the dashboards …");
const t0 = performance.now();
const build = spawnSync("npm", ["run", "dashboards:build"], {encoding: "utf8", env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"}});
const buildSeconds = (performance.now() - t0) / 1000;
if (build.status !== 0) {
  console.error(build.stdout, build.stderr);
  process.exit(1);
}

// Analysts can read every page (pipeline runs and quarantine included).
const server = await startLocalServer({role: "analyst"});
for (const note of server.notes) console.error(`note: ${note}`);
const browser = await launchChromium();

interface Result {name: string; path: string; js: number; data: number; total: number; requests: number; firstChart: number | null; idle: number; coldFirstChart?: number | null}
const results: Result[] = [];
try {
  for (const p of PAGES) {
    const runs: Result[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({viewport: {width: 1280, height: 900}});
      const page = await context.newPage();
      // Record when the first chart with marks appears, in the page's own clock (0 = navigation start).
      await page.addInitScript(() => {
        const w = window as unknown as {__firstChart?: number};
        new MutationObserver((_, observer) => {
          if (document.querySelector("figure.chart-card svg g[data-mark] :is(path, circle, rect, line, text)")) {
            w.__firstChart = performance.now();
            observer.disconnect();
          }
        }).observe(document, {childList: true, subtree: true});
      });
      const start = Date.now();
      await page.goto(server.base + p.path, {waitUntil: "networkidle", timeout: 60_000});
      const idle = Date.now() - start;
      if (!p.noChart) await page.waitForFunction(() => (window as unknown as {__firstChart?: number}).__firstChart !== undefined, null, {timeout: 30_000}).catch(() => undefined);
      const firstChart = await page.evaluate(() => (window as unknown as {__firstChart?: number}).__firstChart ?? null);
      // Sizes from the page's own Resource Timing (bytes on the wire, headers included), read after the
      // load so that measuring adds no traffic between the browser and this process (which also serves).
      const all = await page.evaluate(() => (performance.getEntries() as PerformanceResourceTiming[])
        .filter((e) => e.entryType === "resource" || e.entryType === "navigation")
        .map((e) => ({url: e.name, type: e.initiatorType, bytes: e.transferSize})));
      const path = (x: {url: string}) => new URL(x.url).pathname;
      const isJs = (x: {url: string; type: string}) => /\.m?js$/.test(path(x));
      const isData = (x: {url: string}) => path(x).startsWith("/api/") || path(x).startsWith("/_file/");
      runs.push({
        name: p.name, path: p.path, requests: all.length,
        js: all.filter(isJs).reduce((sum, x) => sum + x.bytes, 0),
        data: all.filter(isData).reduce((sum, x) => sum + x.bytes, 0),
        total: all.reduce((sum, x) => sum + x.bytes, 0),
        firstChart: firstChart === null ? null : Math.round(firstChart), idle
      });
      await context.close();
    }
    const charts = runs.map((r) => r.firstChart).filter((x): x is number => x !== null);
    // The first load also meets the server's response cache cold (the page's first viewer after a run).
    results.push({...runs[0], coldFirstChart: runs[0].firstChart, firstChart: charts.length ? median(charts) : null, idle: median(runs.map((r) => r.idle))});
    const r = results.at(-1)!;
    console.log(`${p.name.padEnd(26)} JS ${kb(r.js).padStart(7)}  data ${kb(r.data).padStart(7)}  total ${kb(r.total).padStart(7)}  first chart ${r.firstChart === null ? "   –" : `${r.firstChart} ms (first load ${r.coldFirstChart} ms)`}  idle ${r.idle} ms`);
  }
} finally {
  await browser.close();
  await server.close();
}

const okSize = results.every((r) => r.total < 1024 * 1024);
const okChart = results.every((r) => r.firstChart === null || r.firstChart < 1000);
const okColdChart = results.every((r) => r.coldFirstChart == null || r.coldFirstChart < 1000);
const md = `# Dashboards benchmark

\`npm run bench:dashboards\` (api/report/bench-dashboards.ts), ${new Date().toISOString().slice(0, 10)}, on ${cpus().length} × ${cpus()[0]?.model ?? "CPU"} with ${(totalmem() / 2 ** 30).toFixed(0)} GB,
Node ${process.version}, Debian Chromium headless over loopback, cold cache for every page, median of ${RUNS} loads;
the configured warehouse (the demo extracts). Load average when it finished: ${loadavg().map((l) => l.toFixed(1)).join(", ")}
(the machine is shared: figures on an idle one are lower).

- **Build** (\`npm run dashboards:build\`, ${PAGES.length} pages): ${buildSeconds.toFixed(1)} s
- **Goal**: every page under 1 MB transferred — ${okSize ? "met" : "**not met**"}; first chart within 1 s — ${okChart ? "met" : "**not met**"} (median), ${okColdChart ? "met" : "**not met**"} on the first load, when the server's response cache is cold too.

| page | JavaScript | data (API + files) | total transferred | requests | first chart (median) | first chart, first load | network idle |
|---|---:|---:|---:|---:|---:|---:|---:|
${results.map((r) => `| ${r.name} (\`${r.path}\`) | ${kb(r.js)} | ${kb(r.data)} | ${kb(r.total)} | ${r.requests} | ${r.firstChart === null ? "no chart" : `${r.firstChart} ms`} | ${r.coldFirstChart == null ? "–" : `${r.coldFirstChart} ms`} | ${r.idle} ms |`).join("\n")}

Bytes are response bodies plus headers as served (the server does not compress; a reverse proxy with
gzip would send about a third of the JavaScript). "First chart" is the time from navigation start
until the first chart card holds an SVG with drawn marks; "network idle" is when no request has been
in flight for 500 ms (it includes every panel further down the page). The browser cache is cold
for every load; the server's response cache (api/cache.ts) is cold only for each page's first load,
so the median is what the second and later viewers of a page see until the next pipeline run.
`;
mkdirSync("docs/benchmarks", {recursive: true});
writeFileSync("docs/benchmarks/dashboards.md", md);
console.log(`\nbuild ${buildSeconds.toFixed(1)} s; every page < 1 MB: ${okSize ? "yes" : "NO"}; first chart < 1 s: ${okChart ? "yes" : "NO"}. Written to docs/benchmarks/dashboards.md`);
