import {DomainError} from "../oba/errors.js";
import type {Published} from "../oba/publish.js";
import type {Period} from "../oba/periods.js";
import {funnelLimits, funnelSignificance, type FunnelLimits, type FunnelSignificance} from "../stats/funnel.js";
import {indirectlyStandardisedRatio} from "../stats/intervals.js";
import {suppress} from "../stats/suppress.js";
import type {PerformanceMeasure} from "./catalogue.js";
import {canSee, isHidden, type Access, type DisclosurePlan, type Unit} from "./disclosure.js";
import type {EpisodeRow} from "./episodes.js";
import {computeMeasure, relevantTo, strataCounts, type StratumCount} from "./measures.js";

/**
 * Fair comparison of providers on one percentage measure (METHODS §1, §3):
 * - raw: each provider's percentage with Wilson intervals, placed on a funnel around the pooled
 *   average Σx/Σn with 95% and 99.8% limits (the PHE proportion funnel of stats/funnel.ts);
 * - casemix: indirect standardisation by age group and level of need at referral. Each stratum's
 *   reference rate is the pooled rate of all the providers compared, in the same period; a
 *   provider's expected count E = Σ its cases in a stratum × the stratum's reference rate; the
 *   ratio O/E has exact (O < 10) or Byar limits on O divided by E and is placed on the exact
 *   Poisson ratio funnel around 1. A provider that takes harder cases is expected to achieve less,
 *   so it is judged against what its own case mix predicts.
 *
 * For an audience whose policy rounds counts (`roundTo`), each provider's counts and stratum counts
 * are rounded, and everything else is computed from them: its percentage and intervals, the pooled
 * average and the reference strata (sums of the providers' rounded counts, so the funnel's centre is
 * the pooled value), funnel limits and labels, expected counts, O/E ratios and standardised values.
 * Which reference strata are hidden is still decided on their true counts.
 */

export const ADJUSTMENTS = ["none", "casemix"] as const;
export type Adjustment = (typeof ADJUSTMENTS)[number];

export const CASE_MIX_STRATA = ["age group at referral (under 1, 1-4, 5-9, 10-15, 16+)", "level of need at referral (1-4)"];

/** An interval whose bound may be undefined (a Byar lower limit below zero, say). */
type Bounds = {lower: number | null; upper: number | null};

export interface ProviderComparison {
  unit: Unit;
  observed: number;
  denominator: number;
  value: number;
  ci95: Bounds;
  ci998: Bounds;
  significance: FunnelSignificance;
  adjusted: null | {
    observed: number;
    expected: number;
    ratio: number;
    ci95: Bounds;
    ci998: Bounds;
    method: string;
    /** The ratio × the pooled percentage: the provider's percentage as if it had the pool's case mix. */
    standardisedValue: number;
    significance: FunnelSignificance;
  };
  strata: StratumCount[];
}

export interface Comparison {
  measure: PerformanceMeasure;
  period: Period;
  pool: Unit;
  pooled: {numerator: number; denominator: number; value: number};
  rows: ProviderComparison[];
  /** Providers in scope with nobody in the measure's cohort in the period (not on the funnel). */
  empty: Unit[];
  rawFunnel: FunnelLimits;
  adjustedFunnel: FunnelLimits | null;
  /** The reference strata as shown (from the providers' rounded counts when the audience rounds). */
  reference: StratumCount[];
  /** Their true counts, on which disclosure control decides what is hidden. */
  referenceCounts: StratumCount[];
  adjust: Adjustment;
}

const limits = (i: {lower: number | null; upper: number | null}) => ({lower: i.lower, upper: i.upper});

/**
 * The raw comparison's funnel: PHE's proportion funnel (centre Σx/Σn, 95% and 99.8% limits over
 * 100 denominators) and each unit's label, in row order.
 */
export function proportionFunnel(rows: readonly {numerator: number; denominator: number}[]) {
  const X = rows.reduce((s, r) => s + r.numerator, 0);
  const N = rows.reduce((s, r) => s + r.denominator, 0);
  return {
    limits: funnelLimits({statistic: "proportion", rows, multiplier: 100}),
    significance: funnelSignificance({statistic: "proportion", rows, multiplier: 100}),
    pooled: {numerator: X, denominator: N, value: (X / N) * 100}
  };
}

