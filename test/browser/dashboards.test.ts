import {spawn} from "node:child_process";
import {mkdtempSync, readFileSync} from "node:fs";
import {createRequire} from "node:module";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {serve, type ServerType} from "@hono/node-server";
import {chromium, type Browser, type Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createServer} from "../../api/server.js";
import {Warehouse} from "../../api/warehouse.js";
import {AppStore} from "../../api/appstore.js";
import {AuditLog} from "../../api/auth/audit.js";
import {configuredAuthenticator, RateLimiter} from "../../api/auth/middleware.js";
import {TokenStore} from "../../api/auth/tokens.js";
import type {Role} from "../../api/auth/roles.js";
import {screenshotPath} from "../helpers/browser.js";
import {demoWorld} from "../helpers/demo.js";

/**
 * Every dashboard page in a real browser (Debian's Chromium driven by playwright-core) over the run's
 * demo warehouse (test/setup/demo-world.ts): it loads with no failed request, nothing leaving localhost, no console
 * error, its charts drawn from the API's data, and no WCAG 2.2 A/AA violation. Then the workshop
 * interactions: change the report card's place, freeze a baseline, add an annotation, export a chart,
 * and print the Turn the Curve report to PDF with `npm run report`.
 */
const PAGES = [
  {path: "/", heading: "Report card", screenshot: "home", charts: 1},
  {path: "/turn-the-curve?indicator=cp-rate&geography=target-wards", heading: "Turn the Curve explorer", screenshot: "turn-the-curve", charts: 3},
  {path: "/target-wards", heading: "Target wards", screenshot: "target-wards", charts: 4},
  {path: "/providers", heading: "Providers", screenshot: "providers", charts: 4},
  {path: "/report?indicator=cp-rate&geography=target-wards", heading: "Turn the Curve report", screenshot: "report", charts: 1},
  {path: "/methods", heading: "Methods", screenshot: "methods", charts: 0},
  // Pipeline runs and quarantine are for analysts (route policy): this page is checked as one.
  {path: "/data", heading: "Data", screenshot: "data", charts: 1, role: "analyst" as const}
];

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
// The run's demo warehouse (read-only); this file's own writes (app store, audit, the PDF) go to a folder of its own.
const s = {root: mkdtempSync(join(tmpdir(), "curve-browser-")), warehouseDir: demoWorld().warehouseDir};
const servers: ServerType[] = [];
const base: Partial<Record<Role, string>> = {};
let browser: Browser;
let warehouse: Warehouse;
let appStore: AppStore;

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{code: number; out: string}> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", ...env}});
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({code: code ?? 1, out}));
  });
}

