import {cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {EXTRACT_TYPES} from "../../pipelines/contracts/extracts.js";
import {DuckDBInstance} from "@duckdb/node-api";
import {runPipeline, type PipelineConfig, type RunRecord} from "../../pipelines/run.js";
import {currentVersion, openReadOnly, queryRows} from "../../pipelines/warehouse/store.js";

/** A scratch inbox + warehouse for one test, using the committed reference data. */
export function scratch(prefix = "curve-test-") {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const inbox = join(root, "inbox");
  const warehouseDir = join(root, "warehouse");
  mkdirSync(inbox, {recursive: true});
  return {
    root, inbox, warehouseDir,
    put(name: string, content: string | Buffer) {
      writeFileSync(join(inbox, name), content);
    },
    run(asOf = new Date("2026-11-23T12:00:00Z"), options: Partial<PipelineConfig> = {}): Promise<RunRecord> {
      return runPipeline({inbox, warehouseDir, referenceDir: process.env.CURVE_TEST_REFERENCE ?? "data/reference", ...options}, {clock: () => asOf});
    },
    query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
      return queryPublished<T>(warehouseDir, sql);
    }
  };
}

/** One read-only query on the version a warehouse directory publishes. */
export async function queryPublished<T = Record<string, unknown>>(warehouseDir: string, sql: string): Promise<T[]> {
  const current = currentVersion({dir: warehouseDir});
  if (!current) throw new Error(`no published version in ${warehouseDir}`);
  const instance = await openReadOnly(current.path);
  const conn = await instance.connect();
  try {
    return await queryRows<T>(conn, sql);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export const REFERRAL_HEADER = "referral_id,child_key,la_code,birth_month,sex,ethnicity,ward,referral_date,source,primary_concern,outcome";

/** A valid Luton referral row; override any field by name. */
export function referral(i: number, over: Record<string, string> = {}): string {
  const row: Record<string, string> = {
    referral_id: `R821-${String(i).padStart(6, "0")}`,
    child_key: (0xabc0000000000000n + BigInt(i)).toString(16).padStart(16, "0"),
    la_code: "821", birth_month: "2008-05", sex: "1", ethnicity: "White", ward: "biscot",
    referral_date: "2012-06-15", source: "6", primary_concern: "domestic_violence", outcome: "initial_assessment",
    ...over
  };
  return REFERRAL_HEADER.split(",").map((k) => row[k]).join(",");
}

export function referralsCsv(n: number, eol = "\n"): string {
  return [REFERRAL_HEADER, ...Array.from({length: n}, (_, i) => referral(i + 1))].join(eol) + eol;
}

/**
 * What a warehouse publishes, to compare an incremental run with a build from scratch: every
 * published table (without load ids, which name the run), the facts, and the rows quarantined (not
 * every reason given: a row held back for its period may also be named a copy of a record another
 * period's file loaded, which depends on what arrived first), each as sorted JSON rows.
 */
export async function publishedState(s: ReturnType<typeof scratch>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of [...EXTRACT_TYPES, "facts"]) {
    const rows = await s.query<{r: string}>(`SELECT to_json(x)::VARCHAR AS r FROM (SELECT * ${t === "facts" ? "" : "EXCLUDE (load_id)"} FROM ${t}) x ORDER BY r`);
    out[t] = rows.map((x) => x.r);
  }
  out.quarantine = (await s.query<{r: string}>(`SELECT DISTINCT to_json({file: file, row: source_row, line: line, raw: raw})::VARCHAR AS r FROM quarantine ORDER BY r`)).map((x) => x.r);
  return out;
}

/** What one run over a copy of the inbox (its folders too) publishes: what an incremental run must publish. */
export async function publishedFromScratch(inbox: string): Promise<Record<string, string[]>> {
  const fresh = scratch("curve-from-scratch-");
  cpSync(inbox, fresh.inbox, {recursive: true});
  const run = await fresh.run();
  if (run.status !== "published") throw new Error(`the build from scratch did not publish: ${run.message}`);
  const out = await publishedState(fresh);
  rmSync(fresh.root, {recursive: true, force: true});
  return out;
}

/** What one list of rows has that the other has not, counting repeats (the first few of each, for a readable failure). */
export function rowDifference(mine: string[], theirs: string[]): {extra: string[]; missing: string[]} {
  const count = new Map<string, number>();
  for (const r of theirs) count.set(r, (count.get(r) ?? 0) + 1);
  const extra: string[] = [];
  for (const r of mine) {
    const n = count.get(r) ?? 0;
    if (n > 0) count.set(r, n - 1);
    else extra.push(r);
  }
  return {extra: extra.slice(0, 6), missing: [...count].flatMap(([r, n]) => Array<string>(n).fill(r)).slice(0, 6)};
}

/** Rows of a query over Parquet files, in a database of its own. */
export async function parquetQuery(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
