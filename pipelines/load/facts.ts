import {existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from "node:fs";
import {basename, dirname, join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {run, queryRows} from "../warehouse/store.js";
import {sqlList, sqlString} from "../contracts/fields.js";
import {contractFor, type ExtractType} from "../contracts/extracts.js";
import type {ChangedMonths, ChangedSlices} from "./schema.js";

/**
 * Published facts: counts by month × authority × ward × breakdown, derived from the record-level
 * tables at each build, so the API's common questions are a scan of a small table. Two shapes:
 * events (something started or happened in the month) and snapshots (open at the month's end).
 * Declarative: a new fact is an entry here.
 */

interface FactSpec {
  extract: string;
  measure: string;
  kind: "event" | "snapshot";
  /** Event date, or the start date for snapshots. */
  date: string;
  end?: string;
  where?: string;
  /** Breakdown name → SQL expression over the extract's row. */
  breakdowns: Record<string, string>;
}

const AGE_BAND = (at: string) => `CASE
  WHEN floor(date_diff('month', strptime(birth_month || '-01', '%Y-%m-%d')::DATE, ${at}) / 12) < 1 THEN 'under 1'
  WHEN floor(date_diff('month', strptime(birth_month || '-01', '%Y-%m-%d')::DATE, ${at}) / 12) < 5 THEN '1-4'
  WHEN floor(date_diff('month', strptime(birth_month || '-01', '%Y-%m-%d')::DATE, ${at}) / 12) < 10 THEN '5-9'
  WHEN floor(date_diff('month', strptime(birth_month || '-01', '%Y-%m-%d')::DATE, ${at}) / 12) < 16 THEN '10-15'
  ELSE '16-17' END`;

export const FACTS: FactSpec[] = [
  {extract: "referrals", measure: "referrals", kind: "event", date: "referral_date",
    breakdowns: {source: "source", concern: "primary_concern", outcome: "outcome", ethnicity: "ethnicity", age: AGE_BAND("referral_date")}},
  {extract: "assessments", measure: "assessments", kind: "event", date: "start_date", breakdowns: {type: "assessment_type"}},
  {extract: "s47", measure: "s47-enquiries", kind: "event", date: "start_date", breakdowns: {outcome: "outcome"}},
  {extract: "cp_plans", measure: "cp-plans-started", kind: "event", date: "start_date",
    breakdowns: {category: "category", sequence: "CASE WHEN plan_sequence > 1 THEN 'subsequent' ELSE 'first' END"}},
  {extract: "cp_plans", measure: "cp-plans-open", kind: "snapshot", date: "start_date", end: "end_date",
    breakdowns: {category: "category", ethnicity: "ethnicity", age: AGE_BAND("m.month_end")}},
  {extract: "looked_after", measure: "cla-started", kind: "event", date: "start_date",
    // SSDA903 episodes change at every placement move; a child starts care only where RNE is 'S'.
    where: "rne IS NULL OR rne = 'S'", breakdowns: {age: AGE_BAND("start_date"), legal_status: "legal_status"}},
  {extract: "looked_after", measure: "cla-open", kind: "snapshot", date: "start_date", end: "end_date",
    breakdowns: {age: AGE_BAND("m.month_end"), placement: "placement"}},
  {extract: "early_help", measure: "cafs-completed", kind: "event", date: "completed_date",
    breakdowns: {area: "area", agency: "lead_agency", level: "level_of_need::VARCHAR"}},
  {extract: "service_episodes", measure: "service-referrals", kind: "event", date: "referral_date",
    breakdowns: {provider: "provider_id", programme: "programme_id", level: "level_of_need::VARCHAR"}},
  {extract: "marac", measure: "marac-cases", kind: "event", date: "meeting_date", breakdowns: {agency: "referring_agency", repeat: "repeat_case"}}
];

/**
 * Which rows a fact is derived from: some authorities' (or all but some); for snapshots, months
 * after one; for events, some (authority, month) pairs.
 */
interface FactSlice {
  laCodes?: ReadonlySet<string>;
  exceptLaCodes?: ReadonlySet<string>;
  /** Snapshots only: months after this one (YYYY-MM-01). */
  afterMonth?: string;
  /** Events only: these months (YYYY-MM-01) of these authorities. */
  laMonths?: string;
}

/** (authority, month) pairs as SQL VALUES rows. */
const laMonthList = (months: ReadonlyMap<string, ReadonlySet<string>>) =>
  [...months].flatMap(([la, ms]) => [...ms].map((m) => `(${sqlString(la)}, DATE ${sqlString(m)})`)).join(", ");

function factSql(f: FactSpec, {laCodes, exceptLaCodes, afterMonth, laMonths}: FactSlice = {}): string {
  const where = [
    f.where ? `(${f.where})` : null,
    laCodes ? `la_code IN (${sqlList(laCodes)})` : null,
    exceptLaCodes?.size ? `la_code NOT IN (${sqlList(exceptLaCodes)})` : null,
    afterMonth && f.kind === "snapshot" ? `m.month > DATE ${sqlString(afterMonth)}` : null,
    laMonths && f.kind === "event" ? `(la_code, date_trunc('month', ${f.date})::DATE) IN (${laMonths})` : null
  ].filter(Boolean).join(" AND ");
  const ward = f.extract === "marac" ? "NULL::VARCHAR" : "ward";
  const parts: string[] = [];
  const all = {all: "'all'", ...f.breakdowns};
  for (const [name, expr] of Object.entries(all)) {
    if (f.kind === "event") {
      parts.push(`SELECT ${sqlString(f.extract)} AS extract, ${sqlString(f.measure)} AS measure, la_code, ${ward} AS ward,
        date_trunc('month', ${f.date})::DATE AS month, ${sqlString(name)} AS breakdown, (${expr})::VARCHAR AS category, count(*)::INTEGER AS count
        FROM ${f.extract} ${where ? `WHERE ${where}` : ""} GROUP BY ALL`);
    } else {
      parts.push(`SELECT ${sqlString(f.extract)} AS extract, ${sqlString(f.measure)} AS measure, la_code, ${ward} AS ward,
        m.month, ${sqlString(name)} AS breakdown, (${expr})::VARCHAR AS category, count(*)::INTEGER AS count
        FROM ${f.extract} JOIN months m ON ${f.date} <= m.month_end AND (${f.end} IS NULL OR ${f.end} > m.month_end)
        ${where ? `WHERE ${where}` : ""} GROUP BY ALL`);
    }
  }
  return parts.join("\nUNION ALL\n");
}

/** Where the snapshot calendar ends: every authority's latest plan or care episode start. */
const CALENDAR_END = `greatest(DATE '2009-01-01', coalesce((SELECT max(start_date) FROM cp_plans), DATE '2009-01-01'),
      -- An authority may load looked-after returns without plans (a 903 set alone): its months count too.
      coalesce((SELECT max(start_date) FROM looked_after), DATE '2009-01-01'))`;

/**
 * The snapshot calendar's months (first days), from April 2008. Its last month is the month after the
 * end's unless the end falls on a first: what the facts were derived over, so the months a run adds
 * are judged by this, never by the end date's own month.
 */
const CALENDAR_MONTHS = `range(DATE '2008-04-01', ${CALENDAR_END} + INTERVAL 1 MONTH, INTERVAL 1 MONTH) t(month)`;

/** The calendar's last month (YYYY-MM-01) over the published tables as they stand (null when a version predates them). */
export async function factsLastMonth(conn: DuckDBConnection): Promise<string | null> {
  try {
    const [{last}] = await queryRows<{last: string}>(conn, `SELECT max(month)::DATE::VARCHAR AS last FROM ${CALENDAR_MONTHS}`);
    return last;
  } catch {
    return null;
  }
}

/**
 * Derives the facts, and says which (extract, authority) slices of them changed (null: all of them). A
 * run that changed some (extract, authority) slices derives only their facts again, since a fact
 * counts one authority's rows of one extract. When the snapshot calendar (whose last month was
 * `lastMonth` before this run's rows were published) gains months, every other authority's open episodes are
 * counted in the new months only: a month's snapshot depends on nothing but its own end and the
 * authority's rows, so the months it had are unchanged. (In a warehouse of many authorities, any run
 * bringing a later plan or care episode moved the calendar and derived every authority's facts
 * again.) A calendar that lost months derives every fact again. Within a changed authority, an event
 * extract's facts are derived again in the months its published rows changed in (`changedMonths`).
 */
export async function deriveFacts(conn: DuckDBConnection, changed: ChangedSlices = null, lastMonth: string | null = null,
  changedMonths: ChangedMonths = new Map()): Promise<{facts: number; slices: ChangedSlices; gained: GainedMonths | null}> {
  await run(conn, `CREATE OR REPLACE TEMP TABLE months AS
    SELECT month::DATE AS month, (month + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS month_end FROM ${CALENDAR_MONTHS}`);
  const [{exists}] = await queryRows<{exists: number}>(conn,
    `SELECT count(*)::INTEGER AS exists FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'facts'`);
  // The last month the facts have (`lastMonth`, taken before this run's rows were published) and the last the calendar has now.
  const newLastMonth = changed && exists && lastMonth !== null ? await factsLastMonth(conn) : null;
  let slices: ChangedSlices = null;
  let gained: GainedMonths | null = null;
  if (changed && lastMonth && newLastMonth && newLastMonth >= lastMonth) {
    slices = new Map();
    for (const [extract, las] of changed) {
      const specs = FACTS.filter((f) => f.extract === extract);
      if (!specs.length) continue;
      slices.set(extract, las);
      // An event extract whose every fact is dated by the field its rows are published by month
      // (schema.ts) is derived again in the months its rows changed in; the authority's other years
      // stay (a council is one authority, and a new year's file changes one year).
      const byMonth = specs.every((f) => f.kind === "event" && f.date === contractFor(extract as ExtractType, 2008).periodField)
        ? changedMonths.get(extract) : undefined;
      const monthly = new Map([...(byMonth ?? [])].filter(([la]) => las.has(la)));
      const whole = new Set([...las].filter((la) => !monthly.has(la)));
      if (whole.size) {
        await run(conn, `DELETE FROM facts WHERE extract = $1 AND la_code IN (${sqlList(whole)})`, [extract]);
        await run(conn, `INSERT INTO facts ${specs.map((f) => factSql(f, {laCodes: whole})).join("\nUNION ALL\n")}`);
      }
      const laMonths = laMonthList(monthly);
      if (laMonths) {
        await run(conn, `DELETE FROM facts WHERE extract = $1 AND (la_code, month) IN (${laMonths})`, [extract]);
        await run(conn, `INSERT INTO facts ${specs.map((f) => factSql(f, {laMonths})).join("\nUNION ALL\n")}`);
      }
    }
    if (newLastMonth > lastMonth) {
      gained = {afterMonth: lastMonth, slices: new Map()};
      for (const extract of new Set(FACTS.filter((f) => f.kind === "snapshot").map((f) => f.extract))) {
        const derived = slices.get(extract) ?? new Set<string>();
        const specs = FACTS.filter((f) => f.extract === extract && f.kind === "snapshot");
        await run(conn, `INSERT INTO facts ${specs.map((f) => factSql(f, {exceptLaCodes: derived, afterMonth: lastMonth})).join("\nUNION ALL\n")}`);
        // Every other authority's partition of this extract may have gained months, and only those.
        const las = await queryRows<{la: string}>(conn, `SELECT DISTINCT la_code AS la FROM ${extract}`);
        gained.slices.set(extract, new Set(las.map((r) => r.la).filter((la) => !derived.has(la))));
      }
    }
  } else {
    await run(conn, `CREATE OR REPLACE TABLE facts AS ${FACTS.map((f) => factSql(f)).join("\nUNION ALL\n")}`);
  }
  const [{n}] = await queryRows<{n: number}>(conn, `SELECT count(*)::INTEGER AS n FROM facts`);
  return {facts: n, slices, gained};
}

/** Snapshot facts that gained months after `afterMonth` and nothing else, by extract and authority. */
export interface GainedMonths {
  afterMonth: string;
  slices: Map<string, Set<string>>;
}

/**
 * Partitioned Parquet of the published facts (`extract=…/la_code=…/`): the interchange format for
 * engines beyond one machine. A partition is what a run derives again (one authority's facts of one
 * extract), so when only some (extract, authority) slices changed, every other partition is the
 * previous version's files, hard-linked (never rewritten: a file is only ever written under a new
 * version's directory), and a one-file run writes its authority's facts of its extract, not the
 * extract's or the warehouse's. (By year too, the england-scale facts made 18,000 files of 5 kB.)
 */
export async function writeFactsParquet(conn: DuckDBConnection, dir: string,
  reuse?: {previousDir: string; changed: NonNullable<ChangedSlices>; gained?: GainedMonths | null}): Promise<void> {
  // Which facts to write: all of them, or (sharing the previous version's other partitions) the changed slices' — none when nothing changed.
  let only: string | null = "";
  if (reuse && readLayout(reuse.previousDir) === PARQUET_LAYOUT) {
    mkdirSync(dir, {recursive: true});
    for (const extractPart of readdirSync(reuse.previousDir)) {
      const extract = /^extract=(.+)$/.exec(extractPart)?.[1];
      if (extract === undefined) continue;
      const changedLas = reuse.changed.get(extract);
      for (const laPart of readdirSync(join(reuse.previousDir, extractPart))) {
        const la = /^la_code=(.+)$/.exec(laPart)?.[1];
        if (la === undefined || changedLas?.has(la)) continue;
        linkTree(join(reuse.previousDir, extractPart, laPart), join(dir, extractPart, laPart));
      }
    }
    const pairs = [...reuse.changed].flatMap(([extract, las]) => [...las].map((la) => `(${sqlString(extract)}, ${sqlString(la)})`));
    only = pairs.length ? `WHERE (extract, la_code) IN (${pairs.join(", ")})` : null;
    if (reuse.gained) await appendGainedMonths(conn, dir, reuse.gained);
  }
  if (only !== null) {
    await run(conn, `COPY (SELECT * FROM facts ${only}) TO ${sqlString(dir)}
      (FORMAT parquet, PARTITION_BY (extract, la_code), OVERWRITE_OR_IGNORE true)`);
  }
  mkdirSync(dir, {recursive: true});
  writeFileSync(join(dir, LAYOUT_FILE), PARQUET_LAYOUT + "\n");
}

/**
 * A partition that only gained months keeps the previous version's files (linked above) and gains one
 * file of its new months' snapshot facts, so a run that moves the calendar writes a month, not every
 * authority's history. The new files are written apart and then moved in under a new name: a file
 * linked from the previous version is never opened for writing.
 */
async function appendGainedMonths(conn: DuckDBConnection, dir: string, gained: GainedMonths): Promise<void> {
  const pairs = [...gained.slices].flatMap(([extract, las]) => [...las].map((la) => `(${sqlString(extract)}, ${sqlString(la)})`));
  if (!pairs.length) return;
  const measures = FACTS.filter((f) => f.kind === "snapshot").map((f) => sqlString(f.measure));
  const apart = join(dir, "_gained");
  rmSync(apart, {recursive: true, force: true});
  await run(conn, `COPY (SELECT * FROM facts WHERE (extract, la_code) IN (${pairs.join(", ")}) AND measure IN (${measures.join(", ")})
      AND month > DATE ${sqlString(gained.afterMonth)}) TO ${sqlString(apart)} (FORMAT parquet, PARTITION_BY (extract, la_code))`);
  for (const file of readdirSync(apart, {recursive: true}).map(String).filter((f) => f.endsWith(".parquet"))) {
    const target = join(dir, dirname(file), `months-after-${gained.afterMonth.slice(0, 7)}-${basename(file)}`);
    mkdirSync(dirname(target), {recursive: true});
    renameSync(join(apart, file), target);
  }
  rmSync(apart, {recursive: true, force: true});
}

/**
 * The partition columns, written beside the partitions: a version whose Parquet was partitioned
 * otherwise (by extract and year, before) shares no files and is written whole.
 */
const PARQUET_LAYOUT = "extract,la_code";
const LAYOUT_FILE = "_partitioned_by";
function readLayout(dir: string): string | null {
  const path = join(dir, LAYOUT_FILE);
  return existsSync(path) ? readFileSync(path, "utf8").trim() : null;
}

function linkTree(from: string, to: string): void {
  if (!statSync(from).isDirectory()) return linkSync(from, to);
  mkdirSync(to, {recursive: true});
  for (const entry of readdirSync(from)) linkTree(join(from, entry), join(to, entry));
}
