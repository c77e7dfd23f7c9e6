import {DomainError, badRequest} from "../oba/errors.js";
import type {Queryable, Reader} from "../oba/query.js";
import type {Period} from "../oba/periods.js";
import {policyOf, smallCounts, type Disclosure, type DisclosurePolicy} from "../oba/policy.js";
import {wardTableMask} from "../oba/disclosure.js";
import {compareWithBenchmark, isConfidentlyTopK, RANK_DRAWS, recentTrend} from "../stats/index.js";
import {allocate, type AllocationWard} from "./allocation.js";
import {inequality, type SiiGroups} from "./concentration.js";
import {PRIMARY_MAX, protectWardRates, publishedCount, shownCountsOf, shownWards, withMask, type WardMask, type WardRateDisclosure} from "./disclosure.js";

/** Who a view is for: a role's disclosure policy, or "suppressed" / "full" for the defaults. */
export type Audience = Disclosure | DisclosurePolicy;
import {DEFAULT_NEED_INDICATORS, describeMeasure, measuresOr404, type TargetingMeasure} from "./measures.js";
import {needIndex, parseWeights, type NeedResult} from "./need.js";
import {chooseYear, financialYears, targetLa, wardGeography, wardPanel, type PanelPeriod, type WardGeography, type WardInfo, type WardPanel} from "./panel.js";
import {pct, publishEstimate, publishExcess, publishRatio} from "./publish.js";
import {wardTable, type AreaRow, type WardInput, type WardRow, type WardTable} from "./ward-table.js";

/**
 * The targeting resources as functions of the warehouse: each loads what it needs through the panel
 * (the I/O edge), computes with the pure modules and publishes with disclosure control. Routes are
 * thin wrappers over these.
 */

export const DEFAULT_SEED = 20140401;
/** The Early Help Strategy 2014-17 started in 2014/15: the default year the gap is judged from. */
export const DEFAULT_SINCE = "2014/15";
export const TOP_K = 5;

// ---------------------------------------------------------------- shared pieces

function wardView(w: WardInfo) {
  return {id: w.id, name: w.name, area: w.area, vintage: w.vintage, onsCode: w.onsCode, target: w.target, deprivation: w.deprivation};
}

export function geographyView(geo: WardGeography) {
  const vintages = [...new Set(geo.wards.map((w) => w.vintage))];
  return {
    laCode: geo.laCode, authority: geo.authority, wardVintage: vintages.length === 1 ? vintages[0] : vintages,
    targetWards: {id: geo.targetSet.id, name: geo.targetSet.name, wards: geo.targetSet.wards, illustrative: geo.targetSet.illustrative, note: geo.targetSet.note}
  };
}

/** Years after the last year of a ward vintage (e.g. 2003-2023) are on other boundaries. */
export function vintageNotes(geo: WardGeography, periods: Period[]): string[] {
  const notes: string[] = [];
  for (const v of new Set(geo.wards.map((w) => w.vintage))) {
    const m = /^(\d{4})-(\d{4})$/.exec(v);
    if (!m) continue;
    const late = periods.filter((p) => Number(p.end.slice(0, 4)) > Number(m[2]));
    if (late.length) notes.push(`Wards of vintage ${v} were replaced in ${m[2]}: ${late.map((p) => p.label).join(", ")} may use other boundaries, so ward figures there are not comparable with earlier years.`);
  }
  return notes;
}

interface Computed {
  measure: TargetingMeasure;
  period: PanelPeriod;
  table: WardTable;
  disclosure: WardRateDisclosure;
}

function inputsOf(geo: WardGeography, pp: PanelPeriod): WardInput[] {
  return geo.wards.map((w) => ({id: w.id, target: w.target, ...pp.wards.get(w.id)!}));
}

/**
 * What the caller may see of a measure's ward table for a year: "full" for analysts and admins, else
 * the cells the disclosure lattice hides (the same plan every series, breakdown and period of these
 * counts is published from, so this table cannot be combined with them to undo it).
 */
export async function maskFor(db: Reader, m: TargetingMeasure, geo: WardGeography, period: Period, mode: Audience): Promise<WardMask> {
  const policy = policyOf(mode);
  if (policy.disclosure === "full") return "full";
  return {...await wardTableMask(db, m.indicator, geo.laCode, geo.targetSet.id, geo.wards.map((w) => w.id), period, policy), primaryMax: policy.primaryMax, roundTo: policy.roundTo};
}