/** Reference strata: the pool of all providers compared, stratum by stratum. */
function poolStrata(strata: readonly (readonly StratumCount[])[]): StratumCount[] {
  const reference = new Map<string, StratumCount>();
  for (const list of strata) {
    for (const s of list) {
      const r = reference.get(s.stratum) ?? {...s, numerator: 0, denominator: 0};
      r.numerator += s.numerator;
      r.denominator += s.denominator;
      reference.set(s.stratum, r);
    }
  }
  return [...reference.values()].sort((a, b) => a.stratum.localeCompare(b.stratum));
}

/**
 * The comparison on unsuppressed figures (publish it with publishComparison), computed from counts
 * rounded to `roundTo` for an audience whose policy rounds (null: the true counts).
 */
export function compareProviders(measure: PerformanceMeasure, providers: readonly Unit[], pool: Unit, episodes: readonly EpisodeRow[], period: Period, adjust: Adjustment,
  roundTo: number | null = null): Comparison {
  if (measure.statistic !== "proportion") {
    throw new DomainError("invalid", "measure-not-comparable", `measure ${measure.id} is a ${measure.statistic}: providers are compared on percentages (funnel plots of proportions)`, {field: "measure"});
  }
  if (measure.dataDevelopment) throw new DomainError("cannot-compute", "measure-not-collected", `measure ${measure.id} is not collected yet: ${measure.dataDevelopment}`, {field: "measure"});
  if (adjust === "casemix" && !measure.caseMix) {
    throw new DomainError("invalid", "casemix-not-offered", `measure ${measure.id} is not offered with case-mix adjustment`, {field: "adjust"});
  }
  const inPool = episodes.filter((e) => pool.includes(e) && relevantTo(e, period));
  const computed = providers.map((u) => {
    const mine = inPool.filter(u.includes);
    const counts = strataCounts(measure, mine, period);
    return {unit: u, value: computeMeasure(measure, mine, period, roundTo), strata: roundTo ? strataCounts(measure, mine, period, roundTo) : counts, counts};
  });
  const unavailable = computed.find((c) => !c.value.available && c.value.denominator === null);
  if (unavailable) throw new DomainError("cannot-compute", "measure-not-available", `measure ${measure.id} cannot be computed for ${period.label}: ${unavailable.value.reason}`, {field: "period"});
  const onFunnel = computed.filter((c) => (c.value.denominator ?? 0) > 0);
  const empty = computed.filter((c) => (c.value.denominator ?? 0) === 0).map((c) => c.unit);
  if (!onFunnel.length) throw new DomainError("cannot-compute", "nothing-to-compare", `no provider has anyone in the ${measure.cohort} cohort of ${measure.id} in ${period.label}`, {field: "period"});
  const rows = onFunnel.map((c) => ({numerator: c.value.numerator as number, denominator: c.value.denominator as number}));
  const {limits: rawFunnel, significance: rawSig, pooled} = proportionFunnel(rows);
  const X = pooled.numerator;
  const N = pooled.denominator;

  // Reference rates per stratum: the pool of all providers compared, same period.
  const referenceList = poolStrata(onFunnel.map((c) => c.strata));
  const reference = new Map(referenceList.map((r) => [r.stratum, r]));
  const rate = (k: string) => {
    const r = reference.get(k)!;
    return r.numerator / r.denominator;
  };
  let adjusted: ({observed: number; expected: number} | null)[] = onFunnel.map(() => null);
  let adjustedFunnel: FunnelLimits | null = null;
  let adjustedSig: FunnelSignificance[] = [];
  if (adjust === "casemix") {
    adjusted = onFunnel.map((c) => {
      const expected = c.strata.reduce((s, st) => s + st.denominator * rate(st.stratum), 0);
      return expected > 0 ? {observed: c.value.numerator as number, expected} : null;
    });
    const ratioRows = adjusted.filter((a): a is {observed: number; expected: number} => a !== null);
    if (ratioRows.length) {
      adjustedFunnel = funnelLimits({statistic: "ratio", rows: ratioRows, ratioType: "isr", multiplier: 1});
      const sig = funnelSignificance({statistic: "ratio", rows: ratioRows, ratioType: "isr", multiplier: 1});
      let k = 0;
      adjustedSig = adjusted.map((a) => (a ? sig[k++] : "Not significant"));
    }
  }
  return {
    measure, period, pool, adjust,
    pooled: {numerator: X, denominator: N, value: (X / N) * 100},
    rows: onFunnel.map((c, i) => {
      const v = c.value;
      const a = adjusted[i];
      let adj: ProviderComparison["adjusted"] = null;
      if (a) {
        const r95 = indirectlyStandardisedRatio(a.observed, a.expected, {level: 0.95});
        const r998 = indirectlyStandardisedRatio(a.observed, a.expected, {level: 0.998});
        adj = {observed: a.observed, expected: a.expected, ratio: r95.value, ci95: limits(r95), ci998: limits(r998), method: r95.method,
          standardisedValue: r95.value * (X / N) * 100, significance: adjustedSig[i]};
      }
      return {unit: c.unit, observed: v.numerator as number, denominator: v.denominator as number, value: v.value as number,
        ci95: v.ci95!, ci998: v.ci998!, significance: rawSig[i], adjusted: adj, strata: c.strata};
    }),
    empty,
    rawFunnel,
    adjustedFunnel,
    reference: referenceList,
    referenceCounts: roundTo ? poolStrata(onFunnel.map((c) => c.counts)) : referenceList
  };
}

