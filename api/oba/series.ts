import {DomainError, badRequest} from "./errors.js";
import {countInterval, proportionInterval, rateInterval, type Interval} from "../stats/intervals.js";
import {compareWithBenchmark, type BenchmarkComparison} from "../stats/benchmark.js";
import {suppress, type ConstraintGroup, type CountCell} from "../stats/suppress.js";
import type {Geography, Indicator, PeriodType} from "./catalogue.js";
import {parsePeriod, periodsBetween, periodsWithin, populationYearOf, type Period} from "./periods.js";
import * as q from "./query.js";
import type {Coverage, PopulationRow, Queryable} from "./query.js";
import type {Published} from "./publish.js";
import {policyOf, roundCount, type Disclosure, type DisclosurePolicy} from "./policy.js";

/** disclosure.ts reads these from here. */
export type {Coverage, Disclosure, Period, Published, Queryable};
export {and, coverage, filterSql, groupSql, Params} from "./query.js";

/**
 * Indicator series: (indicator, geography, period type, range, breakdown) → counts from the published
 * tables (query.ts) → points carrying numerator, denominator, value, 95% and 99.8% intervals and their
 * method, reliability flag, benchmark comparison and disclosure control.
 *
 * Statistics are computed on unrounded, unsuppressed counts first (`InternalPoint`); disclosure
 * control is applied only when a series is published (`publishSeries`).
 */

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
export function resolveGeography(db: Queryable, ind: Indicator, type: Geography, code?: string): Promise<ResolvedGeography> {
  if (!ind.geographies.includes(type)) return Promise.reject(notAllowed(ind, type));
  // The same on every request to a warehouse version: its reference tables never change.
  return q.remembered(db, `geography|${ind.id}|${ind.laCode}|${type}|${code ?? ""}`, () => lookUpGeography(db, ind, type, code));
}

async function lookUpGeography(db: Queryable, ind: Indicator, type: Geography, code?: string): Promise<ResolvedGeography> {
  const unknown = async (what: string, valid: string[]) =>
    new DomainError("not-found", "unknown-geography-code", `${what} '${code}' does not exist${valid.length ? `; known: ${valid.slice(0, 30).join(", ")}` : ""}`, {field: "code", known: valid});
  if (type === "borough") {
    const la = code ?? ind.laCode;
    if (!(await q.authorityKnown(db, la))) throw await unknown("authority", await q.authoritiesWithWards(db));
    return {type, code: la, laCode: la, name: (await q.authorityName(db, la)) ?? `LA ${la}`, wards: null};
  }
  if (type === "area") {
    if (!code) throw badRequest("geography=area needs code= an area id (e.g. central)", {field: "code"});
    const area = await q.areaOf(db, code);
    if (!area) throw await unknown("area", await q.areaIds(db, ind.laCode));
    return {type, code, laCode: area.la_code, name: area.name, wards: await q.wardsOfArea(db, area.la_code, code)};
  }
  if (type === "ward") {
    if (!code) throw badRequest("geography=ward needs code= a ward id (e.g. biscot)", {field: "code"});
    const ward = await q.wardOf(db, code);
    if (!ward) throw await unknown("ward", await q.wardIds(db, ind.laCode));
    return {type, code, laCode: ward.la_code, name: ward.name, wards: [code]};
  }
  // target-wards and rest-of-borough: the configured set (the only one unless code names another).
  const sets = await q.targetWardSets(db);
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
  const rest = await q.wardIds(db, set.la_code);
  return {type, code: set.set_id, laCode: set.la_code, name: `Rest of the borough (outside ${set.name})`, wards: rest.filter((w) => !targets.includes(w)), ...illustrative};
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
  const rows = await q.qualityNotes(db, ind.numerator.extract, geo.laCode);
  if (!rows.length) return () => [];
  const byArea = breakdown !== undefined && ind.breakdowns[breakdown]?.derived === "area";
  const inPlace = (r: (typeof rows)[number]) => r.area === "all" || geo.wards === null || (r.wards ?? []).some((w) => geo.wards!.includes(w)) || geo.code === r.area;
  return (p, group) => rows.filter((r) => r.start <= p.end && r.end >= p.start && inPlace(r) && (!byArea || group === "all" || r.area === "all" || r.area === group)).map((r) => r.finding);
}

/** What a series counts, before its count query: the place, the loaded coverage, the periods asked and those that can be counted. */
export interface SeriesPlan {
  indicator: Indicator;
  request: SeriesRequest;
  geography: ResolvedGeography;
  coverage: Coverage | null;
  periods: Period[];
  /** The periods within the loaded extracts: the ones the count query counts. */
  available: Period[];
  notes: string[];
}