async function startServer(role: Role) {
  // As `npm start` runs it: the browser on loopback, with no token, gets the configured local role.
  const auth = {tokens: {enabled: true, store: `${s.root}/tokens.json`}, oidc: null, localRole: role, rateLimit: {requestsPerMinute: 100_000}, audit: {dir: `${s.root}/audit`, retentionDays: 30}};
  const access = {authenticator: configuredAuthenticator(auth, new TokenStore(auth.tokens.store)), limiter: new RateLimiter(100_000), audit: new AuditLog(auth.audit.dir, 30), clock: () => new Date()};
  const app = createServer({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), appStore, access}, {dashboardsDir: "dist"});
  const server = serve({fetch: app.fetch, port: 0, hostname: "127.0.0.1"});
  await new Promise((r) => server.once("listening", r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function api(method: string, path: string, body?: unknown) {
  const r = await fetch(base.commissioner + path, {method, headers: {"content-type": "application/json"}, body: body ? JSON.stringify(body) : undefined});
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

// dist/ holds the dashboards built for this run by test/setup/dashboards.ts.
beforeAll(async () => {
  warehouse = new Warehouse(s.warehouseDir);
  appStore = new AppStore(join(s.root, "app.duckdb"));
  base.commissioner = await startServer("commissioner");
  base.analyst = await startServer("analyst");
  // A workshop's record for CP plans in the target wards: a baseline frozen at 2012/13, a target,
  // an event on the timeline and the narrative, so every panel has something to draw.
  const scope = {indicator: "cp-rate", geography: "target-wards"};
  await api("POST", "/api/baselines", {...scope, name: "Strategy baseline 2013", asOf: "2012/13", author: "Test Analyst"});
  await api("POST", "/api/targets", {...scope, period: "2016/17", value: 45, author: "Test Analyst"});
  await api("POST", "/api/annotations", {...scope, from: "2014-04-01", text: "Early Help Strategy 2014-17 starts", author: "Test Analyst"});
  await api("PUT", "/api/narratives/cp-rate/target-wards", {
    story: [{cause: "Domestic abuse in households with young children", priority: 1}, {cause: "Late identification of parental mental ill health", priority: 2}],
    partners: ["Police", "Health visitors", "Schools"],
    whatWorks: [{idea: "MARAC referrals shared with children's centres", lowCost: true}, {idea: "Whole-family key workers", lowCost: false}],
    actionPlan: [{action: "Joint triage of DV notifications", owner: "MASH", due: "2014-09-30"}],
    author: "Test Analyst", message: "first draft"
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
  });
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.close();
  await appStore?.close();
  warehouse?.close_();
});

/** A page with listeners for everything that must not happen. */
async function open(path: string, role: Role = "commissioner", allow: (url: string, status: number) => boolean = () => false) {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  const problems = {offsite: [] as string[], failed: [] as string[], errors: [] as string[]};
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) problems.offsite.push(r.url());
  });
  page.on("requestfailed", (r) => problems.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !allow(r.url(), r.status())) problems.failed.push(`${r.url()} ${r.status()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 403/.test(m.text())) problems.errors.push(m.text());
  });
  page.on("pageerror", (e) => problems.errors.push(e.message));
  await page.goto(base[role] + path, {waitUntil: "networkidle"});
  return {page, problems};
}

async function axe(page: Page) {
  await page.addScriptTag({content: axeSource});
  return page.evaluate(async () => {
    const a = (window as unknown as {axe: {run: (ctx: unknown, opts: unknown) => Promise<{violations: {id: string; help: string; nodes: {target: string[]}[]}[]}>}}).axe;
    const result = await a.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
}

describe.each(PAGES)("dashboard page $path", ({path, heading, screenshot, charts, role}) => {
  it("loads offline with its charts drawn from the API, no failed request, no console error and no accessibility violation", async () => {
    const {page, problems} = await open(path, role);
    expect(await page.locator("h1").first().textContent()).toBe(heading);
    if (charts) {
      await page.waitForSelector("figure.chart-card svg", {timeout: 15_000});
      expect(await page.locator("figure.chart-card").count()).toBeGreaterThanOrEqual(charts);
      // Plot puts each mark in a <g> (named in data-mark): a chart with data has shapes inside them.
      expect(await page.locator("figure.chart-card svg g[data-mark] :is(path, circle, rect, line, text)").count()).toBeGreaterThan(10);
    }
    expect(await page.locator(".notice-error").allTextContents()).toEqual([]);
    await page.screenshot({path: screenshotPath(screenshot), fullPage: true}); // docs/screenshots/ is refreshed by npm run screenshots
    expect({...problems, violations: await axe(page)}).toEqual({offsite: [], failed: [], errors: [], violations: []});
    await page.close();
  });
});

describe("workshop interactions", () => {
  it("the Data page tells a commissioner that pipeline runs and quarantine are for analysts", async () => {
    const {page, problems} = await open("/data", "commissioner", (url, status) => status === 403 && url.includes("/api/pipeline/"));
    await expect.poll(() => page.locator(".notice-info").count(), {timeout: 15_000}).toBeGreaterThanOrEqual(2);
    expect(await page.locator(".notice-info").first().textContent()).toContain("Not available to your role");
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });

  it("changing the place on the report card redraws it for that ward and keeps the choice in the address", async () => {
    const {page, problems} = await open("/");
    await expect.poll(() => page.locator("table.scorecard tbody tr").count(), {timeout: 15_000}).toBeGreaterThan(5);
    expect(await page.locator(".card-head .lead").textContent()).toContain("Early Help Strategy target wards");
    // The frozen baseline seeded for CP plans in the target wards is judged on the card.
    expect(await page.locator("table.scorecard").first().textContent()).toContain("Strategy baseline 2013");
    await page.getByLabel("For", {exact: true}).selectOption({label: "Biscot (target ward)"});
    await expect.poll(() => page.locator(".card-head .lead").textContent(), {timeout: 15_000}).toContain("Biscot");
    expect(page.url()).toContain("geography=ward%3Abiscot");
    await expect.poll(() => page.locator("figure.chart-card h3").first().textContent(), {timeout: 15_000}).toContain("Biscot");
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });

  it("freezing a baseline in the explorer saves it through the API and lists it, and so does a hand-edited one", async () => {
    const {page, problems} = await open("/turn-the-curve?indicator=cla-rate&geography=borough");
    await page.waitForSelector("figure.chart-card svg");
    await page.getByText("Freeze this baseline", {exact: true}).click();
    await page.locator("#freeze-name").fill("Browser workshop baseline");
    await page.locator("#freeze-author").fill("Playwright");
    await page.getByRole("button", {name: "Freeze baseline", exact: true}).click();
    await expect.poll(() => page.locator("table.frozen-list").textContent(), {timeout: 15_000}).toContain("Browser workshop baseline");
    await page.getByText("Edit the forecast by hand and freeze it", {exact: true}).click();
    await page.locator("#hand-0").fill("70");
    await page.locator("#hand-name").fill("Hand-edited by the workshop");
    await page.locator("#hand-author").fill("Playwright");
    await page.getByRole("button", {name: "Freeze hand-edited baseline"}).click();
    await expect.poll(() => page.locator("table.frozen-list").textContent(), {timeout: 15_000}).toContain("Hand-edited by the workshop");
    const saved = await (await fetch(`${base.commissioner}/api/baselines?indicator=cla-rate`)).json();
    expect(saved.baselines.map((b: {name: string; method: string}) => [b.name, b.method])).toEqual(expect.arrayContaining([["Browser workshop baseline", "auto"], ["Hand-edited by the workshop", "hand-edited"]]));
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });

  it("an annotation added in the explorer appears on the timeline and in its list", async () => {
    const {page, problems} = await open("/turn-the-curve?indicator=cp-rate&geography=target-wards");
    await page.waitForSelector("figure.chart-card svg");
    const before = await page.locator("ol.annotations li").count();
    await page.getByText("Add an annotation to the timeline", {exact: true}).click();
    await page.locator("#note-from").fill("2012-10-01");
    await page.locator("#note-text").fill("Thresholds of need revised");
    await page.locator("#note-author").fill("Playwright");
    await page.getByRole("button", {name: "Add annotation"}).click();
    await expect.poll(() => page.locator("ol.annotations").textContent(), {timeout: 15_000}).toContain("Thresholds of need revised");
    expect(await page.locator("ol.annotations li").count()).toBe(before + 1);
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });

  it("a chart exports as a 2× PNG, an SVG and the CSV of exactly the rows it drew", async () => {
    const {page} = await open("/turn-the-curve?indicator=cp-rate&geography=target-wards");
    await page.waitForSelector("figure.chart-card svg");
    const card = page.locator("figure.chart-card").first();
    const svgWidth = Number(await card.locator(".chart-body svg").first().getAttribute("width"));
    const [png] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", {name: /Download PNG/}).click()]);
    expect(png.suggestedFilename()).toMatch(/^turn-the-curve-cp-rate-target-wards-financial-year\.png$/);
    const pngBytes = readFileSync((await png.path())!);
    expect(pngBytes.subarray(0, 8).toString("latin1")).toBe("\x89PNG\r\n\x1a\n");
    expect(pngBytes.readUInt32BE(16)).toBeGreaterThanOrEqual(2 * svgWidth); // IHDR width: twice the chart for slides
    const [svg] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", {name: /Download SVG/}).click()]);
    expect(readFileSync((await svg.path())!, "utf8")).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*Baseline: Children on a child protection plan/);
    const [csv] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", {name: /Download the data drawn as CSV/}).click()]);
    const lines = readFileSync((await csv.path())!, "utf8").trim().split(/\r\n/);
    expect(lines[0].split(",")).toEqual(expect.arrayContaining(["series", "period", "value", "lower95", "upper95"]));
    expect(lines.some((l) => l.startsWith("forecast,"))).toBe(true);
    expect(lines.some((l) => l.startsWith("target,2016/17,45"))).toBe(true);
    // The CSV and the data table under the chart hold the same rows.
    expect(lines.length - 1).toBe(await card.locator("details.chart-table tbody tr").count());
    await page.close();
  });

  it("npm run report prints one A4 page per indicator to a PDF", async () => {
    const out = join(s.root, "report.pdf");
    const result = await run("npm", ["run", "report", "--", "--indicator", "cp-rate,cla-rate", "--geography", "target-wards", "--out", out], {
      CURVE_WAREHOUSE: s.warehouseDir, CURVE_APP_STORE: join(s.root, "report-app.duckdb"), CURVE_AUDIT: join(s.root, "report-audit")
    });
    expect(result.code, result.out).toBe(0);
    const pdf = readFileSync(out);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect((pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length).toBe(2);
    expect(result.out).toContain("2 report page(s), 2 PDF page(s)");
  });
});
