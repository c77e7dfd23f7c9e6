import {loadConfig} from "./config.js";
import {createLogger, terminalProgress} from "./log.js";
import {listRuns, runPipeline} from "./run.js";
import {startSchedule} from "./schedule.js";
import {currentVersion, openReadOnly, queryRows} from "./warehouse/store.js";
import {summariseWarehouse} from "./warehouse/summary.js";
import {exitCodeOf, printReport, publicReport, validateCommand} from "./door/validate-command.js";

/**
 * `npm run pipeline -- <command>`:
 *   run [--inbox DIR] [--accept FILE]...
 *                         load every extract in the inbox and publish a new warehouse version when
 *                         data changed; --accept confirms a file the replace guard held (repeatable)
 *   status                the published version, when, and its row counts
 *   runs                  recent runs with per-extract outcomes
 *   quarantine [--run ID] quarantined rows with their rule and message (no child keys)
 *   schedule              run on the cron schedule in data/config.json until stopped
 *   validate [--json] [--la NNN] FILE...  check statutory returns (SSDA903, ...) or Curve extracts; writes nothing
 * A run while the server is running is safe: it builds a new version beside the live one and the
 * server switches to it when it is published; a second concurrent run is refused by the lock.
 */
const [command = "run", ...args] = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const config = loadConfig();
const log = createLogger("pipeline");

async function withCurrent<T>(fn: (conn: Awaited<ReturnType<Awaited<ReturnType<typeof openReadOnly>>["connect"]>>) => Promise<T>): Promise<T | null> {
  const current = currentVersion({dir: config.warehouseDir});
  if (!current) {
    console.error(`No published warehouse in ${config.warehouseDir}: run \`npm run pipeline -- run\` first.`);
    process.exitCode = 1;
    return null;
  }
  const instance = await openReadOnly(current.path);
  const conn = await instance.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

switch (command) {
  case "run": {
    const inbox = opt("inbox") ?? config.inbox;
    const accept = args.flatMap((a, i) => (a === "--accept" && args[i + 1] ? [args[i + 1]] : []));
    const record = await runPipeline({...config, inbox, accept}, {log, progress: terminalProgress("loading")});
    for (const e of record.extracts.filter((e) => e.outcome === "refused" || e.outcome === "held" || e.outcome === "failed")) console.error(`${e.outcome}: ${e.message}`);
    const strays = accept.filter((f) => !record.extracts.some((e) => e.file === f));
    if (strays.length) console.error(`--accept named file(s) not in the inbox: ${strays.join(", ")}`);
    for (const r of record.reference ?? []) (r.outcome === "refused" ? console.error : console.log)(`reference ${r.outcome}: ${r.message}`);
    for (const d of (record.door ?? []).filter((d) => d.outcome === "refused")) console.error(`refused: ${d.file}: ${d.message}`);
    console.log(`${record.status}: ${record.message}`);
    if (record.status === "failed") process.exitCode = 1;
    if (record.status === "skipped") process.exitCode = 3;
    break;
  }
  case "status": {
    const s = await withCurrent(summariseWarehouse);
    if (s) console.log(JSON.stringify(s, null, 2));
    break;
  }
  case "runs":
    for (const r of listRuns(config.warehouseDir).slice(0, Number(opt("limit") ?? 10))) {
      console.log(`${r.run_id}  ${r.status.padEnd(9)} ${r.started_at} → ${r.finished_at ?? "…"}  ${r.message}`);
    }
    break;
  case "quarantine": {
    const runId = opt("run");
    const rows = await withCurrent((conn) =>
      queryRows(conn, `SELECT file, source_row, line, field, rule, message FROM quarantine ${runId ? "WHERE run_id = $1" : ""} ORDER BY file, source_row, line LIMIT 500`, runId ? [runId] : undefined));
    if (rows) console.table(rows);
    break;
  }
  case "schedule":
    startSchedule(config, log);
    break;
  case "validate": {
    const la = opt("la");
    const files = args.filter((a, i) => a !== "--json" && a !== "--la" && args[i - 1] !== "--la");
    if (!files.length) {
      console.error("Usage: npm run pipeline -- validate [--json] FILE...");
      process.exitCode = 2;
      break;
    }
    const reports = await validateCommand(files, {defaultLa: la ?? config.laCode});
    if (args.includes("--json")) process.stdout.write(JSON.stringify(reports.map(publicReport), null, 2) + "\n");
    else for (const r of reports) printReport(r, (s) => process.stdout.write(s));
    process.exitCode = exitCodeOf(reports);
    break;
  }
  default:
    console.error(`Unknown command '${command}'. Commands: run, status, runs, quarantine, schedule, validate.`);
    process.exitCode = 2;
}