const covers = (cov: Coverage | null, p: Period) => cov !== null && p.start >= cov.from && p.end <= cov.to;

/** Builds a series from the warehouse: unrounded, unsuppressed internal points. */
export async function buildSeries(db: Queryable, ind: Indicator, req: SeriesRequest): Promise<Series> {
  const plan = await planSeries(db, ind, req);
  return seriesFromCounts(db, plan, await q.countSeries(db, ind, plan.geography, plan.available, req.breakdown));
}

/**
 * A series' plan (see {@link SeriesPlan}): checks the request and resolves what the count query needs,
 * so that a caller with several series (a scorecard) can count those over the same records in one query.
 */
export async function planSeries(db: Queryable, ind: Indicator, req: SeriesRequest): Promise<SeriesPlan> {
  checkRequest(ind, req);
  const geo = await resolveGeography(db, ind, req.geography, req.code);
  const cov = await q.coverage(db, ind.numerator.extract, geo.laCode);
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
  const inCoverage = (p: Period) => covers(cov, p);
  const outside = periods.filter((p) => !inCoverage(p));
  if (outside.length) notes.push(`${outside.length} period(s) fall outside the loaded extracts (${cov ? `${cov.from} to ${cov.to}` : "none loaded"}) and are shown as not available (x).`);

  return {indicator: ind, request: req, geography: geo, coverage: cov, periods, available: periods.filter(inCoverage), notes};
}

/** A planned series from its counts (`countSeries`' rows for the plan's available periods). */
export async function seriesFromCounts(db: Queryable, plan: SeriesPlan, rows: q.CountRow[]): Promise<Series> {
  const {indicator: ind, request: req, geography: geo, coverage: cov, periods, available, notes} = plan;
  const inCoverage = (p: Period) => covers(cov, p);
  const bench = await q.benchmarks(db, ind);

  // Population denominators, by period's population year (clamped to the years we hold).
  const d = ind.denominator;
  const popBy = populationBreakdown(ind, req.breakdown);
  let popFor: (period: Period, group: string) => {children: number | null; year: number | null} = () => ({children: null, year: null});
  if (d.kind === "population" && available.length) {
    const held = await q.populationYearsHeld(db, geo.laCode);
    const clamp = (y: number) => (held.length ? Math.min(Math.max(y, held[0]), held[held.length - 1]) : y);
    const wanted = [...new Set(available.map((p) => clamp(populationYearOf(p))))];
    const clamped = [...new Set(available.map(populationYearOf).filter((y) => clamp(y) !== y))];
    if (clamped.length) notes.push(`No population estimate for ${clamped.join(", ")}: the nearest year held (${held[0]}–${held[held.length - 1]}) is used.`);
    const [totalPop, groupPop] = await Promise.all([
      q.population(db, geo, d.ages, wanted),
      popBy ? q.population(db, geo, d.ages, wanted, popBy) : Promise.resolve([] as PopulationRow[])
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
  /** Why a `c` is withheld whatever its value (e.g. sparse counts published for wards by year only). */
  withheld?: string;
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
  /** Why a count is withheld whatever its value (a sparse count not planned at this geography and period), when it is. */
  withheld?(p: InternalPoint): string | null;
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
        // A count withheld whatever its value may be c for 0: at least 0 to a reader, not 1.
        const cell = (id: string, p: InternalPoint): CountCell => ({id, count: which === "numerator" ? p.numerator : p.denominator ?? 0, hidden: pre(p), keep: !pre(p) && publishedBy(p, which) !== null,
          ...(pre(p) && mask?.withheld?.(p) ? {floor: 0} : {})});
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
    const withheld = p.available && c.flag === "c" ? mask?.withheld?.(p) ?? null : null;
    return {
      period: p.period.label, start: p.period.start, end: p.period.end, ...(groups.includes(p) ? {group: p.group} : {}),
      numerator: c.numerator, denominator: c.denominator, value: c.value, lower95: c.lower95, upper95: c.upper95, lower998: c.lower998, upper998: c.upper998,
      method: c.method, multiplier: MULTIPLIER[ind.unit], unit: ind.unit, flag: c.flag,
      ...(ind.denominator.kind === "population" ? {populationYear: p.available ? p.populationYear : null} : {}),
      benchmarks: c.benchmarks,
      qualityNotes: p.qualityNotes,
      ...(mark ? {published: mark} : {}),
      ...(withheld ? {withheld} : {})
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
