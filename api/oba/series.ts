import {DomainError, badRequest} from "./errors.js";
import {countInterval, proportionInterval, rateInterval, type Interval} from "../stats/intervals.js";
import {compareWithBenchmark, type BenchmarkComparison} from "../stats/benchmark.js";
import {suppress, type ConstraintGroup, type CountCell} from "../stats/suppress.js";
import {sqlIdent} from "../../pipelines/contracts/fields.js";
import type {Params as SqlParams} from "../../pipelines/warehouse/store.js";
import {AGE_BANDS, DERIVED, type Filter, type Geography, type Indicator, type PeriodType} from "./catalogue.js";
import {fyEndDate, fyLabel, fyStartDate, parsePeriod, periodsBetween, periodsWithin, populationYearOf, type Period} from "./periods.js";
import type {Published} from "./publish.js";
import {policyOf, roundCount, type Disclosure, type DisclosurePolicy} from "./policy.js";

/** disclosure.ts reads these types from here. */
export type {Disclosure, Period, Published};

/**
 * Indicator series: (indicator, geography, period type, range, breakdown) → SQL over the published
 * tables → points carrying numerator, denominator, value, 95% and 99.8% intervals and their method,
 * reliability flag, benchmark comparison and disclosure control.
 *
 * SQL safety: every value (codes, dates, filter values) is a parameter; every identifier comes from
 * the catalogue, which was checked at load against the extract contracts and the DERIVED whitelist.
 * Nothing the client sends becomes an identifier: the client chooses among names this module knows.
 *
 * Statistics are computed on unrounded, unsuppressed counts first (`InternalPoint`); disclosure
 * control is applied only when a series is published (`publishSeries`).
 */

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
}

// ---------------------------------------------------------------- geographies

export interface ResolvedGeography {
  type: Geography;
  /** The code the client gave or the default (LA number, area id, ward id or target-ward set id). */
  code: string;
  laCode: string;
  name: string;
  /** Wards included, or null for the whole authority (including records with no ward). */
  wards: string[] | null;
  illustrative?: boolean;
  note?: string;
}

export function notAllowed(ind: Indicator, geography: string): DomainError {
  return new DomainError("invalid", "geography-not-allowed",
    `indicator ${ind.id} is not published for geography '${geography}': allowed ${ind.geographies.join(", ")}`,
    {field: "geography", allowed: ind.geographies});
}

