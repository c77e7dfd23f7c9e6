import {cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {DuckDBInstance} from "@duckdb/node-api";
import {sqlString} from "../contracts/fields.js";
import {contractFor} from "../contracts/extracts.js";
import {csvLine} from "../demo/csv.js";
import {DOOR_READ_CACHE} from "../door/read-cache.js";
import {queryRows} from "../warehouse/store.js";
import {benchCinParse} from "./cin-parse.js";
import {writeSyntheticCinXml} from "./cin-xml.js";
import {timedRun} from "./timed-run.js";

/**
 * `npm run bench:ingest -- --statutory [--years 8] [--referrals 40000] [--episodes 6000]`: the door at
 * the size of a large county. Per year, an SSDA903 Header + Episodes pair (`episodes` episodes, two per
 * child) and a CIN census of `referrals` children (one referral each, most with an assessment, a third
 * with a section 47 enquiry and a plan), all synthetic, in one authority's inbox folder. Measures the
 * pipeline's rows/s (source rows read by the door: 903 rows and CIN referrals) beside DuckDB's raw
 * read_csv of the same 903 CSVs, and the CIN XML parse rate in MB/s. Then the next year's returns go
 * alone into an empty warehouse, and into the inbox beside the earlier years for a run into the
 * warehouse they built: what a council adding this year's returns pays, against what the year alone costs.
 */

const LA = "999"; // the synthetic census's <LEA>

const ddmmyyyy = (d: Date) => `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** One 903 return: children start care in the year, move placement once, and stay (two episodes each). */
function writeSsda903(dir: string, returnYear: number, episodes: number): void {
  mkdirSync(dir, {recursive: true});
  const children = Math.ceil(episodes / 2);
  const header = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"];
  const rows = ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"];
  const yearStart = new Date(Date.UTC(returnYear - 1, 3, 1));
  for (let i = 0; i < children; i++) {
    const child = `SYN${returnYear}${String(i).padStart(5, "0")}`;
    header.push(`${child},${1 + (i % 2)},${ddmmyyyy(new Date(Date.UTC(returnYear - 2 - (i % 16), i % 12, 1 + (i % 27))))},${["WBRI", "APKN", "BAFR", "MWBC", "OOTH"][i % 5]},UN1,,`);
    const start = addDays(yearStart, i % 180);
    const move = addDays(start, 60 + (i % 90));
    rows.push(`${child},${ddmmyyyy(start)},S,C2,N1,U1,PR1,${ddmmyyyy(move)},X1,,,,`);
    rows.push(`${child},${ddmmyyyy(move)},P,C2,N1,U3,PR1,,,,,,`);
  }
  writeFileSync(join(dir, `SSDA903_${returnYear}_Header.csv`), header.join("\n") + "\n");
  writeFileSync(join(dir, `SSDA903_${returnYear}_Episodes.csv`), rows.slice(0, episodes + 1).join("\n") + "\n");
}

export interface StatutoryBench {
  years: number;
  csv_megabytes: number;
  xml_megabytes: number;
  source_rows: number;
  raw_csv_rows: number;
  raw_csv_seconds: number;
  raw_csv_rows_per_second: number;
  pipeline_seconds: number;
  pipeline_rows_per_second: number;
  records_loaded: number;
  records_quarantined: number;
  xml_parse_mb_per_second: number;
  xml_parse_mb_per_cpu_second: number;
  /** The next year's 903 pair and CIN census added to the inbox of all earlier years, into their warehouse. */
  next_year_into_warehouse_seconds: number;
  /** The same files into an empty warehouse. */
  next_year_into_empty_seconds: number;
  next_year_ratio: number;
  /**
   * The same next-year run into a copy of the warehouse without the door's read cache, so every
   * kept return is parsed and keyed again (what the run cost before the cache), measured in this run.
   */
  next_year_without_read_cache_seconds: number;
  /** What the read cache holds after the earlier years' run (beside the warehouse). */
  door_read_cache_megabytes: number;
  /** Seconds per pipeline phase of the two next-year runs: what grows with the earlier years shows here. */
  next_year_phases: {into_warehouse: Record<string, number>; into_empty: Record<string, number>};
  /** A Curve-layout extract (3,000 referrals) added beside the kept returns, into their warehouse. */
  curve_extract_into_warehouse_seconds: number;
  /** The same extract alone into an empty warehouse. */
  curve_extract_into_empty_seconds: number;
  curve_extract_ratio: number;
  /** Whether that run read the returns again (it should not: none of them changed). */
  curve_extract_read_returns: boolean;
}

/** Luton referrals in Curve's own layout for 2024-25 (sex coded M/F as from that year), as a monthly file would bring them (synthetic). */
function curveReferrals(n: number): string {
  const columns = contractFor("referrals", 2024).fields.map((f) => f.name);
  const rows = Array.from({length: n}, (_, i): Record<string, string> => ({
    referral_id: `R821-B${String(i).padStart(6, "0")}`, child_key: (0xbe00000000000000n + BigInt(i)).toString(16), la_code: "821",
    birth_month: "2012-05", sex: i % 2 ? "F" : "M", ethnicity: "White", ward: "biscot", referral_date: `2024-06-${String(1 + (i % 28)).padStart(2, "0")}`,
    source: "6", primary_concern: "domestic_violence", outcome: "initial_assessment"
  }));
  return [columns, ...rows.map((r) => columns.map((c) => r[c] ?? ""))].map(csvLine).join("\n") + "\n";
}

/** One year's returns (903 Header + Episodes and a CIN census) in one authority's inbox folder. */
async function writeYear(inbox: string, year: number, episodes: number, referrals: number): Promise<{csvs: string[]; xmlBytes: number}> {
  const dir = join(inbox, LA, `ssda-${year}`);
  writeSsda903(dir, year, episodes);
  const xml = join(inbox, LA, `cin-${year}.xml`);
  await writeSyntheticCinXml(xml, referrals, year, {datesInReturnYear: true});
  return {csvs: readdirSync(dir).map((f) => join(dir, f)), xmlBytes: statSync(xml).size};
}

export async function benchStatutory(options: {years?: number; referrals?: number; episodes?: number} = {}): Promise<StatutoryBench> {
  const years = options.years ?? 8;
  const referrals = options.referrals ?? 40_000;
  const episodes = options.episodes ?? 6_000;
  const root = mkdtempSync(join(tmpdir(), "curve-bench-statutory-"));
  const inbox = join(root, "inbox");
  const previousKey = process.env.CURVE_CHILD_KEY;
  process.env.CURVE_CHILD_KEY = join(root, "key", "child-key");
  try {
    const csvs: string[] = [];
    let xmlBytes = 0;
    for (let y = 2024 - years; y < 2024; y++) {
      const written = await writeYear(inbox, y, episodes, referrals);
      csvs.push(...written.csvs);
      xmlBytes += written.xmlBytes;
    }
    const csvBytes = csvs.reduce((s, f) => s + statSync(f).size, 0);

    // The baseline: DuckDB's own read_csv of the 903 tables into plain tables, no checks.
    const raw = await DuckDBInstance.create(":memory:");
    const conn = await raw.connect();
    const t0 = performance.now();
    let rawRows = 0;
    for (const [table, suffix] of [["header", "_Header.csv"], ["episodes", "_Episodes.csv"]]) {
      const paths = csvs.filter((f) => f.endsWith(suffix));
      await conn.run(`CREATE TABLE ${table} AS SELECT * FROM read_csv([${paths.map(sqlString).join(", ")}], header = true)`);
      rawRows += (await queryRows<{n: number}>(conn, `SELECT count(*)::INTEGER AS n FROM ${table}`))[0].n;
    }
    const rawSeconds = (performance.now() - t0) / 1000;
    conn.closeSync();
    raw.closeSync();

    // The door: recognise, parse (CIN XML streamed), validate, key, stage, load through the contracts, publish.
    const {record, seconds: pipelineSeconds} = await timedRun(inbox, join(root, "warehouse"));
    // This year's returns alone into an empty warehouse, then added to the inbox that still holds the
    // earlier years (as a council keeps them: a later return completes an earlier year's events only
    // when both are there) and run into the warehouse those years built.
    const nextYear = join(root, "next-year");
    await writeYear(nextYear, 2024, episodes, referrals);
    const intoEmpty = await timedRun(nextYear, join(root, "empty-warehouse"));
    await writeYear(inbox, 2024, episodes, referrals);
    const cacheDir = join(root, "warehouse", DOOR_READ_CACHE);
    const cacheBytes = readdirSync(cacheDir).reduce((sum, f) => sum + statSync(join(cacheDir, f)).size, 0);
    cpSync(join(root, "warehouse"), join(root, "warehouse-without-cache"), {recursive: true});
    rmSync(join(root, "warehouse-without-cache", DOOR_READ_CACHE), {recursive: true, force: true});
    const withoutCache = await timedRun(inbox, join(root, "warehouse-without-cache"));
    rmSync(join(root, "warehouse-without-cache"), {recursive: true, force: true});
    const intoWarehouse = await timedRun(inbox, join(root, "warehouse"));
    // Then a Curve-layout extract beside the kept returns, none of which changed, and the same file alone.
    const extract = curveReferrals(3_000);
    const extractOnly = join(root, "extract-only");
    mkdirSync(extractOnly, {recursive: true});
    writeFileSync(join(extractOnly, "referrals_821_2024-25.csv"), extract);
    const extractIntoEmpty = await timedRun(extractOnly, join(root, "empty-warehouse-2"));
    writeFileSync(join(inbox, "referrals_821_2024-25.csv"), extract);
    const extractIntoWarehouse = await timedRun(inbox, join(root, "warehouse"));
    const sourceRows = (record.door ?? []).reduce((s, d) => s + d.rows, 0);
    const parse = await benchCinParse(referrals);
    return {
      years,
      csv_megabytes: +(csvBytes / 1e6).toFixed(1),
      xml_megabytes: +(xmlBytes / 1e6).toFixed(1),
      source_rows: sourceRows,
      raw_csv_rows: rawRows,
      raw_csv_seconds: +rawSeconds.toFixed(2),
      raw_csv_rows_per_second: Math.round(rawRows / rawSeconds),
      pipeline_seconds: +pipelineSeconds.toFixed(1),
      pipeline_rows_per_second: Math.round(sourceRows / pipelineSeconds),
      records_loaded: record.extracts.reduce((s, e) => s + e.rowsLoaded, 0),
      records_quarantined: record.extracts.reduce((s, e) => s + e.rowsQuarantined, 0),
      xml_parse_mb_per_second: +parse.mbPerSecond.toFixed(1),
      xml_parse_mb_per_cpu_second: +parse.mbPerCpuSecond.toFixed(1),
      next_year_into_warehouse_seconds: +intoWarehouse.seconds.toFixed(1),
      next_year_into_empty_seconds: +intoEmpty.seconds.toFixed(1),
      next_year_ratio: +(intoWarehouse.seconds / intoEmpty.seconds).toFixed(2),
      next_year_without_read_cache_seconds: +withoutCache.seconds.toFixed(1),
      door_read_cache_megabytes: +(cacheBytes / 1e6).toFixed(1),
      next_year_phases: {into_warehouse: intoWarehouse.phases, into_empty: intoEmpty.phases},
      curve_extract_into_warehouse_seconds: +extractIntoWarehouse.seconds.toFixed(1),
      curve_extract_into_empty_seconds: +extractIntoEmpty.seconds.toFixed(1),
      curve_extract_ratio: +(extractIntoWarehouse.seconds / extractIntoEmpty.seconds).toFixed(2),
      curve_extract_read_returns: (extractIntoWarehouse.record.door ?? []).length > 0
    };
  } finally {
    if (previousKey === undefined) delete process.env.CURVE_CHILD_KEY;
    else process.env.CURVE_CHILD_KEY = previousKey;
    rmSync(root, {recursive: true, force: true});
  }
}
