import {spawn} from "node:child_process";
import {mkdirSync, mkdtempSync, readFileSync} from "node:fs";
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
async function open(path: string, role: Role = "commissioner", allow: (url: string, status: number) => boolean = () => false, requested: string[] = []) {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  const problems = {offsite: [] as string[], failed: [] as string[], errors: [] as string[]};
  page.on("request", (r) => {
    requested.push(r.url());
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
  // Generous: the machine is shared, and the ward pages run 10,000-draw rank simulations on first load.
  await page.goto(base[role] + path, {waitUntil: "networkidle", timeout: 90_000});
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
  // (each page test may wait up to 90 s for the page to settle on this shared machine)
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
  }, 120_000);
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

describe("honest verdicts a newcomer can read (issue 14)", () => {
  it("the strategy group's report card puts the target wards and the rest side by side with the gap per measure, says the CP-rate gap reversed, and prints whole", async () => {
    const {page, problems} = await open("/target-wards");
    const table = page.locator("table.side-by-side").first();
    await expect.poll(() => table.locator("tbody tr").count(), {timeout: 30_000}).toBeGreaterThan(8);
    expect(await table.locator("thead th").allTextContents()).toEqual(["Measure", "Target wards", "Rest of borough", "Gap: ratio (95% CI)", "Gap since 2014/15"]);
    const cp = table.locator("tbody tr", {hasText: "Children on a child protection plan per 10,000"}).first();
    expect(await cp.textContent()).toMatch(/Gap reversed[\s\S]*the target wards went from 5\d% above the rest of the borough to 2\d% below it/i);
    // A measure that ended says so in the table too, with its successor, instead of a verdict on its tail.
    expect(await table.locator("tbody tr", {hasText: "Initial assessments"}).textContent()).toMatch(/Discontinued after 2013\/14\s*Replaced by Single assessments/);
    expect(await cp.textContent()).not.toMatch(/Gap closing/);
    const cla = table.locator("tbody tr", {hasText: "Children looked after per 10,000"});
    expect(await cla.first().textContent()).toContain("No significant change in the gap");
    // More early help is better: the widening gap in early-help assessments is shown as better, not worse.
    expect(await table.locator("tbody tr", {hasText: /early help/i}).first().locator(".badge").getAttribute("class")).toContain("better");
    // The concentration index is either shown on its scale or withheld with the reason, never silently absent.
    await expect.poll(() => page.locator("main").textContent(), {timeout: 30_000}).toMatch(/Concentration index (−?-?\d[\d.]* \(from −1 to 1|withheld: it is computed from every ward's count)/);
    mkdirSync("test-results", {recursive: true});
    await table.screenshot({path: "test-results/target-wards-report-card.png"});
    await page.emulateMedia({media: "print"});
    expect(await table.evaluate((t) => t.closest(".printable")!.scrollWidth <= t.closest(".printable")!.clientWidth + 1)).toBe(true);
    await page.emulateMedia({media: "screen"});
    expect({...problems, violations: await axe(page)}).toEqual({offsite: [], failed: [], errors: [], violations: []});
    await page.close();
  }, 180_000);

  it("a commissioner sees every provider by quadrant on one screen, and the funnel's symbols match its caption with no provider names overlapping", async () => {
    const {page, problems} = await open("/providers");
    const table = page.locator("table.quadrant-table");
    await expect.poll(() => table.locator("tbody tr").count(), {timeout: 30_000}).toBe(8);
    // Providers by name, never by the slug the warehouse stores.
    expect(await table.textContent()).not.toMatch(/\b(dapp|beds-dapp|nfa)\b/);
    expect(await table.locator("thead th[scope=colgroup]").allTextContents()).toEqual(["How much did we do?", "How well did we do it?", "Is anyone better off?"]);
    const funnel = page.locator("figure.chart-card", {hasText: "raw percentages"}).first();
    expect(await funnel.locator("h3").textContent()).toMatch(/^.+ by provider, \d{4}\/\d{2}: raw percentages$/);
    // Each provider's glyph (▲ above, ▼ below, ● within) agrees with its significance in the data table.
    const rows = await funnel.locator("details.chart-table tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("th, td"), (c) => c.textContent ?? "")));
    const providers = rows.filter((r) => r[0] === "provider");
    expect(providers.length).toBeGreaterThan(3);
    for (const r of providers) expect(r.at(-1), r.join(" | ")).toBe(r.at(-2)!.startsWith("High") ? "▲" : r.at(-2)!.startsWith("Low") ? "▼" : "●");
    const glyphs = await funnel.locator("g.funnel-glyph text").allTextContents();
    expect(glyphs.sort()).toEqual(providers.map((r) => r.at(-1)).sort());
    const boxes = await funnel.locator("g.funnel-label text").evaluateAll((ts) => ts.map((t) => t.getBoundingClientRect()).map((b) => ({x: b.x, y: b.y, w: b.width, h: b.height})));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
      expect(overlap, `labels ${i} and ${j} overlap`).toBe(false);
    }
    expect({...problems, violations: await axe(page)}).toEqual({offsite: [], failed: [], errors: [], violations: []});
    await page.close();
  }, 180_000);

  it("the turn-the-curve chart fits its y-axis to the history and actuals, labels a fan that runs off it, and says the forecast in one plain sentence", async () => {
    const {page, problems} = await open("/turn-the-curve?indicator=cla-rate&geography=borough");
    await page.waitForSelector("figure.chart-card svg");
    const svg = page.locator("figure.chart-card .chart-body svg[data-y-max]").first();
    const [yMax, dataMax, fanMax] = await Promise.all(["data-y-max", "data-data-max", "data-fan-max"].map(async (a) => Number(await svg.getAttribute(a))));
    expect(yMax).toBeLessThanOrEqual(dataMax * 1.5);
    if (fanMax > yMax) expect(await svg.textContent()).toMatch(/band runs off the chart, to [\d,.]+/);
    expect(await page.locator(".forecast-sentence").textContent()).toMatch(/^If nothing changes, we expect about [\d,.]+ per 10,000 by \d{4}\/\d{2} \(likely between [\d,.]+ and [\d,.]+\)\.$/);
    expect(await page.locator("details.how-worked-out summary").textContent()).toBe("How was this worked out?");
    expect(await page.locator("p.legend").first().textContent()).toContain("z not applicable");
    expect(await page.locator("p.legend").first().textContent()).toContain("(trial) SPC limits from fewer than 12 points: provisional");
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  }, 180_000);

  it("the report card separates a trend's direction (arrow) from its judgement (colour and word), and says 'Initial assessments on time' is discontinued with its successor", async () => {
    const {page, problems} = await open("/?card=early-help-strategy&geography=borough");
    await expect.poll(() => page.locator("table.scorecard tbody tr").count(), {timeout: 20_000}).toBeGreaterThan(5);
    const badges = await page.locator("table.scorecard .badge").evaluateAll((bs) => bs.map((b) => [b.className, b.textContent?.trim() ?? ""]));
    for (const [, text] of badges.filter(([, t]) => /Increasing|Decreasing/.test(t))) {
      expect(text, text).toMatch(/^(▲ Increasing|▼ Decreasing)/);
    }
    const row = page.locator("tr.discontinued", {hasText: "Initial assessments"});
    await expect.poll(() => row.textContent(), {timeout: 15_000}).toMatch(/Discontinued after 2013\/14\s+Replaced by Single assessments completed within 45 working days/);
    expect(await row.textContent()).not.toMatch(/worse|concern/i);
    expect(await row.locator("a", {hasText: "Single assessments"}).getAttribute("href")).toContain("indicator=single-assessments-on-time");
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  }, 180_000);

  it("an unknown indicator, ward or page says so, a saved narrative is confirmed, the default baseline name is the baseline's date, and no series is fetched twice", async () => {
    const unknown = await open("/turn-the-curve?indicator=no-such-indicator&geography=ward:atlantis");
    await expect.poll(() => unknown.page.locator("[role=alert]").allTextContents(), {timeout: 15_000}).toEqual(expect.arrayContaining([
      expect.stringContaining("There is no indicator “no-such-indicator”"), expect.stringContaining("There is no ward “atlantis”")
    ]));
    await unknown.page.close();
    const missing = await open("/no-such-page", "commissioner", (url, status) => status === 404 && url.endsWith("/no-such-page"));
    expect(await missing.page.locator("h1").first().textContent()).toBe("Page not found");
    expect(await missing.page.locator("#observablehq-main a[href$='turn-the-curve']").count()).toBe(1);
    // The browser logs the page's own 404 status as a console error: that one is the point.
    const errors = missing.problems.errors.filter((e) => !/status of 404/.test(e));
    expect({...missing.problems, errors, violations: await axe(missing.page)}).toEqual({offsite: [], failed: [], errors: [], violations: []});
    await missing.page.close();
    const requested: string[] = [];
    const {page, problems} = await open("/turn-the-curve?indicator=cp-rate&geography=target-wards&asOf=2012/13", "commissioner", () => false, requested);
    await page.waitForSelector("figure.chart-card svg");
    expect(await page.locator("#freeze-name").inputValue()).toBe("Baseline drawn at 2012/13");
    await page.getByText("Edit the narrative", {exact: true}).click();
    await page.locator("#n-author").fill("Playwright");
    await page.locator("#n-message").fill("checked in the browser");
    await page.getByRole("button", {name: "Save a new version"}).click();
    await expect.poll(() => page.locator("#narrative-saved").textContent(), {timeout: 15_000}).toMatch(/^Saved the narrative as version \d+ at \d\d:\d\d\.$/);
    const series = requested.filter((u) => u.includes("/series"));
    expect(series.length, series.join("\n")).toBe(new Set(series).size);
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  }, 180_000);
});