/** Checks the geography against the indicator and the reference tables; 4xx with the reason otherwise. */
export async function resolveGeography(db: Queryable, ind: Indicator, type: Geography, code?: string): Promise<ResolvedGeography> {
  if (!ind.geographies.includes(type)) throw notAllowed(ind, type);
  const unknown = async (what: string, valid: string[]) =>
    new DomainError("not-found", "unknown-geography-code", `${what} '${code}' does not exist${valid.length ? `; known: ${valid.slice(0, 30).join(", ")}` : ""}`, {field: "code", known: valid});
  if (type === "borough") {
    const la = code ?? ind.laCode;
    // An authority is known from its wards, the authorities table, or a loaded return (a council's own
    // 903/CIN files publish borough figures before anyone adds its wards to the reference data).
    const known = `SELECT la_code FROM ref_wards UNION SELECT la_code FROM ref_authorities UNION SELECT la_code FROM extract_loads WHERE coalesce(rows_loaded, 0) > 0`;
    const rows = await db.query<{la_code: string}>(`SELECT la_code FROM (${known}) WHERE la_code = $1`, [la]);
    if (!rows.length) throw await unknown("authority", (await db.query<{la_code: string}>(`SELECT DISTINCT la_code FROM ref_wards ORDER BY 1`)).map((r) => r.la_code));
    const auth = await db.query<{name: string}>(`SELECT name FROM ref_authorities WHERE la_code = $1`, [la]);
    return {type, code: la, laCode: la, name: auth[0]?.name ?? `LA ${la}`, wards: null};
  }
  if (type === "area") {
    if (!code) throw badRequest("geography=area needs code= an area id (e.g. central)", {field: "code"});
    const rows = await db.query<{la_code: string; name: string}>(`SELECT la_code, name FROM ref_areas WHERE area_id = $1`, [code]);
    if (!rows.length) throw await unknown("area", (await db.query<{area_id: string}>(`SELECT area_id FROM ref_areas WHERE la_code = $1 ORDER BY 1`, [ind.laCode])).map((r) => r.area_id));
    const wards = await db.query<{ward_id: string}>(`SELECT ward_id FROM ref_wards WHERE la_code = $1 AND area_id = $2 ORDER BY 1`, [rows[0].la_code, code]);
    return {type, code, laCode: rows[0].la_code, name: rows[0].name, wards: wards.map((w) => w.ward_id)};
  }
  if (type === "ward") {
    if (!code) throw badRequest("geography=ward needs code= a ward id (e.g. biscot)", {field: "code"});
    const rows = await db.query<{la_code: string; name: string}>(`SELECT la_code, name FROM ref_wards WHERE ward_id = $1`, [code]);
    if (!rows.length) throw await unknown("ward", (await db.query<{ward_id: string}>(`SELECT ward_id FROM ref_wards WHERE la_code = $1 ORDER BY 1`, [ind.laCode])).map((r) => r.ward_id));
    return {type, code, laCode: rows[0].la_code, name: rows[0].name, wards: [code]};
  }
  // target-wards and rest-of-borough: the configured set (the only one unless code names another).
  const sets = await db.query<{set_id: string; name: string; la_code: string; illustrative: boolean; note: string; wards: string}>(
    `SELECT set_id, any_value(name) AS name, any_value(la_code) AS la_code, bool_or(illustrative) AS illustrative, any_value(note) AS note,
       string_agg(ward_id, ',' ORDER BY ward_id) AS wards FROM ref_target_wards GROUP BY set_id ORDER BY set_id`);
  const set = code ? sets.find((s) => s.set_id === code) : sets.find((s) => s.la_code === ind.laCode) ?? sets[0];
  if (!set) {
    if (code) throw await unknown("target-ward set", sets.map((s) => s.set_id));
    throw new DomainError("not-found", "unknown-geography-code", "no target-ward set is configured (data/reference/target-wards.json)");
  }
  if (set.la_code !== ind.laCode && !code) {
    throw new DomainError("invalid", "geography-not-allowed", `the target-ward set '${set.set_id}' is in LA ${set.la_code}, but indicator ${ind.id} is for LA ${ind.laCode}`, {field: "geography"});
  }
  const targets = set.wards.split(",");
  const illustrative = {illustrative: set.illustrative, note: set.note};
  if (type === "target-wards") return {type, code: set.set_id, laCode: set.la_code, name: set.name, wards: targets, ...illustrative};
  const rest = await db.query<{ward_id: string}>(`SELECT ward_id FROM ref_wards WHERE la_code = $1 ORDER BY 1`, [set.la_code]);
  return {type, code: set.set_id, laCode: set.la_code, name: `Rest of the borough (outside ${set.name})`, wards: rest.map((r) => r.ward_id).filter((w) => !targets.includes(w)), ...illustrative};
}

// ---------------------------------------------------------------- SQL

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

/** The SQL expression grouping records by a breakdown (a catalogue field or DERIVED name), or `'all'`. */
export function groupSql(b: {field?: string; derived?: string} | undefined, at: string): string {
  if (!b) return `'all'`;
  const expr = b.field !== undefined ? `x.${sqlIdent(b.field)}` : DERIVED[b.derived!].sql(at);
  return `coalesce((${expr})::VARCHAR, 'unknown')`;
}

interface CountRow {
  label: string;
  grp: string;
  numerator: number;
  denominator: number;
}

