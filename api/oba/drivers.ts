import type {Indicator, PeriodType} from "./catalogue.js";
import type {Reader} from "./query.js";
import {buildSeries, geographyView, MULTIPLIER, populationBreakdown, publishPoints, type InternalPoint, type SeriesRequest} from "./series.js";
import {parsePeriod} from "./periods.js";
import {publicationFor} from "./disclosure.js";
import {DomainError, badRequest} from "./errors.js";
import type {Published} from "./publish.js";
import {roundCount, type DisclosurePolicy} from "./policy.js";

/**
 * What drove the change between two periods? Per breakdown group: its numerator at each period, the
 * change, and its contribution to the change in the indicator, sorted by size.
 *
 * Decomposition (documented in `DECOMPOSITION`): for a count the contribution is the group's own
 * change. For a rate or percentage R = X/N = Σ_g x_g/N, so each group contributes
 * x_g,to/N_to − x_g,from/N_from (times the multiplier), and those contributions add up to the total
 * change exactly. When groups have their own denominators (percentages; rates by age band, ward or
 * area) that contribution is split, shift-share style with midpoint weights, into a within-group
 * effect (r_to − r_from)·(s_from + s_to)/2 and a mix effect (s_to − s_from)·(r_from + r_to)/2,
 * where r_g = x_g/n_g is the group's own rate and s_g = n_g/N its share of the denominator; the two
 * effects sum to the contribution exactly.
 */

export const DECOMPOSITION = {
  count: "contribution = the group's change in count; contributions add up to the total change",
  share: "contribution = x_to/N_to − x_from/N_from (× multiplier), the group's change in its share of the total rate; contributions add up exactly to the total change. No denominator by group exists, so there is no mix effect",
  "shift-share": "contribution = x_to/N_to − x_from/N_from (× multiplier) = within-group effect (r_to − r_from)·(s_from + s_to)/2 + mix effect (s_to − s_from)·(r_from + r_to)/2, with r = the group's own rate, s = its share of the denominator (midpoint weights, so the parts add up exactly)"
} as const;

export interface DriverInput {
  group: string;
  x0: number;
  n0: number | null;
  x1: number;
  n1: number | null;
}

export interface DriverRow extends DriverInput {
  /** The group's own value at each period (count, or its rate/percentage when it has a denominator). */
  value0: number | null;
  value1: number | null;
  change: number;
  contribution: number;
  withinEffect: number | null;
  mixEffect: number | null;
}

/**
 * Pure decomposition. `total` holds the indicator's numerator and denominator at each period (for a
 * rate without group populations the groups' n are null and N is the total population).
 */
export function decompose(unit: Indicator["unit"], total: {x0: number; n0: number | null; x1: number; n1: number | null}, groups: DriverInput[]) {
  const M = MULTIPLIER[unit];
  if (unit === "count") {
    const rows: DriverRow[] = groups.map((g) => ({...g, value0: g.x0, value1: g.x1, change: g.x1 - g.x0, contribution: g.x1 - g.x0, withinEffect: null, mixEffect: null}));
    return {method: "count" as const, totalChange: total.x1 - total.x0, rows};
  }
  const N0 = total.n0 ?? 0;
  const N1 = total.n1 ?? 0;
  if (N0 <= 0 || N1 <= 0) throw new DomainError("cannot-compute", "no-denominator", "the indicator has no denominator in one of the two periods, so its change cannot be decomposed");
  const byGroup = groups.some((g) => g.n0 !== null || g.n1 !== null);
  const rows: DriverRow[] = groups.map((g) => {
    const contribution = (g.x1 / N1 - g.x0 / N0) * M;
    const r0 = g.n0 ? g.x0 / g.n0 : null;
    const r1 = g.n1 ? g.x1 / g.n1 : null;
    let withinEffect: number | null = null;
    let mixEffect: number | null = null;
    if (byGroup && r0 !== null && r1 !== null) {
      const s0 = (g.n0 as number) / N0;
      const s1 = (g.n1 as number) / N1;
      withinEffect = (r1 - r0) * ((s0 + s1) / 2) * M;
      // The mix effect is taken as the remainder so the two parts sum to the contribution to the last bit.
      mixEffect = contribution - withinEffect;
    }
    const value0 = r0 === null ? null : r0 * M;
    const value1 = r1 === null ? null : r1 * M;
    return {...g, value0, value1, change: byGroup ? (value1 ?? 0) - (value0 ?? 0) : g.x1 - g.x0, contribution, withinEffect, mixEffect};
  });
  return {method: byGroup ? ("shift-share" as const) : ("share" as const), totalChange: (total.x1 / N1 - total.x0 / N0) * M, rows};
}

