import {existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {DuckDBInstance} from "@duckdb/node-api";
import {parseExtractName} from "../contracts/extracts.js";
import {sqlString} from "../contracts/fields.js";
import {runPipeline} from "../run.js";
import {queryRows} from "../warehouse/store.js";

/**
 * `npm run bench:ingest`: the pipeline's rows/second on the england-scale extracts against DuckDB's own
 * read_csv of the same files into plain tables, in the same run (a ratio, because these machines are
 * noisy). Goal: validation and lineage cost at most 2× the raw load (ratio ≥ 0.5).
 * With --statutory, the statutory formats through the door instead (pipelines/bench/statutory.ts).
 */
const args = process.argv.slice(2);
if (args.includes("--statutory")) {
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const {benchStatutory} = await import("./statutory.js");
  const figures = await benchStatutory({years: option("--years"), referrals: option("--referrals"), episodes: option("--episodes")});
  console.table(figures);
  console.log(`door: ${figures.pipeline_rows_per_second} source rows/s (903 rows + CIN referrals, end to end) beside DuckDB's raw read_csv of the 903 CSVs at ${figures.raw_csv_rows_per_second} rows/s; CIN XML parse ${figures.xml_parse_mb_per_second} MB/s (${figures.xml_parse_mb_per_cpu_second} MB per CPU second)`);
  mkdirSync("docs/benchmarks", {recursive: true});
  writeFileSync("docs/benchmarks/ingest-statutory-latest.json", JSON.stringify({measured_at: new Date().toISOString(), ...figures}, null, 2) + "\n");
  process.exit(0);
}
const dir = resolve(args[0] ?? "data/england");
if (!existsSync(dir) || readdirSync(dir).filter((f) => f.endsWith(".csv")).length === 0) {
  console.log(`No england-scale extracts in ${dir}: generating them (npm run demo-data -- --scale england) …`);
  const {generateDemoExtracts} = await import("../demo/generate.js");
  await generateDemoExtracts({scale: "england", outDir: dir});
}
const files = readdirSync(dir).filter((f) => f.endsWith(".csv")).sort();
const bytes = files.reduce((s, f) => s + statSync(join(dir, f)).size, 0);

// 1. The baseline: DuckDB's read_csv of every file into one table per extract type.
const raw = await DuckDBInstance.create(":memory:");
const conn = await raw.connect();
let t0 = performance.now();
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
conn.closeSync();
raw.closeSync();

// 2. The pipeline: the same files through contracts, identifier screening, quarantine, lineage, facts and Parquet.
const work = mkdtempSync(join(tmpdir(), "curve-bench-"));
t0 = performance.now();
const record = await runPipeline({inbox: dir, warehouseDir: join(work, "warehouse"), referenceDir: "data/reference"});
const pipelineSeconds = (performance.now() - t0) / 1000;
rmSync(work, {recursive: true, force: true});
if (record.status !== "published") {
  console.error(`The pipeline did not publish: ${record.message}`);
  process.exit(1);
}
const loaded = record.extracts.reduce((s, e) => s + e.rowsLoaded, 0);
const quarantined = record.extracts.reduce((s, e) => s + e.rowsQuarantined, 0);
const pipelineRows = loaded + quarantined;

const figures = {
  files: files.length,
  megabytes: +(bytes / 1e6).toFixed(1),
  raw_rows: rawRows,
  raw_seconds: +rawSeconds.toFixed(2),
  raw_rows_per_second: Math.round(rawRows / rawSeconds),
  pipeline_rows: pipelineRows,
  pipeline_loaded: loaded,
  pipeline_quarantined: quarantined,
  pipeline_seconds: +pipelineSeconds.toFixed(2),
  pipeline_rows_per_second: Math.round(pipelineRows / pipelineSeconds),
  ratio: +((pipelineRows / pipelineSeconds) / (rawRows / rawSeconds)).toFixed(3)
};
console.table(figures);
console.log(`ratio (pipeline rows/s ÷ raw read_csv rows/s) = ${figures.ratio} — goal ≥ 0.5: ${figures.ratio >= 0.5 ? "met" : "NOT met"}`);
mkdirSync("docs/benchmarks", {recursive: true});
writeFileSync("docs/benchmarks/ingest-latest.json", JSON.stringify({measured_at: new Date().toISOString(), ...figures}, null, 2) + "\n");
