import {existsSync} from "node:fs";
import {spawnSync} from "node:child_process";
import type {AddressInfo} from "node:net";
import {serve, type ServerType} from "@hono/node-server";
import {chromium, type Browser} from "playwright-core";
import {createServer} from "../server.js";
import {Warehouse} from "../warehouse.js";
import {AppStore} from "../appstore.js";
import {AuditLog} from "../auth/audit.js";
import {parseAuthConfig} from "../auth/config.js";
import {configuredAuthenticator, RateLimiter} from "../auth/middleware.js";
import {TokenStore} from "../auth/tokens.js";
import type {Role} from "../auth/roles.js";
import {loadConfig} from "../../pipelines/config.js";
import {readFileSync} from "node:fs";
import {resolve} from "node:path";


/**
 * Shared by the report CLI and the dashboards benchmark: Debian's Chromium (never a downloaded one)
 * with the flags that keep it offline, and the Curve server started in this process on a free
 * loopback port.
 */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({executablePath, args: CHROMIUM_ARGS});
}

/** Builds the dashboards when dist/ does not have the page yet. */
export function ensureDashboards(page = "report.html", dir = "dist"): void {
  if (existsSync(`${dir}/${page}`)) return;
  console.error(`${dir}/${page} is missing: building the dashboards (npm run dashboards:build) …`);
  const build = spawnSync("npm", ["run", "dashboards:build"], {stdio: ["ignore", "ignore", "inherit"], env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"}});
  if (build.status !== 0 || !existsSync(`${dir}/${page}`)) throw new Error("the dashboards did not build: run npm run dashboards:build and read its output");
}

export interface LocalServer {
  base: string;
  notes: string[];
  close(): Promise<void>;
}

/**
 * The API and dashboards on 127.0.0.1 (a free port), reading the configured warehouse and app store.
 * The browser that this process drives is the only client: loopback requests get `role` (viewer by
 * default: the report only reads), and every request is audited like any other.
 */
/**
 * Is Curve already running on this machine's port? "ok" when it answers (with the token, if any),
 * "needs-token" when it asks for one, "none" when nothing answers as Curve does.
 */
export async function probeRunningServer(port: number, token?: string): Promise<{status: "ok" | "needs-token" | "none"; base: string}> {
  const base = `http://127.0.0.1:${port}`;
  try {
    const res = await fetch(`${base}/api/health`, {headers: token ? {authorization: `Bearer ${token}`} : {}, signal: AbortSignal.timeout(3000)});
    if (res.ok && (await res.json().catch(() => null))?.status === "ok") return {status: "ok", base};
    if (res.status === 401) return {status: "needs-token", base};
    return {status: "none", base};
  } catch {
    return {status: "none", base};
  }
}

export async function startLocalServer({role = "viewer" as Role, dashboardsDir = "dist", requireAppStore = false} = {}): Promise<LocalServer> {
  const config = loadConfig();
  const configPath = process.env.CURVE_CONFIG ?? "data/config.json";
  const auth = parseAuthConfig(JSON.parse(readFileSync(configPath, "utf8")).auth, configPath);
  const notes: string[] = [];
  if (!existsSync(`${config.warehouseDir}/CURRENT`)) throw new Error(`no published warehouse in ${config.warehouseDir}: run npm run pipeline -- run (or npm start) first`);
  const warehouse = new Warehouse(config.warehouseDir);
  // DuckDB lets one process write a file: when `npm start` holds the app store, read without it.
  let appStore: AppStore | undefined = new AppStore(config.appStore);
  try {
    await appStore.baselines();
  } catch (e) {
    await appStore.close().catch(() => undefined);
    // A report printed without the narratives would say "Not yet written" of a written one: refuse.
    if (requireAppStore) {
      warehouse.close_();
      throw new Error(`the app store ${config.appStore} is in use by another process (${(e as Error).message.split("\n")[0]}), so narratives, targets and frozen baselines cannot be read. If npm start is running, start the report with --url http://localhost:<port> (and --token if it asks for one), or stop it first.`);
    }
    notes.push(`the app store ${config.appStore} could not be opened (${(e as Error).message.split("\n")[0]}); frozen baselines, targets and narratives are left out. If npm start is running, use --url http://localhost:${config.port} instead.`);
    await appStore.close().catch(() => undefined);
    appStore = undefined;
  }
  const localAuth = {...auth, tokens: {...auth.tokens, enabled: false}, oidc: null, localRole: role};
  const access = {
    authenticator: configuredAuthenticator(localAuth, new TokenStore(resolve(auth.tokens.store))),
    limiter: new RateLimiter(100_000),
    audit: new AuditLog(resolve(process.env.CURVE_AUDIT ?? auth.audit.dir), auth.audit.retentionDays),
    clock: () => new Date()
  };
  const app = createServer({warehouse, warehouseDir: config.warehouseDir, log: () => undefined, clock: () => new Date(), appStore, access}, {dashboardsDir});
  const server: ServerType = serve({fetch: app.fetch, port: 0, hostname: "127.0.0.1"});
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base, notes,
    async close() {
      await new Promise((r) => {
        server.close(() => r(undefined));
        (server as unknown as {closeAllConnections?: () => void}).closeAllConnections?.();
      });
      await appStore?.close();
      warehouse.close_();
    }
  };
}
