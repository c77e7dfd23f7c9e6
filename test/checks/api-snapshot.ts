/**
 * `npm run check:api-snapshot -- record|compare [--snapshot DIR] [--world DIR] [--only REGEX]`: the byte-identical check
 * of a refactor. Builds the demo world (or reuses one under --world), asks the API every route in
 * /api/openapi.json with representative parameters (each indicator, each geography and period type,
 * each breakdown, a provider, a programme, wards, scorecards, the writes and their reads) as an analyst
 * and as a commissioner, and writes each answer's status and body to the snapshot folder (`record`),
 * or compares them with the recorded ones (`compare`, exit status 1 on any difference).
 *
 * The demo's extracts run from 2008/09 to 2015/16: the ranges and dates asked sit inside them.
 * Record on the code before a change, compare after it. `--only REGEX` compares just the requests whose
 * path matches (the writes are always made, so the reads after them see the same records): a quicker
 * check of one area between full runs. Only two things are normalised: the random
 * ids the app store gives written records (bl-/tg-/an-/al-<uuid>, numbered in order of appearance) and
 * the wall-clock times of the audit log, which differ on every run by design.
 */
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {createHash} from "node:crypto";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {AppStore} from "../../api/appstore.js";
import type {Role} from "../../api/auth/roles.js";
import {Warehouse} from "../../api/warehouse.js";
import {buildDemoWorld, DEMO_RUN_AT, type DemoWorld} from "../helpers/demo-world.js";
import {queryPublished} from "../helpers/warehouse.js";
import {testApp} from "../helpers/app.js";

const args = process.argv.slice(2);
const mode = args[0];
if (mode !== "record" && mode !== "compare") {
  console.error("usage: check:api-snapshot -- record|compare [--snapshot DIR] [--world DIR]");
  process.exit(2);
}
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const snapshotDir = option("--snapshot", join(tmpdir(), "curve-api-snapshot"));
const worldDir = option("--world", join(tmpdir(), "curve-api-snapshot-world"));
const only = args.includes("--only") ? new RegExp(option("--only", "")) : null;
if (only && mode === "record") {
  console.error("--only is for compare: a record keeps every answer");
  process.exit(2);
}

async function world(): Promise<DemoWorld> {
  const saved = join(worldDir, "world.json");
  if (existsSync(saved)) return JSON.parse(readFileSync(saved, "utf8")) as DemoWorld;
  rmSync(worldDir, {recursive: true, force: true});
  const w = await buildDemoWorld(worldDir, (line) => console.log(line));
  writeFileSync(saved, JSON.stringify(w));
  return w;
}

interface Request {
  method: "GET" | "POST" | "PUT";
  path: string;
  role: Role;
  body?: unknown;
}

const w = await world();
const warehouse = new Warehouse(w.warehouseDir);
const appStore = new AppStore(join(mkdtempSync(join(tmpdir(), "curve-snapshot-appstore-")), "app.duckdb"));
const app = testApp({warehouse, warehouseDir: w.warehouseDir, appStore, clock: () => DEMO_RUN_AT, cacheResponses: false});

const ids = new Map<string, string>();
function normalise(path: string, text: string): string {
  let out = text.replace(/\b(bl|tg|an|al)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, (id, kind: string) => {
    if (!ids.has(id)) ids.set(id, `${kind}-#${[...ids.keys()].filter((k) => k.startsWith(kind)).length + 1}`);
    return ids.get(id)!;
  });
  if (path.startsWith("/api/audit")) out = out.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, "<time>");
  return out;
}
/** Paths may hold a written record's id: put the real one back before asking. */
const denormalise = (path: string) => {
  for (const [real, fake] of ids) path = path.split(fake).join(real);
  return path;
};

async function ask(r: Request): Promise<{status: number; contentType: string; body: string}> {
  const headers: Record<string, string> = {"x-test-role": r.role};
  if (r.body !== undefined) headers["content-type"] = "application/json";
  const res = await app.request(denormalise(r.path), {method: r.method, headers, body: r.body === undefined ? undefined : JSON.stringify(r.body)});
  return {status: res.status, contentType: res.headers.get("content-type") ?? "", body: normalise(r.path, await res.text())};
}