/**
 * A ward table's disclosure: its own protection of the true counts, joined with the lattice's (or
 * nothing hidden with "full"); a shown cell publishes the count the audience is shown (shownCountsOf).
 */
export function protect(db: Reader, m: TargetingMeasure, geo: WardGeography, pp: PanelPeriod, mask: WardMask): WardRateDisclosure {
  const inputs = inputsOf(geo, pp);
  const wards = inputs.map((w) => ({id: w.id, numerator: w.numerator, denominator: w.denominator, target: w.target}));
  const own = [wards, pp.unknown, m.scale === "percent", mask === "full" ? PRIMARY_MAX : mask.primaryMax] as const;
  const d = withMask(db.computeOnce("ward-rate-protection", own, () => protectWardRates(...own)), mask);
  const shown = shownCountsOf(mask, m.scale === "percent");
  if (!shown) return d;
  const table = wardTable(m.scale, inputs, pp.unknown, {seed: 0, needDirection: m.needDirection, ranks: false, shown});
  const counts = (which: "numerator" | "denominator") => new Map<string, number>([
    ...table.wards.map((w) => [`ward:${w.id}`, w[which]] as const),
    ["total:borough", table.borough[which]], ["total:target", table.target[which]], ["total:rest", table.rest[which]], ["total:unknown", table.unknown[which]]
  ]);
  return {...d, numerators: showing(d.numerators, counts("numerator")), denominators: d.denominators && showing(d.denominators, counts("denominator"))};
}

/** A disclosure whose shown cells publish the given counts. */
function showing(d: WardRateDisclosure["numerators"], counts: Map<string, number>): WardRateDisclosure["numerators"] {
  return {...d, cells: new Map([...d.cells].map(([id, c]) => [id, typeof c.published === "number" && counts.has(id) ? {...c, published: counts.get(id)!, status: "rounded" as const} : c]))};
}

function compute(db: Reader, measure: TargetingMeasure, pp: PanelPeriod, geo: WardGeography, seed: number, draws: number, mask: WardMask, ranks = true): Computed {
  return {
    measure, period: pp,
    table: wardTable(measure.scale, inputsOf(geo, pp), pp.unknown, {seed, draws, needDirection: measure.needDirection, ranks, shown: shownCountsOf(mask, measure.scale === "percent"),
      computeOnce: db.computeOnce.bind(db)}),
    disclosure: protect(db, measure, geo, pp, mask)
  };
}

function periodOf(panel: WardPanel, label: string): PanelPeriod {
  const pp = panel.periods.find((p) => p.period.label === label);
  if (!pp) throw new DomainError("cannot-compute", "period-not-available", `no data for ${label} for ${panel.measure.indicator.id}`, {field: "period"});
  return pp;
}

function publishWardEntry(c: Computed, row: WardRow) {
  const id = `ward:${row.id}`;
  const hidden = c.disclosure.rateHidden(id);
  // Ratios, expected and excess cases are built on the borough's rate (or the borough less this
  // ward): with the borough's count hidden they would give it back.
  const boroughHidden = c.disclosure.rateHidden("total:borough");
  const viaBorough = hidden || boroughHidden;
  return {
    count: publishedCount(c.disclosure.numerators, id),
    denominator: c.measure.scale === "percent" ? publishedCount(c.disclosure.denominators!, id) : row.denominator,
    rate: publishEstimate(row.rate, hidden, row.numerator),
    ratioToBorough: {...publishRatio(row.ratioToBorough, viaBorough, boroughHidden), significance: viaBorough ? "c" : row.ratioToBorough?.significance ?? null},
    ratioToRest: publishRatio(row.ratioToRest, viaBorough, boroughHidden),
    excess: publishExcess(row.excess, viaBorough),
    rank: row.rank ? {medianRank: row.rank.medianRank, lowerRank: row.rank.lowerRank, upperRank: row.rank.upperRank, confidentlyTop5: isConfidentlyTopK(row.rank, TOP_K)} : null
  };
}

function publishArea(c: Computed, cell: "total:borough" | "total:target" | "total:rest", a: AreaRow) {
  const hidden = c.disclosure.rateHidden(cell);
  return {
    count: publishedCount(c.disclosure.numerators, cell),
    denominator: c.measure.scale === "percent" ? publishedCount(c.disclosure.denominators!, cell) : a.denominator,
    children: a.children,
    rate: publishEstimate(a.rate, hidden, a.numerator)
  };
}

