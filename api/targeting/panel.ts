import {DomainError, badRequest} from "../oba/errors.js";
import {countSeries, coverage, population, populationYearsHeld, type Coverage, type Queryable} from "../oba/query.js";
import {resolveGeography} from "../oba/series.js";
import {parsePeriod, periodsWithin, populationYearOf, type Period} from "../oba/periods.js";
import type {TargetingMeasure} from "./measures.js";

/**
 * The I/O edge of ward targeting: wards, deprivation and the target-ward set from the reference
 * tables, and each measure's counts by ward and financial year through the series engine
 * (`countSeries` with a ward breakdown, `population` by ward). Everything downstream is pure.
 */

export interface WardInfo {
  id: string;
  name: string;
  area: string | null;
  /** Boundary vintage of the ward (e.g. 2003-2023): ward series are only comparable within one. */
  vintage: string;
  onsCode: string | null;
  target: boolean;
  /** IDACI rank within the authority's wards, 1 = most deprived. */
  deprivation: {rank: number; score: number; vintage: string} | null;
}

export interface TargetSet {
  id: string;
  name: string;
  laCode: string;
  illustrative: boolean;
  note: string | null;
  wards: string[];
}

export interface WardGeography {
  laCode: string;
  authority: string;
  wards: WardInfo[];
  targetSet: TargetSet;
}

/** The authority whose target wards are configured (the first set's, when there are several). */
export async function targetLa(db: Queryable): Promise<string> {
  const rows = await db.query<{la_code: string}>(`SELECT la_code FROM ref_target_wards ORDER BY set_id, ward_id LIMIT 1`);
  if (!rows.length) throw new DomainError("not-found", "no-target-wards", "no target-ward set is configured (data/reference/target-wards.json)");
  return rows[0].la_code;
}

/** The authority's wards with deprivation and target-ward membership; 404 when no target-ward set is configured. */
export async function wardGeography(db: Queryable, laCode: string): Promise<WardGeography> {
  const sets = await db.query<{set_id: string; name: string; illustrative: boolean; note: string | null; wards: string}>(
    `SELECT set_id, any_value(name) AS name, bool_or(illustrative) AS illustrative, any_value(note) AS note,
       string_agg(ward_id, ',' ORDER BY ward_id) AS wards FROM ref_target_wards WHERE la_code = $1 GROUP BY set_id ORDER BY set_id`, [laCode]);
  if (!sets.length) throw new DomainError("not-found", "no-target-wards", `no target-ward set is configured for LA ${laCode} (data/reference/target-wards.json)`);
  const set = sets[0];
  const targets = set.wards.split(",");
  const rows = await db.query<{ward_id: string; name: string; area_id: string | null; vintage: string; ons_code: string | null; idaci_rank: number | null; idaci_score: number | null; dep_vintage: string | null}>(
    `SELECT w.ward_id, w.name, w.area_id, w.vintage, w.ons_code, d.idaci_rank::INTEGER AS idaci_rank, d.idaci_score::DOUBLE AS idaci_score, d.vintage AS dep_vintage
     FROM ref_wards w LEFT JOIN ref_deprivation d ON d.la_code = w.la_code AND d.ward_id = w.ward_id
     WHERE w.la_code = $1 ORDER BY w.ward_id`, [laCode]);
  const auth = await db.query<{name: string}>(`SELECT name FROM ref_authorities WHERE la_code = $1`, [laCode]);
  return {
    laCode,
    authority: auth[0]?.name ?? `LA ${laCode}`,
    targetSet: {id: set.set_id, name: set.name, laCode, illustrative: set.illustrative, note: set.note, wards: targets},
    wards: rows.map((r) => ({
      id: r.ward_id, name: r.name, area: r.area_id, vintage: r.vintage, onsCode: r.ons_code, target: targets.includes(r.ward_id),
      deprivation: r.idaci_rank === null ? null : {rank: r.idaci_rank, score: r.idaci_score as number, vintage: r.dep_vintage ?? ""}
    }))
  };
}

export interface WardCell {
  numerator: number;
  /** Child population (per-10000 measures) or the indicator's own denominator count (percentages). */
  denominator: number;
  /** Children aged 0-17 in the ward (ONS mid-year estimate). */
  children: number;
}

export interface PanelPeriod {
  period: Period;
  populationYear: number;
  wards: Map<string, WardCell>;
  /** Records with no ward, or a ward not in the reference list: in the borough, in no ward. */
  unknown: {numerator: number; denominator: number};
}

export interface WardPanel {
  measure: TargetingMeasure;
  coverage: Coverage | null;
  periods: PanelPeriod[];
  notes: string[];
}

/** Financial years wholly inside the loaded extracts of the measure. */
export async function financialYears(db: Queryable, measure: TargetingMeasure): Promise<{coverage: Coverage | null; years: Period[]}> {
  const cov = await coverage(db, measure.indicator.numerator.extract, measure.indicator.laCode);
  return {coverage: cov, years: cov ? periodsWithin("financial-year", cov.from, cov.to) : []};
}

/**
 * The financial year asked for (or the latest one every measure covers), checked against each
 * measure's loaded extracts: 400 for a malformed period, 422 for a year with no data.
 */