export const funnelView = (f: FunnelLimits) => ({
  statistic: f.statistic, centre: f.baseline, method: f.method, axis: f.axisKind, x: f.xKind,
  points: f.points.map((p) => ({axis: p.axis, lower998: p.lower998, lower95: p.lower95, upper95: p.upper95, upper998: p.upper998}))
});

/** Interpreting a raw and an adjusted label together, in words. */
function verdict(raw: FunnelSignificance, adjusted: FunnelSignificance | null, polarity: PerformanceMeasure["polarity"]): string {
  const word = (s: FunnelSignificance) => {
    if (s === "Not significant") return "similar to the average";
    const high = s.startsWith("High");
    const dir = polarity === "no-judgement" ? (high ? "higher" : "lower") : (high === (polarity === "high-is-good") ? "better" : "worse");
    return `${dir} than the average (${s.includes("0.001") ? "99.8%" : "95%"} limit)`;
  };
  if (adjusted === null) return `Raw: ${word(raw)}.`;
  if (raw !== "Not significant" && adjusted === "Not significant") return `Raw: ${word(raw)}; once its case mix is allowed for it is ${word(adjusted)}: the raw difference is explained by the families it serves.`;
  return `Raw: ${word(raw)}; case-mix adjusted: ${word(adjusted)}.`;
}