function measureHeader(m: TargetingMeasure, weight?: number) {
  return {...describeMeasure(m), ...(weight !== undefined ? {weight} : {})};
}

async function panels(db: Queryable, measures: TargetingMeasure[], geo: WardGeography, periods: Period[]): Promise<WardPanel[]> {
  return Promise.all(measures.map((m) => wardPanel(db, m, geo, periods)));
}

function needFrom(db: Reader, computed: Computed[], weights: Map<string, number>, seed: number, draws: number): NeedResult {
  const components = computed.map((c) => {
    const rate = c.table.borough.denominator > 0 ? c.table.borough.numerator / c.table.borough.denominator : 0;
    return {
      indicator: c.measure.indicator.id, weight: weights.get(c.measure.indicator.id) ?? 1, direction: c.measure.needDirection,
      wards: c.table.wards.map((w) => ({id: w.id, observed: w.numerator, expected: w.denominator * rate}))
    };
  });
  return db.computeOnce("need-index", [components, seed, draws], () => needIndex(components, {seed, draws}));
}

/** A ward's need as published: hidden when any component rests on a hidden count (it would give that count back). */
function publishNeed(need: NeedResult, computed: Computed[], wardId: string) {
  const n = need.wards.find((w) => w.id === wardId)!;
  // A component is built on the ward's count and, through its expected count, on the borough's.
  const hiddenOf = (indicator: string) => {
    const d = computed.find((c) => c.measure.indicator.id === indicator)!.disclosure;
    return d.rateHidden(`ward:${wardId}`) || d.rateHidden("total:borough");
  };
  const anyHidden = n.components.some((p) => hiddenOf(p.indicator));
  return {
    index: anyHidden ? "c" : n.index, lower95: anyHidden ? "c" : n.lower95, upper95: anyHidden ? "c" : n.upper95,
    flag: anyHidden ? "c" : null,
    medianRank: n.medianRank, lowerRank: n.lowerRank, upperRank: n.upperRank, confidentlyTop5: n.upperRank <= TOP_K,
    components: n.components.map((p) => hiddenOf(p.indicator)
      ? {indicator: p.indicator, weight: p.weight, ratio: "c", contribution: "c", factor: "c"}
      : {indicator: p.indicator, weight: p.weight, ratio: p.ratio, contribution: p.contribution, factor: p.factor})
  };
}

const NEED_METHOD = "Need index = weighted geometric mean over the indicators of (observed + 0.5)/(expected + 0.5), expected at the borough rate, inverted for indicators where lower is more need; 1 = the borough. Each component's contribution is its weighted log ratio (the factors multiply to the index). Intervals and ranks by seeded simulation of each count from Gamma(count + 0.5, 1). See docs/methods/targeting.md.";

function resolveWeights(ids: string[], weights: string | undefined): Map<string, number> {
  try {
    return parseWeights(weights, ids);
  } catch (e) {
    throw new DomainError("invalid", "invalid-weights", `weights: ${(e as Error).message}`, {field: "weights"});
  }
}

interface NeedRequest {
  indicators?: string[];
  period?: string;
  weights?: string;
  seed: number;
  draws: number;
}

async function needContext(db: Reader, q: NeedRequest, mode: Audience) {
  const ids = q.indicators?.length ? q.indicators : [...DEFAULT_NEED_INDICATORS];
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length) throw badRequest(`indicators lists ${[...new Set(dupes)].join(", ")} more than once`, {field: "indicators"});
  const measures = measuresOr404(ids, db.reference);
  const weights = resolveWeights(ids, q.weights);
  const geo = await wardGeography(db, measures[0].indicator.laCode);
  const year = await chooseYear(db, measures, q.period);
  const ps = await panels(db, measures, geo, [year]);
  const computed = await Promise.all(ps.map(async (p) => compute(db, p.measure, periodOf(p, year.label), geo, q.seed, q.draws, await maskFor(db, p.measure, geo, year, mode))));
  const need = needFrom(db, computed, weights, q.seed, q.draws);
  const notes = [...new Set(ps.flatMap((p) => p.notes)), ...vintageNotes(geo, [year])];
  return {measures, weights, geo, year, computed, need, notes};
}