// ---- the requests -------------------------------------------------------------------------------

const wards = (await queryPublished<{ward_id: string; la_code: string}>(w.warehouseDir, "SELECT ward_id, la_code FROM ref_wards ORDER BY 1"));
const areas = (await queryPublished<{area_id: string}>(w.warehouseDir, "SELECT area_id FROM ref_areas ORDER BY 1")).map((r) => r.area_id);
const ward = wards.find((r) => r.la_code === "821")!.ward_id;
const otherWard = wards.filter((r) => r.la_code === "821")[7]?.ward_id ?? ward;
const area = areas[0];

const catalogue = JSON.parse((await ask({method: "GET", path: "/api/indicators", role: "analyst"})).body) as {
  indicators: {id: string; periods: string[]; geographies: string[]; breakdowns: Record<string, string>; laCode?: string}[];
  agenda?: {id: string}[];
};
const geographyCodes = (g: string): (string | undefined)[] =>
  g === "area" ? [area, "leeds"] : g === "ward" ? [ward] : g === "borough" ? [undefined] : [undefined];
const qs = (q: Record<string, string | undefined>) => {
  const s = Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&");
  return s ? `?${s}` : "";
};

/** A range in each period type's labels, for the drivers route (which needs one). */
const RANGE: Record<string, string> = {"financial-year": "from=2011/12&to=2014/15", quarter: "from=2012/13 Q1&to=2014/15 Q4", month: "from=2013-04&to=2015-03", "rolling-12-months": "from=2013-04&to=2015-03"};

const gets: string[] = [
  "/api/health", "/api/me", "/api/openapi.json",
  "/api/indicators", "/api/indicators?tier=headline", "/api/indicators?tier=secondary", "/api/indicators?tier=development",
  "/api/indicators/no-such-indicator", "/api/indicators/BAD!",
  "/api/pipeline/runs", "/api/pipeline/runs?format=csv", "/api/pipeline/quarantine", "/api/pipeline/quarantine?format=csv&limit=5"
];
for (const a of catalogue.agenda ?? []) gets.push(`/api/indicators/${a.id}`, `/api/indicators/${a.id}/series`);

for (const ind of catalogue.indicators) {
  const base = `/api/indicators/${ind.id}`;
  gets.push(base, `${base}/series?format=csv`, `${base}/series?geography=nowhere`, `${base}/series?geography=ward&code=no-such-ward`);
  for (const g of ind.geographies) {
    for (const code of geographyCodes(g)) {
      for (const period of [undefined, ...ind.periods]) {
        gets.push(`${base}/series${qs({geography: g, code, period})}`);
        gets.push(`${base}/baseline${qs({geography: g, code, period})}`);
      }
      const b0 = Object.keys(ind.breakdowns)[0];
      if (b0) gets.push(`${base}/drivers${qs({geography: g, code, breakdown: b0, from: "2011/12", to: "2014/15", period: "financial-year"})}`);
    }
  }
  for (const b of Object.keys(ind.breakdowns)) {
    gets.push(`${base}/series?breakdown=${b}`, `${base}/series?breakdown=${b}&geography=ward&code=${ward}`, `${base}/drivers?breakdown=${b}&from=2010/11&to=2015/16`, `${base}/drivers?breakdown=${b}`);
    for (const period of ind.periods) gets.push(`${base}/series?breakdown=${b}&period=${period}`, `${base}/drivers?breakdown=${b}&period=${period}&${RANGE[period] ?? RANGE["financial-year"]}`);
  }
  gets.push(`${base}/series?from=2010/11&to=2013/14&period=financial-year`, `${base}/series?from=2012-04&to=2012-09&period=month`);
  gets.push(`${base}/baseline?asOf=2012/13&period=financial-year`, `${base}/baseline?asOf=2013/14 Q2&period=quarter&h=4`, `${base}/baseline?from=2009/10&sustain=3`);
}
const first = catalogue.indicators[0]?.id;
for (const method of ["naive", "drift", "linear", "ses", "holt", "damped", "theta", "comb"]) {
  for (const ind of catalogue.indicators.slice(0, 4)) gets.push(`/api/indicators/${ind.id}/baseline?method=${method}`, `/api/indicators/${ind.id}/baseline?method=${method}&period=quarter&h=6`);
}
gets.push(`/api/indicators/${first}/baseline?asOf=1999/00`, `/api/indicators/${first}/baseline?h=99`, `/api/indicators/${first}/series?from=2021/22&to=2019/20&period=financial-year`);