/** Numerator (and extract denominator) counts per period and group: one parameterised query. */
export async function countSeries(db: Queryable, ind: Indicator, geo: ResolvedGeography, periods: Period[], breakdown?: string): Promise<CountRow[]> {
  if (!periods.length) return [];
  const ps = new Params();
  const n = ind.numerator;
  const values = periods.map((p) => `(${ps.p(p.label)}, ${ps.p(p.start)}::DATE, ${ps.p(p.end)}::DATE)`).join(", ");
  const at = n.kind === "event" ? `x.${sqlIdent(n.date)}` : "p.period_end";
  const join = n.kind === "event"
    ? `x.${sqlIdent(n.date)} BETWEEN p.period_start AND p.period_end`
    : `x.${sqlIdent(n.date)} <= p.period_end AND (x.${sqlIdent(n.end!)} IS NULL OR x.${sqlIdent(n.end!)} > p.period_end)`;
  const where = geographySql(ind, geo, ps);
  const denFilter = ind.denominator.kind === "extract" ? ind.denominator.filter : n.filter;
  const denPred = and(denFilter.map((f) => filterSql(f, at, ps)));
  const numPred = and(n.filter.map((f) => filterSql(f, at, ps)));
  const grp = breakdownSql(ind, breakdown, at);
  const sql = `WITH p(label, period_start, period_end) AS (VALUES ${values})
    SELECT p.label AS label, ${grp} AS grp,
      count(*) FILTER (WHERE ${numPred})::INTEGER AS numerator, count(*)::INTEGER AS denominator
    FROM p JOIN ${sqlIdent(n.extract)} x ON ${join}
    WHERE ${where} AND ${denPred}
    GROUP BY ALL`;
  return db.query<CountRow>(sql, ps.values as SqlParams);
}

export interface PopulationRow {
  year: number;
  grp: string;
  children: number;
}

/**
 * Children in the geography by year (and by group when the breakdown is one with a population:
 * age band, ward, area). Other breakdowns share the whole population (group 'all').
 */
export async function population(db: Queryable, geo: ResolvedGeography, ages: [number, number], years: number[], by?: "age_band" | "ward" | "area"): Promise<PopulationRow[]> {
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
}

/** The breakdowns whose groups have their own child population (so rates by group make sense). */
export function populationBreakdown(ind: Indicator, breakdown?: string): "age_band" | "ward" | "area" | undefined {
  if (!breakdown) return undefined;
  const b = ind.breakdowns[breakdown];
  if (b.derived === "age_band") return "age_band";
  if (b.field === "ward") return "ward";
  if (b.derived === "area") return "area";
  return undefined;
}

export interface Coverage {
  from: string;
  to: string;
  collectionYears: string[];
}

/** The financial years loaded for the indicator's extract and authority (from the load register). */
export async function coverage(db: Queryable, ind: Indicator, laCode: string): Promise<Coverage | null> {
  const rows = await db.query<{collection_year: number}>(
    `SELECT DISTINCT collection_year::INTEGER AS collection_year FROM extract_loads
     WHERE extract_type = $1 AND la_code = $2 AND coalesce(rows_loaded, 0) > 0 ORDER BY 1`, [ind.numerator.extract, laCode]);
  if (!rows.length) return null;
  const years = rows.map((r) => r.collection_year);
  return {from: fyStartDate(years[0]), to: fyEndDate(years[years.length - 1]), collectionYears: years.map(fyLabel)};
}

export async function benchmarks(db: Queryable, ind: Indicator): Promise<Map<string, {comparator: string; value: number; source: string}[]>> {
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
}

// ---------------------------------------------------------------- statistics per point

export const MULTIPLIER: Record<Indicator["unit"], number> = {count: 1, percent: 100, "per-10000": 10000};

export interface PointStats {
  value: number | null;
  ci95: Interval | null;
  ci998: Interval | null;
  method: Interval["method"] | null;
  /** "u": a rate on fewer than 10 events (low reliability). */
  reliability: "u" | null;
  /** Why there is no value, when there is none. */
  reason?: string;
}

