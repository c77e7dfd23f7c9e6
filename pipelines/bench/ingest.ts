import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync} from "node:fs";
import {loadavg, tmpdir} from "node:os";
import {basename, join, resolve} from "node:path";
import {DuckDBInstance} from "@duckdb/node-api";
import {parseExtractName, type ExtractName} from "../contracts/extracts.js";
import {fyFileLabel, fyOfDate} from "../../shared/calendar.js";
import {sqlString} from "../contracts/fields.js";
import {runPipeline} from "../run.js";
import {timedRun} from "./timed-run.js";
import {queryRows} from "../warehouse/store.js";

/**
 * `npm run bench:ingest`: the pipeline's rows/second on the england-scale extracts against DuckDB's own
 * read_csv of the same files into plain tables, in the same run (a ratio, because these machines are
 * noisy). Goal: validation and lineage cost at most 2× the raw load (ratio ≥ 0.5).
 * With --quick, the same measurement on the Luton demo extracts (data/demo-extracts, *_821_*), in
 * well under two minutes, for the edit loop.
 * With --statutory, the statutory formats through the door instead (pipelines/bench/statutory.ts).
 * With --incremental, one referrals file is held out of the big run and then loaded on its own into the
 * warehouse the run built and into an empty one: a one-file run should cost the file, not the
 * warehouse (goal: at most 5× the empty-warehouse time). Then one authority's plans file gains a plan
 * starting in the month after every plan and care episode so far, and is loaded the same two ways:
 * a run that moves the snapshot calendar, as the first authority to send a new month's data does.
 */
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const incremental = args.includes("--incremental");
if (args.includes("--statutory")) {
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const {benchStatutory} = await import("./statutory.js");
  const figures = await benchStatutory({years: option("--years"), referrals: option("--referrals"), episodes: option("--episodes")});
  const {next_year_phases: phases, ...counts} = figures;
  console.table(counts);
  console.log(`door: ${figures.pipeline_rows_per_second} source rows/s (903 rows + CIN referrals, end to end) beside DuckDB's raw read_csv of the 903 CSVs at ${figures.raw_csv_rows_per_second} rows/s; CIN XML parse ${figures.xml_parse_mb_per_second} MB/s (${figures.xml_parse_mb_per_cpu_second} MB per CPU second)`);
  console.log(`next year: ${figures.next_year_ratio}× (a year's 903 pair and CIN census added to the inbox of the ${figures.years} earlier years: ${figures.next_year_into_warehouse_seconds} s into their warehouse ÷ ${figures.next_year_into_empty_seconds} s alone into an empty one)`);
  console.log(`next year without the door's read cache (every kept return parsed and keyed again, same run): ${figures.next_year_without_read_cache_seconds} s, ` +
    `${(figures.next_year_without_read_cache_seconds / figures.next_year_into_empty_seconds).toFixed(2)}×; the cache is ${(figures.next_year_without_read_cache_seconds / figures.next_year_into_warehouse_seconds).toFixed(2)}× faster and holds ${figures.door_read_cache_megabytes} MB`);
  console.log(`next year, seconds per phase: ${JSON.stringify(phases)}`);
  console.log(`curve extract beside the returns: ${figures.curve_extract_ratio}× (3,000 referrals in Curve's layout: ${figures.curve_extract_into_warehouse_seconds} s into the warehouse of ${figures.years + 1} years of returns ÷ ${figures.curve_extract_into_empty_seconds} s into an empty one; returns read again: ${figures.curve_extract_read_returns ? "yes" : "no"})`);
  mkdirSync("docs/benchmarks", {recursive: true});
  writeFileSync("docs/benchmarks/ingest-statutory-latest.json", JSON.stringify({measured_at: new Date().toISOString(), ...figures}, null, 2) + "\n");
  process.exit(0);
}
const scale = quick ? "demo" : "england";
const dir = resolve(args.find((a) => !a.startsWith("--")) ?? (quick ? "data/demo-extracts" : "data/england"));
// Luton's own extracts (authority 821): the reference customer's files, a few seconds of loading.
const wanted = (f: string) => f.endsWith(".csv") && (!quick || /_821_\d{4}-\d{2}\.csv$/.test(f));
if (!existsSync(dir) || readdirSync(dir).filter(wanted).length === 0) {
  console.log(`No ${scale}-scale extracts in ${dir}: generating them (npm run demo-data -- --scale ${scale}) …`);
  const {generateDemoExtracts} = await import("../demo/generate.js");
  await generateDemoExtracts({scale, outDir: dir});
}
const files = readdirSync(dir).filter(wanted).sort();
// The held-out file: the referrals file of median size (a typical month's or year's return).
const referralFiles = files.filter((f) => f.startsWith("referrals_")).sort((a, b) => statSync(join(dir, a)).size - statSync(join(dir, b)).size);
const heldOut = incremental ? referralFiles[Math.floor(referralFiles.length / 2)] : null;
const bytes = files.reduce((s, f) => s + statSync(join(dir, f)).size, 0);