// ---------------------------------------------------------------- GET /api/wards/targeting

export async function targetingView(db: Reader, q: NeedRequest, mode: Audience = "suppressed") {
  const {measures, weights, geo, year, computed, need, notes} = await needContext(db, q, mode);
  const unprotected = computed.flatMap((c) => c.disclosure.unprotected.map((u) => `${c.measure.indicator.id}: ${u}`));
  return {
    period: {label: year.label, start: year.start, end: year.end, populationYear: computed[0].period.populationYear},
    ...geographyView(geo),
    indicators: measures.map((m) => measureHeader(m, weights.get(m.indicator.id))),
    seed: q.seed, draws: q.draws,
    method: {
      rate: "per 10,000 children (exact Poisson under 10 events, Byar from 10) or a percentage of the indicator's own denominator (Wilson); 95% and 99.8% intervals",
      ratioToBorough: "O/E, E = ward denominator × borough rate; exact/Byar limits on O divided by E; significance against the funnel for ratios (95% and 99.8% limits)",
      ratioToRest: "O/E, E = ward denominator × the rate of every other ward (and records with no ward) together",
      excess: "O − E at the borough rate, with the exact/Byar 95% limits of O minus E",
      rank: `median rank and 95% rank interval from ${q.draws} draws of each rate from Gamma(count + 0.5, denominator); rank 1 = the most need; 'confidentlyTop5' only when the upper rank bound is 5 or less`,
      need: NEED_METHOD,
      disclosure: `counts ${smallCounts(policyOf(mode))} are shown as c, and further counts are hidden so that none can be recovered from the borough, target-ward or rest-of-borough totals; a rate, ratio, excess or need index built on a hidden count is c; rates on fewer than 10 events are flagged u`
    },
    borough: Object.fromEntries(computed.map((c) => [c.measure.indicator.id, publishArea(c, "total:borough", c.table.borough)])),
    targetWardsTotal: Object.fromEntries(computed.map((c) => [c.measure.indicator.id, publishArea(c, "total:target", c.table.target)])),
    restOfBorough: Object.fromEntries(computed.map((c) => [c.measure.indicator.id, publishArea(c, "total:rest", c.table.rest)])),
    noKnownWard: Object.fromEntries(computed.map((c) => [c.measure.indicator.id, {count: publishedCount(c.disclosure.numerators, "total:unknown")}])),
    wards: geo.wards.map((w) => ({
      ...wardView(w),
      children: computed[0].period.wards.get(w.id)!.children,
      indicators: Object.fromEntries(computed.map((c) => [c.measure.indicator.id, publishWardEntry(c, c.table.wards.find((r) => r.id === w.id)!)])),
      need: publishNeed(need, computed, w.id)
    })),
    notes: [
      ...notes,
      "Small wards top rate tables on noise alone: read the rank intervals, and the counts beside the rates (rates find concentration, counts size the workload).",
      ...(unprotected.length ? [`Disclosure control could not protect: ${unprotected.join("; ")}`] : [])
    ]
  };
}

/** One row per ward and indicator, for CSV. */
export function targetingRows(view: Awaited<ReturnType<typeof targetingView>>) {
  return view.wards.flatMap((w) => Object.entries(w.indicators).map(([indicator, e]) => ({
    period: view.period.label, ward: w.id, name: w.name, vintage: w.vintage, target: w.target, idaci_rank: w.deprivation?.rank ?? null,
    children: w.children, indicator, count: e.count, denominator: e.denominator, rate: e.rate.value, lower95: e.rate.lower95, upper95: e.rate.upper95,
    lower998: e.rate.lower998, upper998: e.rate.upper998, flag: e.rate.flag, ratio_to_borough: e.ratioToBorough.value, ratio_lower95: e.ratioToBorough.lower95,
    ratio_upper95: e.ratioToBorough.upper95, significance: e.ratioToBorough.significance, ratio_to_rest: e.ratioToRest.value, excess: e.excess.value,
    median_rank: e.rank?.medianRank ?? null, lower_rank: e.rank?.lowerRank ?? null, upper_rank: e.rank?.upperRank ?? null, need_index: w.need.index
  })));
}

// ---------------------------------------------------------------- GET /api/target-wards/review