const SUPPRESSED = "suppressed groups";

/** What the drivers question asks: a breakdown and the two periods to compare. */
export interface DriversRequest {
  geography: SeriesRequest["geography"];
  code?: string;
  period?: PeriodType;
  breakdown: string;
  from: string;
  to: string;
}

/**
 * GET /api/indicators/:id/drivers: the decomposition of the change between two periods, published
 * for the caller's disclosure (a group with a hidden count is pooled so the contributions still add up).
 */
export async function driversOf(db: Reader, ind: Indicator, q: DriversRequest, disclosure: DisclosurePolicy) {
  const period = q.period ?? ind.periods[0];
  const fromP = parsePeriod(period, q.from, "from");
  const toP = parsePeriod(period, q.to, "to");
  if (fromP.end >= toP.end) throw new DomainError("invalid", "invalid-range", `from (${fromP.label}) must be before to (${toP.label})`, {field: "from"});
  const req = {geography: q.geography, code: q.code, period, breakdown: q.breakdown};
  const [a, b] = await Promise.all([buildSeries(db, ind, {...req, from: q.from, to: q.from}), buildSeries(db, ind, {...req, from: q.to, to: q.to})]);
  const t0 = a.totals[0];
  const t1 = b.totals[0];
  if (!t0.available || !t1.available) throw badRequest(`${!t0.available ? fromP.label : toP.label} is outside the loaded extracts (${a.coverage ? `${a.coverage.from} to ${a.coverage.to}` : "none loaded"})`, {field: !t0.available ? "from" : "to"});
  const groupsOf = (pts: InternalPoint[]) => new Map(pts.map((p) => [p.group, p]));
  const g0 = groupsOf(a.groups);
  const g1 = groupsOf(b.groups);
  const names = [...new Set([...g0.keys(), ...g1.keys()])].sort();
  const hasGroupDen = ind.denominator.kind === "extract" || (ind.denominator.kind === "population" && populationBreakdown(ind, q.breakdown) !== undefined);
  // Under a rounding policy the decomposition is of the counts the caller is shown: contributions
  // built on unrounded counts would give them back. Population denominators are not counts of children.
  const x = (n: number) => roundCount(disclosure, n);
  const n = (d: number | null) => (d !== null && ind.denominator.kind === "extract" ? roundCount(disclosure, d) : d);
  const input: DriverInput[] = names.map((g) => ({
    group: g, x0: x(g0.get(g)?.numerator ?? 0), x1: x(g1.get(g)?.numerator ?? 0),
    n0: hasGroupDen ? n(g0.get(g)?.denominator ?? 0) : null, n1: hasGroupDen ? n(g1.get(g)?.denominator ?? 0) : null
  }));
  const result = decompose(ind.unit, {x0: x(t0.numerator), n0: n(t0.denominator), x1: x(t1.numerator), n1: n(t1.denominator)}, input);

  // Disclosure control: a group with a count 1 to primaryMax (or hidden to protect one) in either period shows
  // neither count, and its contribution is pooled so the contributions still add up.
  const [publicationA, publicationB] = await Promise.all([publicationFor(db, a, disclosure), publicationFor(db, b, disclosure)]);
  const pub0 = publishPoints(ind, a.totals, a.groups, publicationA);
  const pub1 = publishPoints(ind, b.totals, b.groups, publicationB);
  const suppressed = disclosure.disclosure === "suppressed";
  // A hidden total hides the total change (it would give the hidden total back from the shown one),
  // the sum of contributions and the pooled contribution; a hidden denominator of a percentage hides
  // every contribution (each is divided by it).
  const totalHidden = pub0.totals[0].flag === "c" || pub1.totals[0].flag === "c";
  const denominatorHidden = ind.unit === "percent" && (pub0.totals[0].denominator === "c" || pub1.totals[0].denominator === "c");
  const hidden = new Set<string>();
  for (const [pub, pts] of [[pub0, a.groups], [pub1, b.groups]] as const) {
    pub.groups.forEach((p, i) => {
      if (p.numerator === "c" || p.denominator === "c") hidden.add(pts[i].group);
    });
  }
  const shown = result.rows.filter((r) => !hidden.has(r.group));
  const pooled = result.rows.filter((r) => hidden.has(r.group));
  const num = (v: number | null): Published => v;
  interface Row {
    group: string;
    from: {numerator: Published; denominator: Published; value: Published};
    to: {numerator: Published; denominator: Published; value: Published};
    change: Published;
    contribution: Published;
    withinEffect: Published;
    mixEffect: Published;
  }
  const rows: Row[] = shown.map((r) => ({
    group: r.group, from: {numerator: num(r.x0), denominator: num(r.n0), value: num(r.value0)}, to: {numerator: num(r.x1), denominator: num(r.n1), value: num(r.value1)},
    change: r.change,
    ...(suppressed && denominatorHidden ? {contribution: "c", withinEffect: "c", mixEffect: "c"} : {contribution: r.contribution, withinEffect: r.withinEffect, mixEffect: r.mixEffect})
  }));
  if (pooled.length) {
    const sum = (f: (r: typeof pooled[number]) => number | null) => pooled.every((r) => f(r) !== null) ? pooled.reduce((s, r) => s + (f(r) as number), 0) : null;
    const hidePooled = suppressed && (totalHidden || denominatorHidden);
    const hideSplit = (v: number | null): Published => (suppressed && v !== null ? "c" : v);
    rows.push({
      group: SUPPRESSED, from: {numerator: "c", denominator: hasGroupDen ? "c" : null, value: "c"}, to: {numerator: "c", denominator: hasGroupDen ? "c" : null, value: "c"},
      // A pooled rate change would mix groups' own rates: only counts pool their change.
      change: hidePooled ? "c" : ind.unit === "count" ? sum((r) => r.change) : null, contribution: hidePooled ? "c" : sum((r) => r.contribution),
      // The split of a pooled contribution is not a sum of shown figures: it could narrow the hidden groups down.
      withinEffect: hideSplit(sum((r) => r.withinEffect)), mixEffect: hideSplit(sum((r) => r.mixEffect))
    });
  }
  // Hidden contributions go last: their place in an order by size would bound them.
  const size = (v: Published) => (typeof v === "number" ? Math.abs(v) : -1);
  rows.sort((x, y) => size(y.contribution) - size(x.contribution) || x.group.localeCompare(y.group));
  const pt = (p: typeof pub0.totals[number]) => ({period: p.period, numerator: p.numerator, denominator: p.denominator, value: p.value});
  return {
    indicator: {id: ind.id, name: ind.name, unit: ind.unit, polarity: ind.polarity},
    geography: geographyView(a.geography),
    period, breakdown: q.breakdown, breakdownLabel: ind.breakdowns[q.breakdown].label,
    from: pt(pub0.totals[0]), to: pt(pub1.totals[0]),
    totalChange: suppressed && (totalHidden || denominatorHidden) ? "c" : result.totalChange,
    method: result.method, decomposition: DECOMPOSITION[result.method],
    sumOfContributions: suppressed && (totalHidden || denominatorHidden) ? "c" : result.rows.reduce((s, r) => s + r.contribution, 0),
    groups: rows,
    ...(pooled.length ? {suppressedGroups: pooled.length} : {}),
    notes: [...new Set([...a.notes, ...b.notes])]
  };
}