// 1. The baseline: DuckDB's read_csv of every file into one table per extract type.
const raw = await DuckDBInstance.create(":memory:");
const conn = await raw.connect();
let t0 = performance.now();
// CPU seconds too (DuckDB's threads run in this process): on a machine shared with other work the
// wall-clock ratio moves with the load, the CPU one much less.
let cpu0 = process.cpuUsage();
const cpuSeconds = () => {
  const u = process.cpuUsage(cpu0);
  return (u.user + u.system) / 1e6;
};
let rawRows = 0;
const byType = new Map<string, string[]>();
for (const f of files) {
  const n = parseExtractName(f);
  if ("error" in n) continue;
  byType.set(n.type, [...(byType.get(n.type) ?? []), join(dir, f)]);
}
for (const [type, paths] of byType) {
  await conn.run(`CREATE TABLE ${type} AS SELECT * FROM read_csv([${paths.map(sqlString).join(", ")}], header = true)`);
  rawRows += (await queryRows<{n: number}>(conn, `SELECT count(*)::INTEGER AS n FROM ${type}`))[0].n;
}
const rawSeconds = (performance.now() - t0) / 1000;
const rawCpu = cpuSeconds();
conn.closeSync();
raw.closeSync();

// 2. The pipeline: the same files through contracts, identifier screening, quarantine, lineage, facts and Parquet.
const work = mkdtempSync(join(tmpdir(), "curve-bench-"));
t0 = performance.now();
cpu0 = process.cpuUsage();
// The inbox is a folder of links to the chosen files, so the pipeline reads exactly what the baseline read.
const inbox = join(work, "inbox");
mkdirSync(inbox);
for (const f of files) if (f !== heldOut) symlinkSync(join(dir, f), join(inbox, f));
const record = await runPipeline({inbox, warehouseDir: join(work, "warehouse"), referenceDir: "data/reference"});
const pipelineSeconds = (performance.now() - t0) / 1000;
const pipelineCpu = cpuSeconds();
if (record.status !== "published") {
  console.error(`The pipeline did not publish: ${record.message}`);
  process.exit(1);
}

/** Seconds for a run whose inbox holds only the file at `path`, into the warehouse in `warehouseDir`. */
async function oneFileRun(path: string, warehouseDir: string): Promise<{seconds: number; rows: number; quarantined: number; phases: Record<string, number>}> {
  const one = mkdtempSync(join(work, "one-"));
  symlinkSync(path, join(one, basename(path)));
  const {record: r, seconds, phases} = await timedRun(one, warehouseDir);
  return {seconds, rows: r.extracts.reduce((n, e) => n + e.rowsLoaded + e.rowsQuarantined, 0), quarantined: r.extracts.reduce((n, e) => n + e.rowsQuarantined, 0), phases};
}
let oneFile: Record<string, number | string> = {};
let incrementalPhases: Record<string, Record<string, number>> | undefined;
if (heldOut) {
  const empty = await oneFileRun(join(dir, heldOut), join(work, "empty-warehouse"));
  const full = await oneFileRun(join(dir, heldOut), join(work, "warehouse"));
  oneFile = {
    incremental_file: heldOut,
    incremental_rows: full.rows,
    incremental_warehouse_files: files.length - 1,
    incremental_into_warehouse_seconds: +full.seconds.toFixed(2),
    incremental_into_empty_seconds: +empty.seconds.toFixed(2),
    incremental_ratio: +(full.seconds / empty.seconds).toFixed(2)
  };
  // Seconds per phase of each one-file run: what still grows with the warehouse shows here.
  console.table({"into the warehouse": full.phases, "into an empty one": empty.phases});
  incrementalPhases = {into_warehouse: full.phases, into_empty: empty.phases};

  const calendarFile = await nextMonthPlans(parseExtractName(heldOut) as ExtractName);
  const calendarEmpty = await oneFileRun(calendarFile, join(work, "empty-warehouse-2"));
  const calendarFull = await oneFileRun(calendarFile, join(work, "warehouse"));
  // The new plan must be published, or the calendar did not move and the figure would mean nothing.
  if (calendarEmpty.rows === 1 && calendarEmpty.quarantined > 0) throw new Error(`the bench's plan in ${calendarFile} was quarantined`);
  oneFile = {
    ...oneFile,
    calendar_file: basename(calendarFile),
    calendar_into_warehouse_seconds: +calendarFull.seconds.toFixed(2),
    calendar_into_empty_seconds: +calendarEmpty.seconds.toFixed(2),
    calendar_ratio: +(calendarFull.seconds / calendarEmpty.seconds).toFixed(2)
  };
  console.table({"calendar: into the warehouse": calendarFull.phases, "calendar: into an empty one": calendarEmpty.phases});
  incrementalPhases = {...incrementalPhases, calendar_into_warehouse: calendarFull.phases, calendar_into_empty: calendarEmpty.phases};
}

