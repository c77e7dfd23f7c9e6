import {concentrationCurve, pheQuantiles, recoverableCells, sii, type ConstraintGroup, type CountCell, type SiiResult} from "../stats/index.js";
import {wardGroups, type WardCountTable} from "./disclosure.js";
import type {Scale} from "./ward-table.js";

/**
 * Concentration curves, the concentration index and the slope/relative index of inequality across
 * wards (METHODS §6), computed on unrounded counts by the stats library.
 *
 * A concentration curve gives every ward's count back by differencing neighbouring points, so its
 * points are protected with the same equations as the ward table: a point's cumulative case share is
 * hidden ("c") until no suppressed ward (or total) can be worked out from the published points, the
 * published ward counts and the borough, target-ward and rest-of-borough totals together.
 */

export interface ConcentrationWard {
  id: string;
  target: boolean;
  numerator: number;
  denominator: number;
  /** 1 = most deprived; null when the ward has no deprivation score. */
  deprivationRank: number | null;
}

export interface CurvePoint {
  id: string;
  target: boolean;
  /** The ward's own count, or "c". */
  cases: number | "c";
  population: number | "c";
  populationShare: number | "c";
  caseShare: number | "c";
}

export interface PublishedCurve {
  orderBy: "rate" | "deprivation";
  /** C = Σ (Pₜ₋₁·Lₜ − Pₜ·Lₜ₋₁), rounded to 3 decimal places at publication (see docs/methods/targeting.md). */
  index: number;
  points: CurvePoint[];
  /** Cumulative points hidden to protect suppressed ward counts. */
  hiddenPoints: number;
}

/**
 * Which cumulative points of a curve (by position) must be hidden so that no hidden cell of the ward
 * table can be recovered. `hidden` holds the ward table's hidden cell ids (`ward:<id>`, `total:*`).
 */
export function protectCurve(order: readonly string[], table: WardCountTable, hidden: ReadonlySet<string>): Set<number> {
  const count = new Map(table.wards.map((w) => [w.id, w.count]));
  const target = table.wards.filter((w) => w.target).reduce((s, w) => s + w.count, 0);
  const rest = table.wards.filter((w) => !w.target).reduce((s, w) => s + w.count, 0);
  const cells: CountCell[] = [
    ...table.wards.map((w) => ({id: `ward:${w.id}`, count: w.count})),
    {id: "total:unknown", count: table.unknown}, {id: "total:target", count: target}, {id: "total:rest", count: rest},
    {id: "total:borough", count: target + rest + table.unknown}
  ];
  const groups: ConstraintGroup[] = [...wardGroups(table)];
  let cum = 0;
  order.forEach((id, k) => {
    cum += count.get(id) ?? 0;
    cells.push({id: `cum:${k}`, count: cum});
    groups.push({parts: k === 0 ? [`ward:${id}`] : [`cum:${k - 1}`, `ward:${id}`], total: `cum:${k}`});
  });
  const hiddenPoints = new Set<number>();
  // Start by hiding the point straight after each hidden ward.
  order.forEach((id, k) => {
    if (hidden.has(`ward:${id}`)) hiddenPoints.add(k);
  });
  const last = order.length - 1;
  for (let guard = 0; guard <= order.length; guard++) {
    const suppressed = new Set([...hidden, ...[...hiddenPoints].map((k) => `cum:${k}`)]);
    const exposed = recoverableCells({cells, groups}, suppressed).filter((id) => hidden.has(id));
    if (!exposed.length) break;
    // Widen the hidden stretch around the first exposed ward: the next shown point after it (the
    // last point is the known total and never helps), else the nearest one before it.
    const id = exposed[0];
    const at = id.startsWith("ward:") ? order.indexOf(id.slice(5)) : 0;
    let pick = -1;
    for (let k = Math.max(at, 0); k < last; k++) if (!hiddenPoints.has(k)) {
      pick = k;
      break;
    }
    if (pick < 0) for (let k = Math.min(at, last - 1); k >= 0; k--) if (!hiddenPoints.has(k)) {
      pick = k;
      break;
    }
    if (pick < 0) break;
    hiddenPoints.add(pick);
  }
  return hiddenPoints;
}

/** What the ward table hides: counts, and for percentages the denominators (counts of children) too. */
export interface CurveDisclosure {
  cases: {table: WardCountTable; hidden: ReadonlySet<string>};
  /** Only when the denominator is itself a disclosure-controlled count (percentages). */
  population?: {table: WardCountTable; hidden: ReadonlySet<string>};
}

function publishCurve(orderBy: "rate" | "deprivation", wards: readonly ConcentrationWard[], d: CurveDisclosure): PublishedCurve {
  const byId = new Map(wards.map((w) => [w.id, w]));
  const curve = concentrationCurve(wards.map((w) => ({id: w.id, cases: w.numerator, population: w.denominator, deprivationRank: w.deprivationRank ?? undefined})), {orderBy});
  const order = curve.points.map((p) => p.id);
  const hide = protectCurve(order, d.cases.table, d.cases.hidden);
  const hidePop = d.population ? protectCurve(order, d.population.table, d.population.hidden) : new Set<number>();
  return {
    orderBy,
    index: Math.round(curve.index * 1000) / 1000,
    hiddenPoints: new Set([...hide, ...hidePop]).size,
    points: curve.points.map((p, k) => ({
      id: p.id, target: byId.get(p.id)!.target,
      cases: d.cases.hidden.has(`ward:${p.id}`) ? "c" : p.cases,
      population: d.population?.hidden.has(`ward:${p.id}`) ? "c" : p.population,
      populationShare: hidePop.has(k) ? "c" : p.populationShare,
      caseShare: hide.has(k) ? "c" : p.caseShare
    }))
  };
}