/** Value and both intervals from unrounded counts: Wilson for %, exact/Byar for counts and rates. */
export function pointStats(unit: Indicator["unit"], numerator: number, denominator: number | null): PointStats {
  const at = (level: number): Interval | null => {
    if (unit === "count") return countInterval(numerator, {level});
    if (denominator === null || denominator <= 0) return null;
    if (unit === "percent") return proportionInterval(numerator, denominator, {level, multiplier: 100});
    return rateInterval(numerator, denominator, {level, multiplier: 10000});
  };
  const ci95 = at(0.95);
  const ci998 = at(0.998);
  if (!ci95) {
    return {value: null, ci95: null, ci998: null, method: null, reliability: null,
      reason: unit === "percent" ? "no records in the denominator" : "no population for this geography and year"};
  }
  return {value: ci95.value, ci95, ci998, method: ci95.method, reliability: unit === "per-10000" && numerator < 10 ? "u" : null};
}

export interface InternalPoint extends PointStats {
  period: Period;
  group: string;
  available: boolean;
  numerator: number;
  denominator: number | null;
  populationYear: number | null;
  benchmarks: {comparator: string; value: number; source: string; comparison: BenchmarkComparison}[];
  /** Data-quality findings about the source figures this point is built from (data-quality-notes.json). */
  qualityNotes: string[];
}

export interface SeriesRequest {
  geography: Geography;
  code?: string;
  period: PeriodType;
  from?: string;
  to?: string;
  breakdown?: string;
}

export interface Series {
  indicator: Indicator;
  geography: ResolvedGeography;
  period: PeriodType;
  breakdown: string | null;
  coverage: Coverage | null;
  /** Totals per period (always), and per group when a breakdown is asked for. */
  totals: InternalPoint[];
  groups: InternalPoint[];
  notes: string[];
}

/** Validates the request against the catalogue entry; throws 4xx naming what is wrong. */
export function checkRequest(ind: Indicator, req: SeriesRequest): void {
  if (!ind.periods.includes(req.period)) {
    throw new DomainError("invalid", "period-not-allowed", `indicator ${ind.id} is not published by ${req.period}: allowed ${ind.periods.join(", ")}`, {field: "period", allowed: ind.periods});
  }
  if (!ind.geographies.includes(req.geography)) throw notAllowed(ind, req.geography);
  if (req.breakdown !== undefined && !ind.breakdowns[req.breakdown]) {
    throw new DomainError("invalid", "unknown-breakdown", `indicator ${ind.id} has no breakdown '${req.breakdown}': available ${Object.keys(ind.breakdowns).join(", ") || "none"}`,
      {field: "breakdown", allowed: Object.keys(ind.breakdowns)});
  }
  if (req.from !== undefined && req.to !== undefined) {
    const from = parsePeriod(req.period, req.from, "from");
    const to = parsePeriod(req.period, req.to, "to");
    if (from.end > to.end) throw new DomainError("invalid", "invalid-range", `from (${from.label}) is after to (${to.label})`, {field: "from"});
  }
}

/**
 * The data-quality findings that touch a point: same extract and authority, overlapping period, and a
 * place that includes the note's area (the borough includes every area; a ward set, its wards'
 * areas). In an area breakdown, a note about one area travels with that area's group only.
 */