/**
 * The held-out file's authority's plans file for the year of the month after every plan and care
 * episode in the inbox, with one plan starting on that month's first day added (written under the run's folder).
 */
async function nextMonthPlans(like: ExtractName): Promise<string> {
  const episodes = files.filter((f) => /^(cp_plans|looked_after)_/.test(f)).map((f) => sqlString(join(dir, f)));
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const [{next}] = await queryRows<{next: string}>(c, `SELECT (date_trunc('month', max(TRY_CAST(start_date AS DATE))) + INTERVAL 1 MONTH)::DATE::VARCHAR AS next
    FROM read_csv([${episodes.join(", ")}], header = true, all_varchar = true, union_by_name = true)`);
  c.closeSync();
  db.closeSync();
  const name = `cp_plans_${like.laCode}_${fyFileLabel(fyOfDate(next))}.csv`;
  const own = files.filter((f) => f.startsWith(`cp_plans_${like.laCode}_`)).sort();
  if (!own.length) throw new Error(`no plans file of authority ${like.laCode} to add a plan to`);
  const kept = readFileSync(join(dir, files.includes(name) ? name : own.at(-1)!), "utf8").trimEnd().split("\n");
  // The new plan is the authority's last one (its ward, category and codes), for a younger child, starting next month.
  const header = kept[0].split(",");
  const template = Object.fromEntries(kept.at(-1)!.split(",").map((v, i) => [header[i], v]));
  const plan: Record<string, string> = {...template, plan_id: `P${like.laCode}-BENCH1`, child_key: "be00000000000001", birth_month: "2010-01", start_date: next, end_date: "", plan_sequence: "1"};
  const rows = files.includes(name) ? kept : [kept[0]];
  const path = join(work, "calendar", name);
  mkdirSync(join(work, "calendar"), {recursive: true});
  writeFileSync(path, `${[...rows, header.map((h) => plan[h] ?? "").join(",")].join("\n")}\n`);
  return path;
}
rmSync(work, {recursive: true, force: true});
const loaded = record.extracts.reduce((s, e) => s + e.rowsLoaded, 0);
const quarantined = record.extracts.reduce((s, e) => s + e.rowsQuarantined, 0);
const pipelineRows = loaded + quarantined;

const figures = {
  files: files.length,
  megabytes: +(bytes / 1e6).toFixed(1),
  raw_rows: rawRows,
  raw_seconds: +rawSeconds.toFixed(2),
  raw_rows_per_second: Math.round(rawRows / rawSeconds),
  raw_cpu_seconds: +rawCpu.toFixed(2),
  pipeline_rows: pipelineRows,
  pipeline_loaded: loaded,
  pipeline_quarantined: quarantined,
  pipeline_seconds: +pipelineSeconds.toFixed(2),
  pipeline_rows_per_second: Math.round(pipelineRows / pipelineSeconds),
  pipeline_cpu_seconds: +pipelineCpu.toFixed(2),
  ratio: +((pipelineRows / pipelineSeconds) / (rawRows / rawSeconds)).toFixed(3),
  cpu_ratio: +((pipelineRows / pipelineCpu) / (rawRows / rawCpu)).toFixed(3),
  load_average: +loadavg()[0].toFixed(1),
  ...oneFile
};
console.table(figures);
console.log(`ingest ratio: ${figures.ratio} (pipeline rows/s ÷ raw read_csv rows/s)`);
console.log(`cpu ratio: ${figures.cpu_ratio} (pipeline rows per CPU second ÷ raw read_csv's; load average ${figures.load_average})`);
if (heldOut) {
  console.log(`calendar: ${oneFile.calendar_ratio}× (${oneFile.calendar_file}, a plan in the month after every other: ${oneFile.calendar_into_warehouse_seconds} s into the warehouse ÷ ${oneFile.calendar_into_empty_seconds} s into an empty one)`);
  console.log(`incremental: ${oneFile.incremental_ratio}× (${heldOut}, ${oneFile.incremental_rows} rows: ${oneFile.incremental_into_warehouse_seconds} s into the ${files.length - 1}-file warehouse ÷ ${oneFile.incremental_into_empty_seconds} s into an empty one)`);
}
mkdirSync("docs/benchmarks", {recursive: true});
writeFileSync(`docs/benchmarks/ingest${quick ? "-quick" : ""}-latest.json`, JSON.stringify({measured_at: new Date().toISOString(), ...figures, ...(incrementalPhases ? {incremental_phases: incrementalPhases} : {})}, null, 2) + "\n");