export async function reviewView(db: Reader, q: NeedRequest, mode: Audience = "suppressed") {
  const {measures, weights, geo, year, computed, need, notes} = await needContext(db, q, mode);
  const byId = new Map(geo.wards.map((w) => [w.id, w]));
  const ranked = [...need.wards].sort((a, b) => b.index - a.index);
  const targets = geo.wards.filter((w) => w.target);
  const candidates = geo.wards.filter((w) => !w.target).map((w) => ({
    ward: w.id, name: w.name,
    clearlyHigherThan: targets.map((t) => ({targetWard: t.id, name: t.name, probability: need.probabilityHigher(w.id, t.id)})).filter((x) => x.probability >= 0.975)
  })).filter((c) => c.clearlyHigherThan.length);
  const indistinct = targets.map((t) => need.wards.find((n) => n.id === t.id)!).filter((n) => n.lower95 <= 1 && n.upper95 >= 1);
  const below = targets.map((t) => need.wards.find((n) => n.id === t.id)!).filter((n) => n.upper95 < 1);
  const statements: string[] = [];
  for (const c of candidates) statements.push(`${c.name} (not a target ward) has clearly more need than ${c.clearlyHigherThan.map((x) => x.name).join(", ")} (in at least 97.5% of ${need.draws} simulations).`);
  for (const n of indistinct) statements.push(`${byId.get(n.id)!.name} (a target ward) cannot be told apart from the borough on this need index in ${year.label} (its 95% interval includes 1).`);
  for (const n of below) statements.push(`${byId.get(n.id)!.name} (a target ward) has clearly less need than the borough in ${year.label} (its 95% interval is below 1).`);
  if (!statements.length) statements.push("No ward outside the target set has clearly more need than a target ward, and every target ward's need is clearly above the borough's.");
  return {
    period: {label: year.label, start: year.start, end: year.end},
    ...geographyView(geo),
    indicators: measures.map((m) => measureHeader(m, weights.get(m.indicator.id))),
    seed: q.seed, draws: q.draws,
    method: {
      need: NEED_METHOD,
      clearlyHigher: "ward A has clearly more need than ward B when A's need index exceeds B's in at least 97.5% of the simulations (the 95% interval of the difference excludes 0)",
      distinguishableFromBorough: "a ward's need can be told apart from the borough when its 95% interval excludes 1"
    },
    wards: ranked.map((n, i) => {
      const w = byId.get(n.id)!;
      return {
        position: i + 1, ...wardView(w),
        need: publishNeed(need, computed, n.id),
        distinguishableFromBorough: n.lower95 > 1 || n.upper95 < 1,
        clearlyHigherThanTargetWards: w.target ? [] : targets.filter((t) => need.probabilityHigher(n.id, t.id) >= 0.975).map((t) => t.id)
      };
    }),
    candidates,
    targetWardsNotDistinguishableFromBorough: indistinct.map((n) => n.id),
    targetWardsBelowBorough: below.map((n) => n.id),
    statements,
    notes
  };
}

// ---------------------------------------------------------------- GET /api/wards/concentration