export type SiiGroups = "ward" | "quintile" | "decile";

export interface InequalityResult {
  byRate: PublishedCurve;
  byDeprivation: PublishedCurve | null;
  sii: (SiiResult & {groups: SiiGroups; units: {quantile: number; wards: string[]; numerator: number | "c"; denominator: number | "c"; value: number | "c"}[]; readAs: string}) | null;
  notes: string[];
}

/**
 * Curves ordered by rate (for targeting) and by deprivation (for equity), and the SII/RII across
 * wards or deprivation quintiles/deciles of wards. `hidden` is the ward table's suppression.
 */
export function inequality(
  scale: Scale,
  wards: readonly ConcentrationWard[],
  disclosure: CurveDisclosure,
  options: {seed: number; groups: SiiGroups; repetitions?: number}
): InequalityResult {
  const notes: string[] = [];
  const usable = wards.filter((w) => w.denominator > 0);
  if (usable.length < wards.length) notes.push(`${wards.length - usable.length} ward(s) with no denominator are left out of the curves.`);
  const byRate = publishCurve("rate", usable, disclosure);
  const ranked = usable.filter((w) => w.deprivationRank !== null);
  if (ranked.length < usable.length) notes.push(`${usable.length - ranked.length} ward(s) without a deprivation rank are left out of the deprivation curve and the SII.`);
  const byDeprivation = ranked.length ? publishCurve("deprivation", ranked, disclosure) : null;

  let result: InequalityResult["sii"] = null;
  if (ranked.length >= 2) {
    const n = options.groups === "quintile" ? 5 : options.groups === "decile" ? 10 : ranked.length;
    const bands = options.groups === "ward"
      ? ranked.map((w) => [...ranked].sort((a, b) => (a.deprivationRank as number) - (b.deprivationRank as number)).indexOf(w) + 1)
      : pheQuantiles(ranked.map((w) => w.deprivationRank), {n, invert: false});
    if (bands.some((b) => b === null)) {
      notes.push(`${ranked.length} ranked ward(s) are too few for ${n} deprivation ${options.groups}s: no SII.`);
      return {byRate, byDeprivation, sii: null, notes};
    }
    const units = new Map<number, {quantile: number; wards: string[]; numerator: number; denominator: number}>();
    ranked.forEach((w, i) => {
      const q = bands[i] as number;
      const u = units.get(q) ?? {quantile: q, wards: [], numerator: 0, denominator: 0};
      u.wards.push(w.id);
      u.numerator += w.numerator;
      u.denominator += w.denominator;
      units.set(q, u);
    });
    const list = [...units.values()].sort((a, b) => a.quantile - b.quantile);
    const m = scale === "percent" ? 100 : 10000;
    // Standard errors on the log (rates) or logit (proportions) scale, half a case added to empty cells.
    const rows = list.map((u) => {
      const x = Math.max(u.numerator, 0.5);
      const value = u.numerator / u.denominator;
      const se = scale === "percent" ? Math.sqrt(1 / x + 1 / Math.max(u.denominator - u.numerator, 0.5)) : 1 / Math.sqrt(x);
      return {quantile: u.quantile, population: u.denominator, value: scale === "percent" ? value : value * m, se};
    });
    if (list.length >= 2) {
      const fit = sii(rows, {
        valueType: scale === "percent" ? "proportion" : "rate", multiplier: scale === "percent" ? 100 : 1,
        simulation: {seed: options.seed, repetitions: options.repetitions ?? 10000, levels: [0.95]}
      });
      result = {
        ...fit, groups: options.groups,
        // A unit holding a hidden ward would give that ward's count back (its sum less the shown wards),
        // so its count and value are hidden; the SII itself is a statistic on the true counts.
        units: list.map((u, i) => {
          const casesHidden = u.wards.some((w) => disclosure.cases.hidden.has(`ward:${w}`));
          const popHidden = u.wards.some((w) => disclosure.population?.hidden.has(`ward:${w}`) ?? false);
          return {
            ...u,
            numerator: casesHidden || popHidden ? "c" as const : u.numerator,
            denominator: popHidden ? "c" as const : u.denominator,
            value: casesHidden || popHidden ? "c" as const : scale === "percent" ? rows[i].value * 100 : rows[i].value
          };
        }),
        readAs: `SII: the modelled ${scale === "percent" ? "percentage-point" : "per-10,000"} difference between the least and the most deprived end of the borough (least minus most deprived), so negative when the value is higher in more deprived wards. RII: least ÷ most deprived. Intervals by seeded simulation (seed ${options.seed}).`
      };
    }
  }
  return {byRate, byDeprivation, sii: result, notes};
}