export async function chooseYear(db: Queryable, measures: TargetingMeasure[], text: string | undefined): Promise<Period> {
  const spans = await Promise.all(measures.map(async (m) => ({m, ...(await financialYears(db, m))})));
  if (text !== undefined) {
    const p = parsePeriod("financial-year", text, "period");
    const missing = spans.filter((s) => !s.years.some((y) => y.label === p.label));
    if (missing.length) {
      throw new DomainError("cannot-compute", "period-not-available", `no data for ${p.label}: ${missing.map((s) => `${s.m.indicator.id} covers ${s.years.length ? `${s.years[0].label} to ${s.years[s.years.length - 1].label}` : "no year (no extract loaded)"}`).join("; ")}`,
        {field: "period", coverage: Object.fromEntries(spans.map((s) => [s.m.indicator.id, s.years.map((y) => y.label)]))});
    }
    return p;
  }
  const common = spans.reduce<string[] | null>((acc, s) => {
    const labels = s.years.map((y) => y.label);
    return acc === null ? labels : acc.filter((l) => labels.includes(l));
  }, null) ?? [];
  if (!common.length) throw new DomainError("cannot-compute", "period-not-available", `no financial year is covered by every indicator asked for (${measures.map((m) => m.indicator.id).join(", ")})`, {field: "period"});
  return parsePeriod("financial-year", common[common.length - 1]);
}

/** Parses a financial year query value (400 naming the expected format). */
export function parseYear(text: string, field: string): Period {
  return parsePeriod("financial-year", text, field);
}

/** Counts by ward for each period: one query for the counts and one or two for the populations. */
export async function wardPanel(db: Queryable, measure: TargetingMeasure, geo: WardGeography, periods: Period[]): Promise<WardPanel> {
  const ind = measure.indicator;
  if (ind.laCode !== geo.laCode) throw badRequest(`indicator ${ind.id} is for LA ${ind.laCode}, but the target wards are in LA ${geo.laCode}`, {field: "indicators"});
  // A ward breakdown is a contract field every ward-level extract has; adding it never widens what reaches the SQL.
  const withWard = {...ind, breakdowns: {...ind.breakdowns, ward: {label: "Ward", field: "ward"}}};
  const borough = await resolveGeography(db, ind, "borough", geo.laCode);
  const cov = await coverage(db, ind.numerator.extract, geo.laCode);
  const notes: string[] = [...measure.notes];
  const inCoverage = (p: Period) => cov !== null && p.start >= cov.from && p.end <= cov.to;
  const available = periods.filter(inCoverage);
  const counts = await countSeries(db, withWard, borough, available, "ward");

  const held = await populationYearsHeld(db, geo.laCode);
  const clamp = (y: number) => (held.length ? Math.min(Math.max(y, held[0]), held[held.length - 1]) : y);
  const clamped = [...new Set(periods.map(populationYearOf).filter((y) => clamp(y) !== y))];
  if (clamped.length) notes.push(`No population estimate for ${clamped.join(", ")}: the nearest year held (${held[0]}-${held[held.length - 1]}) is used.`);
  const years = [...new Set(periods.map((p) => clamp(populationYearOf(p))))];
  const key = (y: number, w: string) => `${y}|${w}`;
  const children = new Map((await population(db, borough, [0, 17], years, "ward")).map((r) => [key(r.year, r.grp), r.children]));
  const sameAges = measure.ages[0] === 0 && measure.ages[1] === 17;
  const ratePop = sameAges ? children : new Map((await population(db, borough, measure.ages, years, "ward")).map((r) => [key(r.year, r.grp), r.children]));

  const wardIds = new Set(geo.wards.map((w) => w.id));
  const out: PanelPeriod[] = periods.map((period) => {
    const year = clamp(populationYearOf(period));
    const rows = counts.filter((r) => r.label === period.label);
    const wards = new Map<string, WardCell>();
    for (const w of geo.wards) {
      const r = rows.find((x) => x.grp === w.id);
      const numerator = r?.numerator ?? 0;
      const denominator = measure.scale === "percent" ? r?.denominator ?? 0 : ratePop.get(key(year, w.id)) ?? 0;
      wards.set(w.id, {numerator, denominator, children: children.get(key(year, w.id)) ?? 0});
    }
    const unknownRows = rows.filter((x) => !wardIds.has(x.grp));
    const unknown = {
      numerator: unknownRows.reduce((s, r) => s + r.numerator, 0),
      denominator: measure.scale === "percent" ? unknownRows.reduce((s, r) => s + r.denominator, 0) : 0
    };
    return {period, populationYear: year, wards, unknown};
  });
  const missing = periods.filter((p) => !inCoverage(p));
  if (missing.length) notes.push(`${ind.id}: ${missing.map((p) => p.label).join(", ")} outside the loaded extracts.`);
  const unknownTotal = out.reduce((s, p) => s + p.unknown.numerator, 0);
  if (unknownTotal) notes.push(`${ind.id}: ${unknownTotal} record(s) have no known ward; they count in the borough total but in no ward, target-ward or rest-of-borough figure.`);
  return {measure, coverage: cov, periods: out.filter((p) => inCoverage(p.period)), notes};
}
