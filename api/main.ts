import {existsSync, readdirSync} from "node:fs";
import {spawnSync} from "node:child_process";
import {join} from "node:path";
import {serve} from "@hono/node-server";
import {loadConfig} from "../pipelines/config.js";
import {createLogger} from "../pipelines/log.js";
import {runPipelineInChild} from "../pipelines/child.js";
import {assembleDemoInbox} from "../pipelines/demo/statutory/inbox.js";
import {STATUTORY_DIR} from "../pipelines/demo/statutory/index.js";
import {childKeyPath, ChildKeys, loadChildKey} from "../pipelines/door/identity.js";
import {startSchedule} from "../pipelines/schedule.js";
import {createServer} from "./server.js";
import {Warehouse} from "./warehouse.js";
import {buildAccessControl} from "./auth/setup.js";
import {resolvePolicies, type DisclosurePolicies} from "./oba/policy.js";
import {referenceFromEnv} from "./reference.js";
import {PlanWarm} from "./plans-warm.js";

/**
 * `npm start`: demo extracts (generated if missing) → inbox → pipeline → dashboards build → serve
 * (the demo inbox holds the statutory files a council returns, SSDA903 and CIN census, loaded
 * through the importers, unless demoInput is "curve": pipelines/demo/statutory/inbox.ts)
 * API and dashboards on http://localhost:3000, with the pipeline scheduled. Every pipeline run is a
 * child process, so a run that crashes or exhausts memory never takes the server down.
 */
// A broken configuration (a disclosure policy among it) stops the server with the field named.
let config: ReturnType<typeof loadConfig>;
let disclosure: DisclosurePolicies;
try {
  config = loadConfig();
  disclosure = resolvePolicies(config.disclosure);
} catch (err) {
  console.error((err as Error).message);
  process.exit(78);
}
const log = createLogger("curve");
// Access control is checked before anything else: a broken configuration must stop the server, not open it.
let access;
try {
  access = buildAccessControl(process.env.CURVE_CONFIG ?? "data/config.json");
} catch (err) {
  console.error((err as Error).message);
  process.exit(78);
}

const csvs = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".csv")) : []);

const demoInput = config.demoInput ?? "statutory";
// Demo extracts written before the statutory files existed are rewritten whole (the generator is deterministic).
const noStatutory = demoInput === "statutory" && !existsSync(join(config.demoExtracts, STATUTORY_DIR));
if (csvs(config.demoExtracts).length === 0 || noStatutory) {
  const {generateDemoExtracts} = await import("../pipelines/demo/generate.js");
  console.log(`Generating demo extracts into ${config.demoExtracts} …`);
  await generateDemoExtracts({outDir: config.demoExtracts, force: noStatutory});
}
// An inbox with anything in it (a council's own files, any format) is left alone.
const emptyInbox = !existsSync(config.inbox) || readdirSync(config.inbox).every((f) => f.startsWith("."));
if (emptyInbox) {
  // Curve-layout early help and service rows get the key the door gives the same child, so journeys join.
  let keys: ChildKeys | null = null;
  const rekey = (la: string, id: string) => (keys ??= new ChildKeys(loadChildKey(childKeyPath(config.childKeyFile)))).of(la, id);
  const files = assembleDemoInbox(config.demoExtracts, config.inbox, demoInput, {rekey});
  console.log(`Put the demo into the inbox (${config.inbox}): ${files.length} files, ${demoInput === "statutory" ? "referrals to looked-after episodes as SSDA903 and CIN census returns" : "all in Curve's own layout"}.`);
}

const outcome = await runPipelineInChild(config);
const record = "record" in outcome ? outcome.record : null;
console.log("record" in outcome ? `pipeline ${outcome.record.status}: ${outcome.record.message}` : `pipeline crashed: ${outcome.crashed}`);

if (process.env.CURVE_SKIP_DASHBOARDS !== "1" && (!existsSync("dist/index.html") || process.env.CURVE_REBUILD_DASHBOARDS === "1" || record?.status === "published")) {
  console.log("Building dashboards …");
  const build = spawnSync("npm", ["run", "dashboards:build"], {stdio: "inherit", env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"}});
  if (build.status !== 0) console.error("The dashboards did not build; the API still starts. See the output above.");
}

// The disclosure plans of a new version are solved by a child of their own before anyone asks
// (api/plans-warm.ts): for the version there at start, each run the schedule publishes, and a version
// published by hand, within half a minute (a look at CURRENT) or when a request first meets it.
const planWarm = new PlanWarm(config.warehouseDir, log);
const warehouse = new Warehouse(config.warehouseDir, {onVersion: (v) => planWarm.notice(v)});
const {AppStore} = await import("./appstore.js");
const appStore = new AppStore(config.appStore);
// The reference files (CURVE_INDICATORS, CURVE_SCORECARDS, CURVE_PUBLISHED_FIGURES, CURVE_PERFORMANCE_MEASURES
// or data/reference), read when first asked for and kept for the server's lifetime.
const reference = referenceFromEnv();
const app = createServer({warehouse, warehouseDir: config.warehouseDir, log, clock: () => new Date(), appStore, access: access.control, disclosure, reference}, {dashboardsDir: "dist"});
planWarm.noticeCurrent();
planWarm.watch(30_000);
startSchedule(config, log, {onPublished: () => planWarm.noticeCurrent()});
serve({fetch: app.fetch, port: config.port, hostname: process.env.HOST ?? "127.0.0.1"}, (info) => {
  console.log(`Curve is running on http://localhost:${info.port}  (API: /api/health, /api/openapi.json)`);
  console.log(access.describe);
});