const scorecards = JSON.parse((await ask({method: "GET", path: "/api/scorecards", role: "analyst"})).body) as {scorecards?: {id: string}[]} | {id: string}[];
const scorecardIds = (Array.isArray(scorecards) ? scorecards : scorecards.scorecards ?? []).map((s) => s.id);
gets.push("/api/scorecards", "/api/scorecards/no-such");
for (const id of scorecardIds) {
  gets.push(`/api/scorecards/${id}`, `/api/scorecards/${id}?geography=area&code=${area}`, `/api/scorecards/${id}?geography=ward&code=${ward}`, `/api/scorecards/${id}?geography=target-wards`, `/api/scorecards/${id}?geography=rest-of-borough`);
}

const providerList = JSON.parse((await ask({method: "GET", path: "/api/providers", role: "analyst"})).body) as Record<string, unknown>;
const listed = (key: string) => ((providerList[key] as {id: string}[] | undefined) ?? []).map((p) => p.id);
const providerIds = listed("providers");
const programmeIds = listed("programmes");
const measures = ((providerList.measures as {id: string}[] | undefined) ?? []).map((m) => m.id);
gets.push("/api/providers", "/api/providers/quadrants", "/api/providers/value-for-money", "/api/providers/value-for-money?format=csv", "/api/providers/compare", "/api/providers/compare?adjust=casemix", "/api/providers/compare?format=csv");
for (const m of measures) gets.push(`/api/providers/compare?measure=${m}`, `/api/providers/compare?measure=${m}&adjust=casemix`);
for (const p of programmeIds) gets.push(`/api/providers/compare?programme=${p}`, `/api/providers/programmes/${p}/report-card`);
for (const p of providerIds) gets.push(`/api/providers/${p}/report-card`);
gets.push("/api/providers/no-such/report-card", "/api/providers/programmes/no-such/report-card");
gets.push("/api/services/map", "/api/services/map?gapsOnly=true", "/api/services/map?format=csv");

gets.push("/api/wards/targeting", "/api/wards/targeting?format=csv", "/api/wards/targeting?draws=200&seed=7", "/api/wards/targeting?weights=2,1,1");
gets.push("/api/wards/concentration", "/api/wards/concentration?groups=quintile", "/api/wards/concentration?groups=decile&seed=3");
for (const ind of catalogue.indicators) gets.push(`/api/wards/concentration?indicator=${ind.id}`);
for (const wd of [ward, otherWard, "no-such-ward"]) gets.push(`/api/wards/${wd}/profile`);
gets.push("/api/target-wards/summary", "/api/target-wards/summary?format=csv", "/api/target-wards/review", "/api/target-wards/review?draws=200");