async function qualityNotesFor(db: Queryable, ind: Indicator, geo: ResolvedGeography, breakdown?: string): Promise<(p: Period, group: string) => string[]> {
  const has = await db.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'ref_quality_notes'`);
  if (!has[0]?.n) return () => [];
  const rows = await db.query<{start: string; "end": string; area: string; finding: string; wards: string[] | null}>(
    `SELECT n.start::VARCHAR AS start, n."end"::VARCHAR AS "end", n.area, n.finding,
       (SELECT list(w.ward_id) FROM ref_wards w WHERE w.la_code = n.la_code AND w.area_id = n.area) AS wards
     FROM ref_quality_notes n WHERE n.extract = $1 AND n.la_code = $2`, [ind.numerator.extract, geo.laCode]);
  if (!rows.length) return () => [];
  const byArea = breakdown !== undefined && ind.breakdowns[breakdown]?.derived === "area";
  const inPlace = (r: (typeof rows)[number]) => r.area === "all" || geo.wards === null || (r.wards ?? []).some((w) => geo.wards!.includes(w)) || geo.code === r.area;
  return (p, group) => rows.filter((r) => r.start <= p.end && r.end >= p.start && inPlace(r) && (!byArea || group === "all" || r.area === "all" || r.area === group)).map((r) => r.finding);
}

/** Builds a series from the warehouse: unrounded, unsuppressed internal points. */
export async function buildSeries(db: Queryable, ind: Indicator, req: SeriesRequest): Promise<Series> {
  checkRequest(ind, req);
  const geo = await resolveGeography(db, ind, req.geography, req.code);
  const cov = await coverage(db, ind, geo.laCode);
  const notes: string[] = [];
  if (ind.note) notes.push(ind.note);
  if (geo.illustrative) notes.push(geo.note ?? "The target-ward set is illustrative configuration.");
  if (geo.type === "rest-of-borough" || geo.type === "target-wards") {
    if (ind.numerator.extract === "early_help") notes.push("CAFs with no ward recorded count in the borough but in neither the target wards nor the rest of the borough.");
  }
  let periods: Period[];
  if (req.from !== undefined || req.to !== undefined) {
    const within = cov ? periodsWithin(req.period, cov.from, cov.to) : [];
    const from = req.from !== undefined ? parsePeriod(req.period, req.from, "from") : within[0] ?? parsePeriod(req.period, req.to!, "to");
    const to = req.to !== undefined ? parsePeriod(req.period, req.to, "to") : within[within.length - 1] ?? from;
    if (from.end > to.end) throw new DomainError("invalid", "invalid-range", `from (${from.label}) is after to (${to.label})`, {field: "from"});
    periods = periodsBetween(req.period, from, to);
    if (periods.length > 400) throw badRequest(`the range ${from.label} to ${to.label} has ${periods.length} periods; at most 400 at once`, {field: "to"});
  } else {
    periods = cov ? periodsWithin(req.period, cov.from, cov.to) : [];
  }
  if (!cov) notes.push(`No ${ind.numerator.extract} extract has been loaded for LA ${geo.laCode}.`);
  const inCoverage = (p: Period) => cov !== null && p.start >= cov.from && p.end <= cov.to;
  const outside = periods.filter((p) => !inCoverage(p));
  if (outside.length) notes.push(`${outside.length} period(s) fall outside the loaded extracts (${cov ? `${cov.from} to ${cov.to}` : "none loaded"}) and are shown as not available (x).`);

  const available = periods.filter(inCoverage);
  const rows = await countSeries(db, ind, geo, available, req.breakdown);
  const bench = await benchmarks(db, ind);

  // Population denominators, by period's population year (clamped to the years we hold).
  const d = ind.denominator;
  const popBy = populationBreakdown(ind, req.breakdown);
  let popFor: (period: Period, group: string) => {children: number | null; year: number | null} = () => ({children: null, year: null});
  if (d.kind === "population" && available.length) {
    const held = (await db.query<{year: number}>(`SELECT DISTINCT year::INTEGER AS year FROM ref_population WHERE la_code = $1 ORDER BY 1`, [geo.laCode])).map((r) => r.year);
    const clamp = (y: number) => (held.length ? Math.min(Math.max(y, held[0]), held[held.length - 1]) : y);
    const wanted = [...new Set(available.map((p) => clamp(populationYearOf(p))))];
    const clamped = [...new Set(available.map(populationYearOf).filter((y) => clamp(y) !== y))];
    if (clamped.length) notes.push(`No population estimate for ${clamped.join(", ")}: the nearest year held (${held[0]}–${held[held.length - 1]}) is used.`);
    const [totalPop, groupPop] = await Promise.all([
      population(db, geo, d.ages, wanted),
      popBy ? population(db, geo, d.ages, wanted, popBy) : Promise.resolve([] as PopulationRow[])
    ]);
    const key = (y: number, g: string) => `${y}|${g}`;
    const totals = new Map(totalPop.map((r) => [key(r.year, "all"), r.children]));
    const groups = new Map(groupPop.map((r) => [key(r.year, r.grp), r.children]));
    popFor = (period, group) => {
      const year = clamp(populationYearOf(period));
      const children = group === "all" || !popBy ? totals.get(key(year, "all")) : groups.get(key(year, group));
      return {children: children ?? null, year};
    };
  }

  const qualityNotesOf = await qualityNotesFor(db, ind, geo, req.breakdown);
  const byKey = new Map(rows.map((r) => [`${r.label}|${r.grp}`, r]));
  const groupNames = [...new Set(rows.map((r) => r.grp))].sort();
  const make = (period: Period, group: string, num: number, denRows: number, isAvailable: boolean): InternalPoint => {
    if (!isAvailable) {
      return {period, group, available: false, numerator: 0, denominator: null, populationYear: null, value: null, ci95: null, ci998: null,
        method: null, reliability: null, reason: "outside the loaded extracts", benchmarks: [], qualityNotes: qualityNotesOf(period, group)};
    }
    let denominator: number | null = null;
    let populationYear: number | null = null;
    if (d.kind === "extract") denominator = denRows;
    if (d.kind === "population") {
      const pop = popFor(period, group);
      denominator = pop.children;
      populationYear = pop.year;
    }
    const stats = pointStats(ind.unit, num, denominator);
    const bs = (req.period === "financial-year" && group === "all" ? bench.get(period.label) ?? [] : []).map((b) => ({
      ...b, comparison: compareWithBenchmark(stats.ci95, b.value, ind.polarity)
    }));
    return {period, group, available: true, numerator: num, denominator, populationYear, ...stats, benchmarks: bs, qualityNotes: qualityNotesOf(period, group)};
  };
  const totals = periods.map((p) => {
    const inP = rows.filter((r) => r.label === p.label);
    return make(p, "all", inP.reduce((s, r) => s + r.numerator, 0), inP.reduce((s, r) => s + r.denominator, 0), inCoverage(p));
  });
  const groups = req.breakdown
    ? periods.flatMap((p) => groupNames.map((g) => {
        const r = byKey.get(`${p.label}|${g}`);
        return make(p, g, r?.numerator ?? 0, r?.denominator ?? 0, inCoverage(p));
      }))
    : [];
  if (req.breakdown && !popBy && d.kind === "population") {
    notes.push(`There is no child population by ${ind.breakdowns[req.breakdown].label.toLowerCase()}: each group's rate is per 10,000 of all children in the geography (the groups' rates add up to the total).`);
  }
  return {indicator: ind, geography: geo, period: req.period, breakdown: req.breakdown ?? null, coverage: cov, totals, groups, notes};
}

// ---------------------------------------------------------------- disclosure control


/** One period's figures as published, for an indicator or a provider's performance measure alike. */
export interface PublishedFigures {
  period: string;
  start: string;
  end: string;
  numerator: Published;
  denominator: Published;
  value: Published;
  lower95: Published;
  upper95: Published;
  lower998: Published;
  upper998: Published;
  method: string | null;
  /** GSS symbol explaining a missing or flagged value: c confidential, x not available, z not applicable, u low reliability. */
  flag: "c" | "x" | "z" | "u" | null;
}

export interface PublishedPoint extends PublishedFigures {
  group?: string;
  multiplier: number;
  unit: Indicator["unit"];
  populationYear?: number | null;
  benchmarks: {comparator: string; value: number; comparison: BenchmarkComparison}[];
  /** Data-quality findings about the source figures (shown beside the figure and in exports). */
  qualityNotes: string[];
  /** A count shown because the council has published it (data/reference/published-figures.json): where. */
  published?: {by: "council"; sources: string[]};
}

/**
 * Which of a series' counts the disclosure lattice (api/oba/disclosure.ts) hides, and which it shows
 * because the council has published them.
 */
export interface PointMask {
  numerator(p: InternalPoint): boolean;
  /** Only asked when the denominator is itself a count of children (percentages). */
  denominator(p: InternalPoint): boolean;
  /**
   * The sources of a figure the council has published that this count equals, when the plan treats
   * it as public (data/reference/published-figures.json): shown with its number, never rounded.
   */
  published?(p: InternalPoint, which: "numerator" | "denominator"): string[] | null;
}

export interface PublishOptions {
  /** Default "suppressed". With "full" nothing is hidden; "u" flags for low reliability remain. */
  disclosure?: Disclosure;
  /** The audience's policy (primary threshold, rounding); without one, the default for `disclosure`. */
  policy?: DisclosurePolicy;
  /**
   * The lattice mask for this series (primary and secondary cells across every geography, period
   * and linked table). Without one only this request's own cells are protected, which does not
   * stop subtraction across requests: every route passes one.
   */
  mask?: PointMask | null;
}

/**
 * Publishes points. With disclosure "suppressed" (the default) every count from 1 to the policy's
 * `primaryMax` (5 by default) is "c" (zero stays 0), every count the lattice mask hides is "c", and
 * with a breakdown, secondary suppression (the stats library's `suppress`) stops a group being
 * recovered from the period total and the other groups. A rate or percentage on a suppressed count
 * is suppressed with its intervals and its benchmark comparison (which would otherwise bound it).
 * With the policy's `roundTo`, shown counts of children are rounded and the value, its intervals,
 * reliability flag and benchmark comparison are computed from the rounded counts, so no shown figure
 * gives the unrounded count back. A figure the council has published (the mask's `published`) is
 * shown as published and marked. With "full" every count is shown.
 */
export function publishPoints(ind: Indicator, totals: InternalPoint[], groups: InternalPoint[] = [], options: PublishOptions = {}): {totals: PublishedPoint[]; groups: PublishedPoint[]} {
  const policy = options.policy ?? policyOf(options.disclosure ?? "suppressed");
  const full = policy.disclosure === "full";
  const primaryMax = policy.primaryMax;
  const mask = full ? null : options.mask ?? null;
  const publishedBy = (p: InternalPoint, which: "numerator" | "denominator") => mask?.published?.(p, which) ?? null;
  const hidden = new Set<InternalPoint>();
  const denHidden = new Set<InternalPoint>();
  const childCount = (_p?: InternalPoint) => ind.denominator.kind === "extract";
  const small = (n: number | null) => n !== null && n >= 1 && n <= primaryMax;
  for (const p of full ? [] : [...totals, ...groups]) {
    if (!p.available) continue;
    if ((small(p.numerator) && !publishedBy(p, "numerator")) || mask?.numerator(p)) hidden.add(p);
    if (childCount(p) && ((small(p.denominator) && !publishedBy(p, "denominator")) || mask?.denominator(p))) {
      hidden.add(p);
      denHidden.add(p);
    }
  }
  if (groups.length && !full) {
    for (const t of totals) {
      if (!t.available) continue;
      const parts = groups.filter((g) => g.period.label === t.period.label);
      for (const which of childCount(t) ? (["numerator", "denominator"] as const) : (["numerator"] as const)) {
        // Cells the lattice already hides count as hidden here, so no needless extra cell is taken;
        // the council's published figures are known to every reader.
        const pre = (p: InternalPoint) => (which === "numerator" ? hidden : denHidden).has(p);
        const cell = (id: string, p: InternalPoint): CountCell => ({id, count: which === "numerator" ? p.numerator : p.denominator ?? 0, hidden: pre(p), keep: !pre(p) && publishedBy(p, which) !== null});
        const cells: CountCell[] = [cell("total", t), ...parts.map((g, i) => cell(`g${i}`, g))];
        const groupsC: ConstraintGroup[] = [{parts: parts.map((_, i) => `g${i}`), total: "total"}];
        const result = suppress({cells, groups: groupsC}, {primaryMax});
        for (const id of [...result.primary, ...result.secondary]) {
          const p = id === "total" ? t : parts[Number(id.slice(1))];
          hidden.add(p);
          if (which === "denominator") denHidden.add(p);
        }
      }
    }
  }
  type Cells = Pick<PublishedPoint, "numerator" | "denominator" | "value" | "lower95" | "upper95" | "lower998" | "upper998" | "method" | "flag" | "benchmarks">;
  const all = (v: Published) => ({value: v, lower95: v, upper95: v, lower998: v, upper998: v});
  // Shown counts as the policy publishes them (a published figure as the council printed it).
  const shownNumerator = (p: InternalPoint) => (publishedBy(p, "numerator") ? p.numerator : roundCount(policy, p.numerator));
  const shownDenominator = (p: InternalPoint) =>
    p.denominator === null || !childCount(p) || publishedBy(p, "denominator") ? p.denominator : roundCount(policy, p.denominator);
  const cells = (p: InternalPoint): Cells => {
    if (!p.available) return {numerator: "x", denominator: "x", ...all("x"), method: null, flag: "x", benchmarks: []};
    const den: Published = ind.denominator.kind === "none" ? null : denHidden.has(p) ? "c" : shownDenominator(p);
    if (hidden.has(p)) {
      // No method either: exact (under 10 events) or Byar would bound the hidden count.
      return {numerator: "c", denominator: den, ...all("c"), method: null, flag: "c",
        benchmarks: p.benchmarks.map((b) => ({comparator: b.comparator, value: b.value, comparison: "not-compared" as const}))};
    }
    const n = shownNumerator(p);
    const d = shownDenominator(p);
    // Rounded counts: every figure built on them is computed from what is shown.
    const rounded = n !== p.numerator || d !== p.denominator;
    const s = rounded ? pointStats(ind.unit, n, d) : p;
    if (s.value === null) return {numerator: n, denominator: den, ...all("z"), method: null, flag: "z", benchmarks: []};
    return {
      numerator: n, denominator: den, value: s.value,
      lower95: s.ci95?.lower ?? null, upper95: s.ci95?.upper ?? null, lower998: s.ci998?.lower ?? null, upper998: s.ci998?.upper ?? null,
      method: s.method, flag: s.reliability,
      benchmarks: p.benchmarks.map((b) => ({comparator: b.comparator, value: b.value, comparison: rounded ? compareWithBenchmark(s.ci95, b.value, ind.polarity) : b.comparison}))
    };
  };
  const published = (p: InternalPoint, c: Cells): PublishedPoint["published"] => {
    const sources = (["numerator", "denominator"] as const).flatMap((w) => (typeof c[w] === "number" ? publishedBy(p, w) ?? [] : []));
    return sources.length ? {by: "council", sources: [...new Set(sources)]} : undefined;
  };
  // Fixed key order: CSV columns follow it.
  const pub = (p: InternalPoint): PublishedPoint => {
    const c = cells(p);
    const mark = p.available ? published(p, c) : undefined;
    return {
      period: p.period.label, start: p.period.start, end: p.period.end, ...(groups.includes(p) ? {group: p.group} : {}),
      numerator: c.numerator, denominator: c.denominator, value: c.value, lower95: c.lower95, upper95: c.upper95, lower998: c.lower998, upper998: c.upper998,
      method: c.method, multiplier: MULTIPLIER[ind.unit], unit: ind.unit, flag: c.flag,
      ...(ind.denominator.kind === "population" ? {populationYear: p.available ? p.populationYear : null} : {}),
      benchmarks: c.benchmarks,
      qualityNotes: p.qualityNotes,
      ...(mark ? {published: mark} : {})
    };
  };
  return {totals: totals.map(pub), groups: groups.map(pub)};
}

/** Which points may carry a number: the ones shown (not c, x or z) after disclosure control. */
export function shownValue(p: PublishedPoint): number | null {
  return typeof p.value === "number" ? p.value : null;
}

export function geographyView(g: ResolvedGeography) {
  return {type: g.type, code: g.code, laCode: g.laCode, name: g.name, wards: g.wards, ...(g.illustrative !== undefined ? {illustrative: g.illustrative, note: g.note} : {})};
}