/** The comparison as published for the access, with the disclosure plan of the period. */
export function publishComparison(cmp: Comparison, access: Access, plan: DisclosurePlan | null) {
  const m = cmp.measure;
  const poolSee = canSee(access, cmp.pool);
  const poolHidden = !poolSee.full && plan !== null && isHidden(plan, cmp.pool.id, m).any;
  const showPool = poolSee.see && !poolHidden;
  const c = "c" as const;
  // Every figure built on the pool's rates goes with the pool: the expected count (Σ expected = the
  // pooled numerator), the ratio O/E and its limits (O is shown, so they give E), the standardised
  // value (ratio × pooled rate) and the judgements against the pooled average or its funnel.
  const poolWithheld = !showPool;
  const providers = cmp.rows.flatMap((r) => {
    const see = canSee(access, r.unit);
    if (!see.see) return [];
    const hidden = !see.full && plan !== null && isHidden(plan, r.unit.id, m).any;
    const num = (v: number | null): Published => (hidden ? c : v);
    const onPool = (v: number | null): Published => (hidden || poolWithheld ? c : v);
    return [{
      providerId: r.unit.key, name: r.unit.name, shown: see.full ? "in full" : "with small numbers suppressed",
      numerator: num(r.observed), denominator: !see.full && plan !== null && isHidden(plan, r.unit.id, m).denominator ? c : r.denominator,
      value: num(r.value), lower95: num(r.ci95.lower), upper95: num(r.ci95.upper), lower998: num(r.ci998.lower), upper998: num(r.ci998.upper),
      method: "wilson", significance: hidden || poolWithheld ? c : r.significance,
      adjusted: r.adjusted === null ? null : {
        observed: num(r.adjusted.observed), expected: onPool(r.adjusted.expected), ratio: onPool(r.adjusted.ratio),
        lower95: onPool(r.adjusted.ci95.lower), upper95: onPool(r.adjusted.ci95.upper), lower998: onPool(r.adjusted.ci998.lower), upper998: onPool(r.adjusted.ci998.upper),
        method: r.adjusted.method, standardisedValue: onPool(r.adjusted.standardisedValue), significance: hidden || poolWithheld ? c : r.adjusted.significance
      },
      verdict: hidden || poolWithheld ? null : verdict(r.significance, r.adjusted?.significance ?? null, m.polarity)
    }];
  });
  // The reference strata are pooled counts published nowhere else; they add up to the pool's
  // numerator and its complement, which are published (so the groups have no total cell to hide).
  let reference: unknown = null;
  if (cmp.adjust === "casemix" && access.mode !== "own-provider" && showPool) {
    const full = access.mode === "full";
    const cells = cmp.referenceCounts.flatMap((s) => [{id: `x|${s.stratum}`, count: s.numerator}, {id: `r|${s.stratum}`, count: s.denominator - s.numerator}]);
    const groups = [{parts: cmp.referenceCounts.map((s) => `x|${s.stratum}`)}, {parts: cmp.referenceCounts.map((s) => `r|${s.stratum}`)}];
    const result = suppress({cells, groups}, {primaryMax: access.primaryMax});
    const hid = new Set(full ? [] : [...result.primary, ...result.secondary]);
    reference = cmp.reference.map((s) => {
      const h = hid.has(`x|${s.stratum}`) || hid.has(`r|${s.stratum}`);
      return {ageGroup: s.ageGroup, levelOfNeed: s.levelOfNeed, numerator: h ? c : s.numerator, denominator: h ? c : s.denominator, rate: h ? c : (s.numerator / s.denominator) * 100};
    });
  }
  const otherProviders = cmp.rows.filter((r) => !canSee(access, r.unit).see).length;
  return {
    measure: {id: m.id, name: m.name, quadrant: m.quadrant, unit: m.unit, polarity: m.polarity, definition: m.definition},
    period: {label: cmp.period.label, start: cmp.period.start, end: cmp.period.end},
    scope: {id: cmp.pool.key, kind: cmp.pool.kind, name: cmp.pool.name},
    adjust: cmp.adjust,
    adjustment: cmp.adjust === "casemix"
      ? {used: "casemix", method: "indirect standardisation (O/E)", strata: CASE_MIX_STRATA,
        reference: `the pooled rate of each stratum over the ${cmp.rows.length} providers compared, ${cmp.period.label}`,
        interval: "exact Poisson (O < 10) or Byar limits on O, divided by E", funnel: "exact Poisson ratio funnel around O/E = 1 (95% and 99.8%)"}
      : {used: "none", method: "raw percentages; no allowance for case mix", funnel: "proportion funnel around the pooled average (95% and 99.8%, PHE method)"},
    pooled: showPool
      ? {numerator: cmp.pooled.numerator, denominator: cmp.pooled.denominator, value: cmp.pooled.value}
      : {numerator: c, denominator: c, value: c, reason: poolSee.see ? "suppressed to protect a small count" : poolSee.reason},
    funnels: showPool ? {raw: funnelView(cmp.rawFunnel), adjusted: cmp.adjustedFunnel ? funnelView(cmp.adjustedFunnel) : null} : null,
    providers,
    notShown: otherProviders ? {providers: otherProviders, reason: "other providers' figures are not shown to a provider; they are in the pooled average"} : null,
    noCohort: cmp.empty.filter((u) => canSee(access, u).see).map((u) => ({providerId: u.key, name: u.name})),
    reference,
    access: access.label
  };
}