export async function concentrationView(db: Reader, q: {indicator: string; period?: string; groups: SiiGroups; seed: number}, mode: Audience = "suppressed") {
  const [measure] = measuresOr404([q.indicator], db.reference);
  const geo = await wardGeography(db, measure.indicator.laCode);
  const year = await chooseYear(db, [measure], q.period);
  const [panel] = await panels(db, [measure], geo, [year]);
  const truth = periodOf(panel, year.label);
  const mask = await maskFor(db, measure, geo, year, mode);
  const disclosure = protect(db, measure, geo, truth, mask);
  // Curves and indices are built from the counts this audience is shown.
  const pp = shownWards(truth, shownCountsOf(mask, measure.scale === "percent"));
  const inputs = inputsOf(geo, pp);
  const rank = new Map(geo.wards.map((w) => [w.id, w.deprivation?.rank ?? null]));
  if (!inputs.some((w) => w.numerator > 0 && w.denominator > 0)) {
    throw new DomainError("cannot-compute", "no-cases", `no ${measure.indicator.name.toLowerCase()} in any ward in ${year.label}: a concentration curve needs at least one case`, {field: "period"});
  }
  const result = inequality(measure.scale, inputs.map((w) => ({id: w.id, target: w.target, numerator: w.numerator, denominator: w.denominator, deprivationRank: rank.get(w.id) ?? null})), {
    cases: {table: {wards: inputs.map((w) => ({id: w.id, count: w.numerator, target: w.target})), unknown: pp.unknown.numerator}, hidden: disclosure.numerators.hidden},
    ...(disclosure.denominators ? {population: {table: {wards: inputs.map((w) => ({id: w.id, count: w.denominator, target: w.target})), unknown: pp.unknown.denominator}, hidden: disclosure.denominators.hidden}} : {})
  }, {seed: q.seed, groups: q.groups});
  // The target wards' point on the curve ordered by rate: "X% of cases, Y% of children".
  const t = inputs.filter((w) => w.target);
  const cases = inputs.reduce((s, w) => s + w.numerator, 0);
  const pop = inputs.reduce((s, w) => s + w.denominator, 0);
  const tCases = t.reduce((s, w) => s + w.numerator, 0);
  const tPop = t.reduce((s, w) => s + w.denominator, 0);
  const targetHidden = disclosure.numerators.hidden.has("total:target") || disclosure.numerators.hidden.has("total:rest");
  const anyHidden = disclosure.numerators.hidden.size > 0 || (disclosure.denominators?.hidden.size ?? 0) > 0;
  const statOnly = <T extends {index: number}>(curve: T): Omit<T, "index"> & {index: number | "c"} => (anyHidden ? {...curve, index: "c" as const} : curve);
  return {
    indicator: describeMeasure(measure),
    period: {label: year.label, start: year.start, end: year.end},
    ...geographyView(geo),
    seed: q.seed,
    method: {
      curve: "wards sorted by rate (highest first, for targeting) or by deprivation (most deprived first, for equity); cumulative share of cases against cumulative share of the denominator",
      index: "C = Σ (Pₜ₋₁·Lₜ − Pₜ·Lₜ₋₁): negative when cases concentrate in the wards ordered first; rounded to 3 decimal places",
      sii: "PHE phe_sii: units ordered most to least deprived, population-weighted least squares of the value on the cumulative population midpoint; SII = least − most deprived, RII = least ÷ most deprived; 95% intervals by seeded simulation (10,000 draws)",
      disclosure: "a curve's cumulative points give every ward's count back by differencing, so points are hidden (c) until no suppressed ward can be recovered from them and the published totals"
    },
    targetWards: {
      shareOfCases: targetHidden || cases === 0 ? "c" : tCases / cases,
      shareOfDenominator: pop > 0 ? tPop / pop : null,
      statement: targetHidden || cases === 0 ? null : `The ${t.length} target wards hold ${pct(tCases / cases)} of ${measure.indicator.name.toLowerCase()} but ${pct(tPop / pop)} of the ${measure.scale === "percent" ? "denominator" : "children"}.`
    },
    // The concentration index and the SII are linear in every ward's count: with a hidden one (and the
    // published totals) they would give it back, so a suppressed reader gets neither.
    concentration: {byRate: statOnly(result.byRate), byDeprivation: result.byDeprivation && statOnly(result.byDeprivation)},
    sii: anyHidden ? null : result.sii,
    notes: [...panel.notes, ...result.notes, ...vintageNotes(geo, [year]),
      ...(anyHidden ? ["A ward's count is hidden by disclosure control (c): the concentration index and the SII, which would give it back, are withheld."] : [])]
  };
}

// ---------------------------------------------------------------- GET /api/wards/:id/profile

