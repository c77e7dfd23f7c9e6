import {contractFor, type ExtractType} from "../../pipelines/contracts/extracts.js";
import {sqlIdent} from "../../pipelines/contracts/fields.js";
import type {Params as SqlParams} from "../../pipelines/warehouse/store.js";
import {AGE_BANDS, DERIVED, type Filter, type Indicator} from "./catalogue.js";
import type {BreakdownSpec, CountDefinition} from "./count-definitions.js";
import type {Lattice, TimeModel} from "./lattice.js";
import type {DisclosurePolicy} from "./policy.js";
import {fyEndDate, fyLabel, fyStartDate, type Period} from "./periods.js";
import type {ResolvedGeography} from "./series.js";
import type {Reference} from "../reference.js";

/**
 * All of the OBA domain's SQL over the published warehouse: each question is a named function taking
 * the reader and its parameters, and answering rows; building series and their statistics is
 * series.ts's, planning disclosure from the lattice's counts is lattice-plan.ts's.
 *
 * SQL safety: every value (codes, dates, filter values) is a parameter; every identifier comes from
 * the catalogue, which was checked at load against the extract contracts and the DERIVED whitelist.
 * Nothing the client sends becomes an identifier: the client chooses among names this module knows.
 */

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
}

/**
 * What the domain reads through (api/appcache.ts's CachedReader in the app): the warehouse with the
 * app's cache — `remember` answers once per warehouse version and key, `rememberPlan` keeps a
 * disclosure plan likewise, in a bounded part; `keptPlan` solves a plan once per version across
 * processes (api/plan-store.ts keeps it on disk beside the version); `computeOnce` keeps a costly
 * pure computation's result by its inputs — and the reference files the app loaded.
 */
export interface Reader extends Queryable {
  remember<T>(key: string, make: () => Promise<T>): Promise<T>;
  rememberPlan<T>(key: string, make: () => Promise<T>): Promise<T>;
  computeOnce: ComputeOnce;
  keptPlan(plan: PlanInputs, solve: () => Promise<Lattice>): Promise<Lattice>;
  readonly reference: Reference;
}

/**
 * A pure computation's result by its exact inputs (JSON: plain numbers, strings and arrays; everything
 * the result depends on must be in them), computed once. The result is shared: callers never change it.
 */
export type ComputeOnce = <T>(name: string, inputs: unknown, run: () => T) => T;

/** Computes every time: for callers without an app cache (the pure modules' own tests, the benchmarks). */
export const computeNow: ComputeOnce = (_name, _inputs, run) => run();

/** What a disclosure plan is solved from, besides the version's data and the reference files: never the indicator that asked (api/oba/disclosure.ts). */
export interface PlanInputs {
  def: CountDefinition;
  breakdown: BreakdownSpec | undefined;
  policy: DisclosurePolicy;
  /** The totals' plan a breakdown's plan is made against (null for the totals themselves). */
  base: Lattice | null;
}

/**
 * What a question answers on this warehouse version, kept in the reader's cache when it has one (a
 * bare connection, as in the benchmarks and tests, asks every time). The answer is shared: callers
 * never change it.
 */
export function remembered<T>(db: Queryable, key: string, make: () => Promise<T>): Promise<T> {
  const r = db as Partial<Reader>;
  return typeof r.remember === "function" ? r.remember(key, make) : make();
}