// Writes first as an analyst, then their reads as both roles.
const writes: Request[] = [
  {method: "POST", path: "/api/baselines", role: "analyst", body: {indicator: first, name: "snapshot baseline", asOf: "2012/13", period: "financial-year", author: "snapshot"}},
  // One frozen baseline only: two made under the fixed clock share created_at, and the list then orders them by their random ids.
  {method: "POST", path: "/api/baselines", role: "analyst", body: {indicator: "no-such", name: "x", asOf: "2012/13", author: "snapshot"}},
  {method: "POST", path: "/api/targets", role: "analyst", body: {indicator: first, period: "2016/17", periodType: "financial-year", value: 50, author: "snapshot", note: "snapshot"}},
  {method: "POST", path: "/api/annotations", role: "analyst", body: {indicator: first, from: "2012-06-01", to: "2012-09-30", text: "snapshot note", author: "snapshot"}},
  {method: "PUT", path: `/api/narratives/${first}/borough`, role: "analyst", body: {story: [{cause: "snapshot", priority: 1}], partners: ["p"], whatWorks: [{idea: "w"}], actionPlan: [{action: "a", due: "2027-01-01"}], author: "snapshot"}},
  {method: "POST", path: "/api/allocations", role: "analyst", body: {name: "snapshot", author: "snapshot", budget: 100000}},
  {method: "POST", path: "/api/allocations", role: "analyst", body: {name: "snapshot", author: "snapshot", budget: 250000, need: {kind: "deprivation"}, universalShare: 0.5}}
];
const afterWrites = [
  `/api/baselines?indicator=${first}`, "/api/baselines", "/api/baselines/bl-#1", "/api/baselines/bl-#1?sustain=3", "/api/baselines/bl-nope",
  `/api/targets?indicator=${first}`, "/api/targets",
  `/api/annotations?indicator=${first}`, `/api/annotations?indicator=${first}&from=2011-04-01&to=2014-03-31`,
  `/api/narratives/${first}/borough`, `/api/narratives/${first}/ward?code=${ward}`,
  "/api/allocations", "/api/allocations/al-#1", "/api/allocations/al-nope",
  "/api/audit?limit=5", "/api/audit?format=csv&limit=3"
];

const requests: Request[] = [];
for (const role of ["analyst", "commissioner"] as Role[]) for (const path of gets) requests.push({method: "GET", path, role});
requests.push(...writes);
for (const role of ["analyst", "commissioner"] as Role[]) for (const path of afterWrites) requests.push({method: "GET", path, role});
requests.push({method: "GET", path: "/api/sign-in", role: "analyst"});

// ---- record or compare --------------------------------------------------------------------------

const fileOf = (r: Request, i: number) => `${String(i).padStart(5, "0")}-${createHash("sha1").update(`${r.method} ${r.path} ${r.role}`).digest("hex").slice(0, 10)}.txt`;
if (mode === "record") {
  rmSync(snapshotDir, {recursive: true, force: true});
  mkdirSync(snapshotDir, {recursive: true});
}
const recorded = mode === "compare" ? new Set(readdirSync(snapshotDir)) : new Set<string>();
const started = performance.now();
let differences = 0;
const statuses = new Map<number, number>();
for (const [i, r] of requests.entries()) {
  if (only && r.method === "GET" && !only.test(r.path)) {
    recorded.delete(fileOf(r, i));
    continue;
  }
  const answer = await ask(r);
  statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  const text = `${r.method} ${r.path} as ${r.role}\n${answer.status} ${answer.contentType}\n${answer.body}\n`;
  const file = fileOf(r, i);
  if (mode === "record") {
    writeFileSync(join(snapshotDir, file), text);
  } else {
    recorded.delete(file);
    const before = existsSync(join(snapshotDir, file)) ? readFileSync(join(snapshotDir, file), "utf8") : null;
    if (before !== text) {
      differences++;
      if (differences <= 20) console.log(`DIFFERENT: ${r.method} ${r.path} as ${r.role}${before === null ? " (not recorded)" : ""}\n  before: ${before?.slice(0, 300)}\n  after:  ${text.slice(0, 300)}`);
    }
  }
}
warehouse.close_();
await appStore.close();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const asked = [...statuses.values()].reduce((a, b) => a + b, 0);
console.log(`${asked} answers (${[...statuses].map(([s, n]) => `${n}×${s}`).join(", ")}) in ${seconds} s`);
if (mode === "record") {
  console.log(`recorded to ${snapshotDir}`);
} else {
  differences += recorded.size;
  for (const f of recorded) console.log(`MISSING: ${f} was recorded but not asked`);
  console.log(`${asked} answers compared with ${snapshotDir}: ${differences} differences`);
  process.exit(differences ? 1 : 0);
}