export async function profileView(db: Reader, wardId: string, q: {seed: number; draws: number}, mode: Audience = "suppressed") {
  const laCode = await targetLa(db);
  const measures = db.reference.targetingMeasures.filter((m) => m.indicator.laCode === laCode);
  const geo = await wardGeography(db, laCode);
  const ward = geo.wards.find((w) => w.id === wardId);
  if (!ward) {
    throw new DomainError("not-found", "unknown-ward", `ward '${wardId}' does not exist in LA ${geo.laCode}; known: ${geo.wards.map((w) => w.id).join(", ")}`, {field: "id", known: geo.wards.map((w) => w.id)});
  }
  const entries = await Promise.all(measures.map(async (m) => {
    const {years} = await financialYears(db, m);
    if (!years.length) return {indicator: describeMeasure(m), available: false as const, reason: `no ${m.indicator.numerator.extract} extract loaded`};
    const panel = await wardPanel(db, m, geo, years);
    const pol = m.indicator.polarity;
    const masks = await Promise.all(panel.periods.map((pp) => maskFor(db, m, geo, pp.period, mode)));
    const series = panel.periods.map((pp, i) => {
      // Ranks only for the latest year: earlier years' ranks would cost a simulation each and answer no question here.
      const c = compute(db, m, pp, geo, q.seed, q.draws, masks[i], i === panel.periods.length - 1);
      const row = c.table.wards.find((r) => r.id === wardId)!;
      const hidden = c.disclosure.rateHidden(`ward:${wardId}`);
      const targetHidden = c.disclosure.rateHidden("total:target");
      const boroughHidden = c.disclosure.rateHidden("total:borough");
      const entry = publishWardEntry(c, row);
      return {
        internal: row,
        published: {
          period: pp.period.label, populationYear: pp.populationYear, children: row.children,
          ...entry,
          borough: {rate: boroughHidden ? "c" : c.table.borough.rate.value},
          targetWards: {rate: targetHidden ? "c" : c.table.target.rate.value},
          comparedWithBorough: hidden || boroughHidden ? "not-compared" : compareWithBenchmark(row.rate.ci95, c.table.borough.rate.value, pol),
          comparedWithTargetWards: hidden || targetHidden ? "not-compared" : compareWithBenchmark(row.rate.ci95, c.table.target.rate.value, pol)
        }
      };
    });
    const trend = recentTrend(series.map((s) => ({value: s.internal.rate.value, lower: s.internal.rate.ci95?.lower ?? null, upper: s.internal.rate.ci95?.upper ?? null})),
      {polarity: pol, valueType: m.scale === "percent" ? "proportion" : "crude-rate"});
    const small = series.filter((s) => s.internal.numerator < 10 && s.internal.rate.value !== null).length;
    const suppressed = series.filter((s) => s.published.count === "c").length;
    const warnings: string[] = [];
    if (suppressed) warnings.push(`${suppressed} of ${series.length} years have a count of ${smallCounts(policyOf(mode))}, or one hidden to protect such a count (shown as c).`);
    if (small - suppressed > 0) warnings.push(`${small - suppressed} shown year(s) rest on fewer than 10 events: those rates are flagged u (low reliability).`);
    if (small >= series.length / 2) warnings.push(`Most years have fewer than 10 events in ${ward.name}: compare over several years rather than year by year.`);
    const latest = series[series.length - 1]?.published ?? null;
    return {
      indicator: describeMeasure(m), available: true,
      latest,
      trend: {marker: trend.marker, judgement: trend.judgement ?? null, significant: trend.significant, pointsUsed: trend.pointsUsed, reason: trend.reason ?? null},
      series: series.map((s) => s.published),
      warnings,
      notes: panel.notes
    };
  }));
  const borough = db.reference.catalogue.indicators.filter((i) => !i.geographies.includes("ward"));
  return {
    ward: wardView(ward),
    ...geographyView(geo),
    method: {
      comparisons: "Fingertips rule: the ward's 95% interval against the borough's (or the target wards' pooled) value: better/worse by polarity, higher/lower without one, similar when the interval includes it",
      trend: "Fingertips recent trend on the ward's last 5 yearly values (99.8%)",
      targetWards: "the five target wards pooled (their cases over their denominator), not an average of their rates"
    },
    indicators: entries,
    notByWard: borough.map((i) => i.id),
    notes: ward.target ? [] : [`${ward.name} is not one of the target wards.`]
  };
}

// ---------------------------------------------------------------- allocations

export type NeedMeasure =
  | {kind: "need-index"; indicators?: string[]; weights?: Record<string, number>; period?: string; seed?: number}
  | {kind: "deprivation"};