/** Collects positional parameters: `p(value)` returns `$n`. */
export class Params {
  readonly values: unknown[] = [];
  p(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  list(vs: readonly unknown[]): string {
    return vs.map((v) => this.p(v)).join(", ");
  }
}

/** SQL for a filter: NULL never matches a comparison (an unrecorded value is not "not X"). */
export function filterSql(f: Filter, at: string, ps: Params): string {
  const expr = f.field !== undefined ? `x.${sqlIdent(f.field)}` : `(${DERIVED[f.derived!].sql(at)})`;
  const v = f.value;
  switch (f.op) {
    case "eq": return `${expr} = ${ps.p(v)}`;
    case "ne": return `${expr} <> ${ps.p(v)}`;
    case "lt": return `${expr} < ${ps.p(v)}`;
    case "le": return `${expr} <= ${ps.p(v)}`;
    case "gt": return `${expr} > ${ps.p(v)}`;
    case "ge": return `${expr} >= ${ps.p(v)}`;
    case "in": return `${expr} IN (${ps.list(v as unknown[])})`;
    case "not-in": return `${expr} NOT IN (${ps.list(v as unknown[])})`;
    case "is-null": return `${expr} IS NULL`;
    case "not-null": return `${expr} IS NOT NULL`;
    case "has-any": return `list_has_any(${expr}, [${ps.list(v as unknown[])}]::VARCHAR[])`;
  }
}

export const and = (parts: string[]) => (parts.length ? parts.map((p) => `(${p})`).join(" AND ") : "TRUE");

/** The SQL expression grouping records by a breakdown (a catalogue field or DERIVED name), or `'all'`. */
export function groupSql(b: {field?: string; derived?: string} | undefined, at: string): string {
  if (!b) return `'all'`;
  const expr = b.field !== undefined ? `x.${sqlIdent(b.field)}` : DERIVED[b.derived!].sql(at);
  return `coalesce((${expr})::VARCHAR, 'unknown')`;
}

// ---------------------------------------------------------------- geographies

/** Whether an authority is known from its wards, the authorities table, or a loaded return. */
export async function authorityKnown(db: Queryable, la: string): Promise<boolean> {
  // A council's own 903/CIN files publish borough figures before anyone adds its wards to the reference data.
  const known = `SELECT la_code FROM ref_wards UNION SELECT la_code FROM ref_authorities UNION SELECT la_code FROM extract_loads WHERE coalesce(rows_loaded, 0) > 0`;
  const rows = await db.query<{la_code: string}>(`SELECT la_code FROM (${known}) WHERE la_code = $1`, [la]);
  return rows.length > 0;
}

/** The authorities that have wards. */
export async function authoritiesWithWards(db: Queryable): Promise<string[]> {
  return (await db.query<{la_code: string}>(`SELECT DISTINCT la_code FROM ref_wards ORDER BY 1`)).map((r) => r.la_code);
}

export async function authorityName(db: Queryable, la: string): Promise<string | null> {
  const auth = await db.query<{name: string}>(`SELECT name FROM ref_authorities WHERE la_code = $1`, [la]);
  return auth[0]?.name ?? null;
}

export async function areaOf(db: Queryable, areaId: string): Promise<{la_code: string; name: string} | null> {
  const rows = await db.query<{la_code: string; name: string}>(`SELECT la_code, name FROM ref_areas WHERE area_id = $1`, [areaId]);
  return rows[0] ?? null;
}

export async function areaIds(db: Queryable, la: string): Promise<string[]> {
  return (await db.query<{area_id: string}>(`SELECT area_id FROM ref_areas WHERE la_code = $1 ORDER BY 1`, [la])).map((r) => r.area_id);
}

export async function wardsOfArea(db: Queryable, la: string, areaId: string): Promise<string[]> {
  return (await db.query<{ward_id: string}>(`SELECT ward_id FROM ref_wards WHERE la_code = $1 AND area_id = $2 ORDER BY 1`, [la, areaId])).map((w) => w.ward_id);
}

export async function wardOf(db: Queryable, wardId: string): Promise<{la_code: string; name: string} | null> {
  const rows = await db.query<{la_code: string; name: string}>(`SELECT la_code, name FROM ref_wards WHERE ward_id = $1`, [wardId]);
  return rows[0] ?? null;
}

export async function wardIds(db: Queryable, la: string): Promise<string[]> {
  return (await db.query<{ward_id: string}>(`SELECT ward_id FROM ref_wards WHERE la_code = $1 ORDER BY 1`, [la])).map((r) => r.ward_id);
}

export interface TargetWardSet {
  set_id: string;
  name: string;
  la_code: string;
  illustrative: boolean;
  note: string;
  /** Ward ids, comma-separated, in order. */
  wards: string;
}

export async function targetWardSets(db: Queryable): Promise<TargetWardSet[]> {
  return db.query<TargetWardSet>(
    `SELECT set_id, any_value(name) AS name, any_value(la_code) AS la_code, bool_or(illustrative) AS illustrative, any_value(note) AS note,
       string_agg(ward_id, ',' ORDER BY ward_id) AS wards FROM ref_target_wards GROUP BY set_id ORDER BY set_id`);
}

// ---------------------------------------------------------------- counts

function geographySql(ind: Indicator, geo: ResolvedGeography, ps: Params): string {
  const parts = [`x.la_code = ${ps.p(geo.laCode)}`];
  const n = ind.numerator;
  if (geo.type === "area" && n.areaField) parts.push(`x.${sqlIdent(n.areaField)} = ${ps.p(geo.code)}`);
  else if (geo.wards !== null) parts.push(geo.wards.length ? `x.ward IN (${ps.list(geo.wards)})` : "FALSE");
  return and(parts);
}

/** The SQL expression for a breakdown group, or `'all'`. */
function breakdownSql(ind: Indicator, breakdown: string | undefined, at: string): string {
  return groupSql(breakdown ? ind.breakdowns[breakdown] : undefined, at);
}

export interface CountRow {
  label: string;
  grp: string;
  numerator: number;
  denominator: number;
}

/** The periods as a VALUES table `p` and how a record of the numerator's extract falls in one (`at`: the date its age and filters are taken at). */
function periodJoin(ind: Indicator, periods: Period[], ps: Params): {values: string; at: string; join: string} {
  const n = ind.numerator;
  const values = periods.map((p) => `(${ps.p(p.label)}, ${ps.p(p.start)}::DATE, ${ps.p(p.end)}::DATE)`).join(", ");
  const at = n.kind === "event" ? `x.${sqlIdent(n.date)}` : "p.period_end";
  const join = n.kind === "event"
    ? `x.${sqlIdent(n.date)} BETWEEN p.period_start AND p.period_end`
    : `x.${sqlIdent(n.date)} <= p.period_end AND (x.${sqlIdent(n.end!)} IS NULL OR x.${sqlIdent(n.end!)} > p.period_end)`;
  return {values, at, join};
}

/** The records a series counts (its denominator's filter when that is a count of records, else the numerator's), and those its numerator counts. */
function countPredicates(ind: Indicator, at: string, ps: Params): {den: string; num: string} {
  const denFilter = ind.denominator.kind === "extract" ? ind.denominator.filter : ind.numerator.filter;
  const den = and(denFilter.map((f) => filterSql(f, at, ps)));
  return {den, num: and(ind.numerator.filter.map((f) => filterSql(f, at, ps)))};
}

/** Numerator (and extract denominator) counts per period and group: one parameterised query. */
export async function countSeries(db: Queryable, ind: Indicator, geo: ResolvedGeography, periods: Period[], breakdown?: string): Promise<CountRow[]> {
  if (!periods.length) return [];
  const ps = new Params();
  const n = ind.numerator;
  const {values, at, join} = periodJoin(ind, periods, ps);
  const where = geographySql(ind, geo, ps);
  const {den: denPred, num: numPred} = countPredicates(ind, at, ps);
  const grp = breakdownSql(ind, breakdown, at);
  const sql = `WITH p(label, period_start, period_end) AS (VALUES ${values})
    SELECT p.label AS label, ${grp} AS grp,
      count(*) FILTER (WHERE ${numPred})::INTEGER AS numerator, count(*)::INTEGER AS denominator
    FROM p JOIN ${sqlIdent(n.extract)} x ON ${join}
    WHERE ${where} AND ${denPred}
    GROUP BY ALL`;
  return db.query<CountRow>(sql, ps.values as SqlParams);
}

/** What one series counts: `countSeries`' arguments, without a breakdown. */
export interface CountRequest {
  ind: Indicator;
  geo: ResolvedGeography;
  periods: Period[];
}

/**
 * Series that count records of the same extract by the same dates, in the same place and periods,
 * differ only in their filters: one scan counts them all.
 */
function familyKey({ind, geo, periods}: CountRequest): string {
  const n = ind.numerator;
  const place = geo.type === "area" && n.areaField ? ["area", n.areaField, geo.code] : ["wards", geo.wards];
  return JSON.stringify([n.extract, n.kind, n.date, n.end ?? null, geo.laCode, place, periods.map((p) => [p.label, p.start, p.end])]);
}

/**
 * The counts of several series (no breakdown), one query per family of them (see `familyKey`), each
 * series with a `count(*) FILTER` pair of its own; a series alone in its family is `countSeries`.
 * Each answer is the rows `countSeries` gives for that series, in the order asked.
 */
export function countTogether(db: Queryable, requests: CountRequest[]): Promise<CountRow[]>[] {
  const families = new Map<string, number[]>();
  requests.forEach((r, i) => {
    const key = familyKey(r);
    families.set(key, [...(families.get(key) ?? []), i]);
  });
  const answers: Promise<CountRow[]>[] = [];
  for (const members of families.values()) {
    if (members.length === 1) {
      const {ind, geo, periods} = requests[members[0]];
      answers[members[0]] = countSeries(db, ind, geo, periods);
      continue;
    }
    const rows = countFamily(db, members.map((i) => requests[i]));
    members.forEach((i, j) => (answers[i] = rows.then((r) => r[j])));
  }
  return answers;
}

async function countFamily(db: Queryable, members: CountRequest[]): Promise<CountRow[][]> {
  const [{ind, geo, periods}] = members;
  if (!periods.length) return members.map(() => []);
  const ps = new Params();
  const {values, at, join} = periodJoin(ind, periods, ps);
  const where = geographySql(ind, geo, ps);
  const preds = members.map((m) => countPredicates(m.ind, at, ps));
  const counts = preds.map(({den, num}, i) => `count(*) FILTER (WHERE (${den}) AND (${num}))::INTEGER AS n${i}, count(*) FILTER (WHERE ${den})::INTEGER AS d${i}`);
  const rows = await db.query<Record<string, number> & {label: string}>(`WITH p(label, period_start, period_end) AS (VALUES ${values})
    SELECT p.label AS label, ${counts.join(", ")}
    FROM p JOIN ${sqlIdent(ind.numerator.extract)} x ON ${join}
    WHERE ${where} AND (${preds.map((p) => `(${p.den})`).join(" OR ")})
    GROUP BY ALL`, ps.values as SqlParams);
  // A period none of a series' records fall in has no row of its own in countSeries.
  return members.map((_, i) => rows.filter((r) => r[`d${i}`] > 0).map((r) => ({label: r.label, grp: "all", numerator: r[`n${i}`], denominator: r[`d${i}`]})));
}

// ---------------------------------------------------------------- population

export interface PopulationRow {
  year: number;
  grp: string;
  children: number;
}

/**
 * Children in the geography by year (and by group when the breakdown is one with a population:
 * age band, ward, area). Other breakdowns share the whole population (group 'all').
 */
export function population(db: Queryable, geo: ResolvedGeography, ages: [number, number], years: number[], by?: "age_band" | "ward" | "area"): Promise<PopulationRow[]> {
  const key = `population|${geo.laCode}|${geo.wards?.join(",") ?? "*"}|${ages.join("-")}|${years.join(",")}|${by ?? ""}`;
  return remembered(db, key, async () => {
  const ps = new Params();
  const where = [`r.la_code = ${ps.p(geo.laCode)}`, `r.age BETWEEN ${ps.p(ages[0])} AND ${ps.p(ages[1])}`, `r.year IN (${ps.list(years)})`];
  if (geo.wards !== null) where.push(geo.wards.length ? `r.ward_id IN (${ps.list(geo.wards)})` : "FALSE");
  const grp = by === "age_band"
    ? `CASE ${AGE_BANDS.map((b) => `WHEN r.age <= ${b.max} THEN '${b.band}'`).join(" ")} END`
    : by === "ward" ? "r.ward_id"
    : by === "area" ? "(SELECT w.area_id FROM ref_wards w WHERE w.la_code = r.la_code AND w.ward_id = r.ward_id)"
    : "'all'";
  return db.query<PopulationRow>(`SELECT r.year::INTEGER AS year, ${grp} AS grp, sum(r.children)::DOUBLE AS children
    FROM ref_population r WHERE ${and(where)} GROUP BY ALL`, ps.values as SqlParams);
  });
}

/** The years the population estimates hold for an authority, in order. */
export function populationYearsHeld(db: Queryable, la: string): Promise<number[]> {
  return remembered(db, `population-years|${la}`, async () =>
    (await db.query<{year: number}>(`SELECT DISTINCT year::INTEGER AS year FROM ref_population WHERE la_code = $1 ORDER BY 1`, [la])).map((r) => r.year));
}

// ---------------------------------------------------------------- load register, benchmarks, quality notes

export interface Coverage {
  from: string;
  to: string;
  collectionYears: string[];
}

/**
 * The financial years loaded for an extract and authority (from the load register): an indicator's
 * are its numerator's extract's (`ind.numerator.extract`), a count definition's its own (`def.extract`).
 */
export function coverage(db: Queryable, extract: ExtractType, laCode: string): Promise<Coverage | null> {
  return remembered(db, `coverage|${extract}|${laCode}`, async () => {
  const rows = await db.query<{collection_year: number}>(
    `SELECT DISTINCT collection_year::INTEGER AS collection_year FROM extract_loads
     WHERE extract_type = $1 AND la_code = $2 AND coalesce(rows_loaded, 0) > 0 ORDER BY 1`, [extract, laCode]);
  if (!rows.length) return null;
  const years = rows.map((r) => r.collection_year);
  return {from: fyStartDate(years[0]), to: fyEndDate(years[years.length - 1]), collectionYears: years.map(fyLabel)};
  });
}

export function benchmarks(db: Queryable, ind: Indicator): Promise<Map<string, {comparator: string; value: number; source: string}[]>> {
  return remembered(db, `benchmarks|${ind.benchmark ?? ""}`, async () => {
  const out = new Map<string, {comparator: string; value: number; source: string}[]>();
  if (!ind.benchmark) return out;
  const rows = await db.query<{period: string; comparator: string; value: number; source: string}>(
    `SELECT period, comparator, value::DOUBLE AS value, source FROM ref_benchmarks WHERE indicator_id = $1 ORDER BY period, comparator`, [ind.benchmark]);
  for (const r of rows) {
    const list = out.get(r.period) ?? [];
    list.push({comparator: r.comparator, value: r.value, source: r.source});
    out.set(r.period, list);
  }
  return out;
  });
}

export interface QualityNoteRow {
  start: string;
  end: string;
  area: string;
  finding: string;
  /** The wards of the note's area. */
  wards: string[] | null;
}

/** The data-quality findings about an extract in an authority; none when the warehouse has no notes table. */
export function qualityNotes(db: Queryable, extract: string, la: string): Promise<QualityNoteRow[]> {
  return remembered(db, `quality-notes|${extract}|${la}`, async () => {
  const has = await db.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'ref_quality_notes'`);
  if (!has[0]?.n) return [];
  return db.query<QualityNoteRow>(
    `SELECT n.start::VARCHAR AS start, n."end"::VARCHAR AS "end", n.area, n.finding,
       (SELECT list(w.ward_id) FROM ref_wards w WHERE w.la_code = n.la_code AND w.area_id = n.area) AS wards
     FROM ref_quality_notes n WHERE n.extract = $1 AND n.la_code = $2`, [extract, la]);
  });
}

// ---------------------------------------------------------------- the disclosure lattice's counts

export interface GeoModel {
  la: string;
  wards: string[];
  wardArea: Map<string, string | null>;
  areas: string[];
  sets: {id: string; wards: Set<string>}[];
}

export async function geoModel(db: Queryable, la: string): Promise<GeoModel> {
  const [wards, areas, sets] = await Promise.all([
    db.query<{ward_id: string; area_id: string | null}>(`SELECT ward_id, area_id FROM ref_wards WHERE la_code = $1 ORDER BY ward_id`, [la]),
    db.query<{area_id: string}>(`SELECT area_id FROM ref_areas WHERE la_code = $1 ORDER BY area_id`, [la]),
    db.query<{set_id: string; wards: string}>(`SELECT set_id, string_agg(ward_id, ',' ORDER BY ward_id) AS wards FROM ref_target_wards WHERE la_code = $1 GROUP BY set_id ORDER BY set_id`, [la])
  ]);
  return {
    la,
    wards: wards.map((w) => w.ward_id),
    wardArea: new Map(wards.map((w) => [w.ward_id, w.area_id])),
    areas: areas.map((a) => a.area_id),
    sets: sets.map((s) => ({id: s.set_id, wards: new Set(s.wards.split(","))}))
  };
}

export interface LeafRow {
  m: number;
  w: string;
  a: string;
  grp: string;
  n: number;
}

export async function leafRows(db: Queryable, def: CountDefinition, time: TimeModel, breakdown: BreakdownSpec | undefined): Promise<LeafRow[]> {
  const fields = new Set(contractFor(def.extract, 2024).fields.map((f) => f.name));
  const ps = new Params();
  const hasWard = fields.has("ward");
  const w = hasWard ? `coalesce(x.ward::VARCHAR, 'unknown')` : `'unknown'`;
  const a = def.areaField ? `coalesce(x.${sqlIdent(def.areaField)}::VARCHAR, 'unknown')` : `'unknown'`;
  const date = `x.${sqlIdent(def.date)}`;
  if (def.kind === "event") {
    const where = and([`x.la_code = ${ps.p(def.la)}`, `${date} BETWEEN ${ps.p(isoStart(time.first))}::DATE AND ${ps.p(isoEnd(time.last))}::DATE`, ...def.filter.map((f) => filterSql(f, date, ps))]);
    return db.query<LeafRow>(`SELECT (year(${date}) * 12 + month(${date}) - 1)::INTEGER AS m, ${w} AS w, ${a} AS a, ${groupSql(breakdown, date)} AS grp, count(*)::INTEGER AS n
      FROM ${sqlIdent(def.extract)} x WHERE ${where} GROUP BY ALL`, ps.values as SqlParams);
  }
  const values: string[] = [];
  for (let m = time.first; m <= time.last; m++) values.push(`(${ps.p(m)}::INTEGER, ${ps.p(isoEnd(m))}::DATE)`);
  const at = "p.period_end";
  const where = and([`x.la_code = ${ps.p(def.la)}`, ...def.filter.map((f) => filterSql(f, at, ps))]);
  return db.query<LeafRow>(`WITH p(m, period_end) AS (VALUES ${values.join(", ")})
    SELECT p.m AS m, ${w} AS w, ${a} AS a, ${groupSql(breakdown, at)} AS grp, count(*)::INTEGER AS n
    FROM p JOIN ${sqlIdent(def.extract)} x ON ${date} <= p.period_end AND (x.${sqlIdent(def.end!)} IS NULL OR x.${sqlIdent(def.end!)} > p.period_end)
    WHERE ${where} GROUP BY ALL`, ps.values as SqlParams);
}

const pad = (n: number) => String(n).padStart(2, "0");
const isoStart = (i: number) => `${Math.floor(i / 12)}-${pad((i % 12) + 1)}-01`;
const isoEnd = (i: number) => {
  const y = Math.floor(i / 12);
  const m = (i % 12) + 1;
  return `${y}-${pad(m)}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
};
