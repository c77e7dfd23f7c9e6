import {spawn} from "node:child_process";
import {mkdirSync, mkdtempSync, readFileSync} from "node:fs";
import {createRequire} from "node:module";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {serve, type ServerType} from "@hono/node-server";
import {chromium, type Browser, type Page} from "playwright-core";
import {createServer} from "../../api/server.js";
import {Warehouse} from "../../api/warehouse.js";
import {AppStore} from "../../api/appstore.js";
import {AuditLog} from "../../api/auth/audit.js";
import {configuredAuthenticator, RateLimiter} from "../../api/auth/middleware.js";
import type {Role} from "../../api/auth/roles.js";
import type {DisclosurePolicies} from "../../api/oba/policy.js";
import {CHROMIUM_ARGS} from "../../api/report/browser.js";
import {TokenStore} from "../../api/auth/tokens.js";
import {demoWorld} from "./demo.js";

/**
 * The dashboards in a real browser, for tests: the built pages served with the API over the run's
 * demo warehouse (test/setup/demo-world.ts), Debian's Chromium driven by playwright-core, listeners for what must
 * not happen (a request leaving this machine, a failed request, a console error) and axe-core.
 */
export function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{code: number; out: string}> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", ...env}});
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({code: code ?? 1, out}));
  });
}

export interface Dashboards {
  root: string;
  warehouseDir: string;
  warehouse: Warehouse;
  appStore: AppStore;
  tokens: TokenStore;
  browser: Browser;
  /**
   * A server on a free loopback port. With a role, loopback requests without a token act as that
   * role (as `npm start` runs the demo); with null, every request needs a token, as on a shared server.
   */
  serve(localRole: Role | null, options?: {disclosure?: DisclosurePolicies}): Promise<string>;
  close(): Promise<void>;
}

/**
 * Open the run's demo warehouse (read-only) and launch Chromium. The dashboards in dist/ were built
 * for the run by test/setup/dashboards.ts.
 */
export async function startDashboards(prefix = "curve-browser-"): Promise<Dashboards> {
  // The warehouse is the run's; this file's own writes (app store, tokens, audit) go to a folder of its own.
  const s = {root: mkdtempSync(join(tmpdir(), prefix)), warehouseDir: demoWorld().warehouseDir};
  const warehouse = new Warehouse(s.warehouseDir);
  const appStore = new AppStore(join(s.root, "app.duckdb"));
  const tokens = new TokenStore(join(s.root, "tokens.json"));
  const servers: ServerType[] = [];
  const browser = await chromium.launch({executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS});
  return {
    root: s.root, warehouseDir: s.warehouseDir, warehouse, appStore, tokens, browser,
    async serve(localRole, options = {}) {
      const auth = {tokens: {enabled: true, store: tokens.path}, oidc: null, localRole, rateLimit: {requestsPerMinute: 100_000}, audit: {dir: `${s.root}/audit`, retentionDays: 30}};
      const access = {authenticator: configuredAuthenticator(auth, tokens), limiter: new RateLimiter(100_000), audit: new AuditLog(auth.audit.dir, 30), clock: () => new Date(), signIn: {token: true, oidc: null}};
      const app = createServer({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), appStore, access, ...(options.disclosure ? {disclosure: options.disclosure} : {})}, {dashboardsDir: "dist"});
      const server = serve({fetch: app.fetch, port: 0, hostname: "127.0.0.1"});
      await new Promise((r) => server.once("listening", r));
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      await browser.close();
      for (const server of servers) server.close();
      await appStore.close();
      warehouse.close_();
    }
  };
}

export interface Problems {
  offsite: string[];
  failed: string[];
  errors: string[];
}

/** A page at `url` with listeners for everything that must not happen; `allow` excuses an expected HTTP error. */
export async function openPage(browser: Browser, url: string, {width = 1280, height = 900, allow = () => false, before}: {
  width?: number; height?: number; allow?: (url: string, status: number) => boolean; before?: (page: Page) => Promise<void>;
} = {}) {
  const page = await browser.newPage({viewport: {width, height}});
  const problems: Problems = {offsite: [], failed: [], errors: []};
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(u.hostname) && !["data:", "blob:"].includes(u.protocol)) problems.offsite.push(r.url());
  });
  page.on("requestfailed", (r) => problems.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !allow(r.url(), r.status())) problems.failed.push(`${r.url()} ${r.status()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") problems.errors.push(m.text());
  });
  page.on("pageerror", (e) => problems.errors.push(e.message));
  await before?.(page);
  await page.goto(url, {waitUntil: "networkidle", timeout: 90_000}); // 2 cores shared with other work
  return {page, problems};
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** WCAG 2.2 A and AA violations on the page, one line each. */
export async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({content: axeSource});
  return page.evaluate(async () => {
    const a = (window as unknown as {axe: {run: (ctx: unknown, opts: unknown) => Promise<{violations: {id: string; help: string; nodes: {target: string[]}[]}[]}>}}).axe;
    const result = await a.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
}

/** Screenshots from tests go to test-results/ (git-ignored); docs/screenshots/ is refreshed by `npm run screenshots`. */
export function screenshotPath(name: string): string {
  mkdirSync("test-results/screenshots", {recursive: true});
  return `test-results/screenshots/${name}.png`;
}