export async function allocationView(db: Reader, body: {budget: number; need: NeedMeasure; universalShare: number; needExponent: number}, mode: Audience = "suppressed") {
  let wards: AllocationWard[];
  let needDescription: Record<string, unknown>;
  let geo: WardGeography;
  let hiddenNeed = new Set<string>();
  const notes: string[] = [];
  if (body.need.kind === "deprivation") {
    geo = await wardGeography(db, await targetLa(db));
    const year = (await db.query<{year: number}>(`SELECT max(year)::INTEGER AS year FROM ref_population WHERE la_code = $1`, [geo.laCode]))[0]?.year;
    const pop = new Map((await db.query<{ward_id: string; children: number}>(
      `SELECT ward_id, sum(children)::DOUBLE AS children FROM ref_population WHERE la_code = $1 AND year = $2 AND age BETWEEN 0 AND 17 GROUP BY 1`, [geo.laCode, year])).map((r) => [r.ward_id, r.children]));
    const missing = geo.wards.filter((w) => !w.deprivation);
    if (missing.length) throw new DomainError("cannot-compute", "no-deprivation", `no deprivation score for ${missing.map((w) => w.id).join(", ")}`, {field: "need"});
    const kids = geo.wards.reduce((s, w) => s + (pop.get(w.id) ?? 0), 0);
    const mean = geo.wards.reduce((s, w) => s + (pop.get(w.id) ?? 0) * w.deprivation!.score, 0) / kids;
    wards = geo.wards.map((w) => ({id: w.id, target: w.target, children: pop.get(w.id) ?? 0, need: w.deprivation!.score / mean}));
    needDescription = {kind: "deprivation", method: "each ward's IDACI score ÷ the child-population-weighted mean score of the borough (1 = borough)", populationYear: year, vintage: geo.wards[0].deprivation!.vintage};
  } else {
    const n = body.need;
    const ids = n.indicators?.length ? n.indicators : [...DEFAULT_NEED_INDICATORS];
    const weightText = n.weights ? Object.entries(n.weights).map(([k, v]) => `${k}:${v}`).join(",") : undefined;
    const ctx = await needContext(db, {indicators: ids, period: n.period, weights: weightText, seed: n.seed ?? DEFAULT_SEED, draws: RANK_DRAWS}, mode);
    geo = ctx.geo;
    wards = geo.wards.map((w) => ({id: w.id, target: w.target, children: ctx.computed[0].period.wards.get(w.id)!.children, need: ctx.need.wards.find((x) => x.id === w.id)!.index}));
    hiddenNeed = new Set(geo.wards.filter((w) => publishNeed(ctx.need, ctx.computed, w.id).index === "c").map((w) => w.id));
    // An amount is a smooth function of its ward's need, so a confidential need index would be worked
    // back from the money: such wards are allocated at the borough's need (1) unless the reader may see it.
    if (policyOf(mode).disclosure !== "full" && hiddenNeed.size) {
      wards = wards.map((w) => (hiddenNeed.has(w.id) ? {...w, need: 1} : w));
      notes.push(`${[...hiddenNeed].map((id) => geo.wards.find((w) => w.id === id)!.name).join(", ")}: need index confidential (c), so allocated at the borough's need (1); an analyst sees the allocation on every ward's own need.`);
    }

    needDescription = {kind: "need-index", indicators: ctx.measures.map((m) => m.indicator.id), weights: Object.fromEntries(ctx.weights), period: ctx.year.label, seed: ctx.need.seed, method: NEED_METHOD};
    notes.push(...ctx.notes);
  }
  let result;
  try {
    result = allocate(wards, {budget: body.budget, universalShare: body.universalShare, needExponent: body.needExponent});
  } catch (e) {
    if (e instanceof RangeError) throw badRequest(e.message);
    throw e;
  }
  const byId = new Map(geo.wards.map((w) => [w.id, w]));
  const t = result.targetWards;
  return {
    ...geographyView(geo),
    budget: result.budget, universalShare: result.universalShare, needExponent: result.needExponent,
    need: needDescription,
    method: "ward = budget × u × children/Σchildren + budget × (1 − u) × children × need^β / Σ(children × need^β); amounts rounded to the penny by largest remainder so they add up to the budget. See docs/methods/targeting.md.",
    wards: result.lines.map((l) => ({...l, name: byId.get(l.id)!.name, need: hiddenNeed.has(l.id) ? "c" : l.need})),
    targetWards: t,
    rest: result.rest,
    statement: `The ${geo.targetSet.wards.length} target wards receive £${t.total.toLocaleString("en-GB", {minimumFractionDigits: 2, maximumFractionDigits: 2})} (${pct(t.share)} of the budget) for ${pct(t.childrenShare)} of the children; spread per child alone they would receive £${result.targetWardsIfPerChild.toLocaleString("en-GB", {minimumFractionDigits: 2, maximumFractionDigits: 2})}.`,
    targetWardsIfPerChild: result.targetWardsIfPerChild,
    notes
  };
}


