import {spawnSync} from "node:child_process";
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import type {AddressInfo} from "node:net";
import {serve, type ServerType} from "@hono/node-server";
import {chromium, type Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createServer} from "../../api/server.js";
import {Warehouse} from "../../api/warehouse.js";
import {AuditLog} from "../../api/auth/audit.js";
import {configuredAuthenticator, RateLimiter} from "../../api/auth/middleware.js";
import {TokenStore} from "../../api/auth/tokens.js";
import {referralsCsv, scratch} from "../helpers/warehouse.js";

/**
 * Every dashboard page in a real browser (Debian's Chromium driven by playwright-core): it loads with
 * no failed request, nothing leaving localhost, no console error, and no WCAG 2.2 A/AA violation.
 */
const PAGES = [
  {path: "/", heading: "Curve", screenshot: "home"},
  {path: "/data", heading: "Data", screenshot: "data"}
];

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const s = scratch("curve-browser-");
let server: ServerType;
let base: string;
let browser: Browser;
let warehouse: Warehouse;

beforeAll(async () => {
  const build = spawnSync("npm", ["run", "dashboards:build"], {encoding: "utf8", env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"}});
  if (build.status !== 0) throw new Error(`dashboards did not build:\n${build.stdout}\n${build.stderr}`);
  s.put("referrals_821_2012-13.csv", referralsCsv(12));
  await s.run();
  warehouse = new Warehouse(s.warehouseDir);
  // As `npm start` runs it: the browser on loopback, with no token, gets the configured local role.
  const auth = {tokens: {enabled: true, store: `${s.root}/tokens.json`}, oidc: null, localRole: "commissioner" as const, rateLimit: {requestsPerMinute: 10_000}, audit: {dir: `${s.root}/audit`, retentionDays: 30}};
  const access = {authenticator: configuredAuthenticator(auth, new TokenStore(auth.tokens.store)), limiter: new RateLimiter(10_000), audit: new AuditLog(auth.audit.dir, 30), clock: () => new Date()};
  const app = createServer({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access}, {dashboardsDir: "dist"});
  server = serve({fetch: app.fetch, port: 0, hostname: "127.0.0.1"});
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
  });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  warehouse?.close_();
});

describe.each(PAGES)("dashboard page $path", ({path, heading, screenshot}) => {
  it("loads offline with no failed request, no console error and no accessibility violation", async () => {
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const offsite: string[] = [];
    const failed: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (!["127.0.0.1", "localhost"].includes(url.hostname) && url.protocol !== "data:") offsite.push(r.url());
    });
    page.on("requestfailed", (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.url()} ${r.status()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(base + path, {waitUntil: "networkidle"});
    expect(await page.locator("h1").first().textContent()).toBe(heading);
    await page.screenshot({path: `docs/screenshots/${screenshot}.png`, fullPage: true});
    await page.addScriptTag({content: axeSource});
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as {axe: {run: (ctx: unknown, opts: unknown) => Promise<{violations: {id: string; help: string; nodes: {target: string[]}[]}[]}>}}).axe;
      const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
    });
    expect({offsite, failed, errors, violations}).toEqual({offsite: [], failed: [], errors: [], violations: []});
    await page.close();
  });
});
