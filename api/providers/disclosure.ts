import type {PublishedFigures} from "../oba/series.js";
import {withheldEstimate, type Published} from "../oba/publish.js";
import type {Period} from "../oba/periods.js";
import {SUPPRESSED_DEFAULT} from "../oba/policy.js";
import {suppress, type ConstraintGroup, type CountCell} from "../stats/suppress.js";
import type {Cohort, PerformanceMeasure} from "./catalogue.js";
import type {EpisodeRow, ProviderInfo} from "./episodes.js";
import {computeMeasure, inCohort, inNumerator, relevantTo, type MeasureValue} from "./measures.js";

/**
 * Who sees what of providers' figures, and disclosure control for the figures they see.
 *
 * Access (the caller's `viewer`, supplied later by the access-control middleware as its principal):
 * - no viewer, commissioner, viewer or an unknown role: every figure, with small counts suppressed;
 * - analyst and admin: every figure unsuppressed (roles.ts: they see unsuppressed aggregates);
 * - provider: its own provider in full; another provider never, not even suppressed; figures
 *   pooled over several providers only when at least two providers besides its own are in the
 *   pool (otherwise it could subtract its own figures and read another provider's).
 *
 * Disclosure control (METHODS §7, DfE practice): counts 1–5 become "c". The same episode counts are
 * published in several places — a provider's report card, its programme's, the comparison of all
 * providers (whose pooled average is shown), value for money — and are linked by sums: a programme
 * is the sum of the providers that deliver it, all providers the sum of providers, a percentage's
 * numerator plus its complement its denominator, the end reasons add up to the episodes ended. So
 * for each period the counts of every provider, programme and the pool are protected together in
 * one table with those sums as constraint groups (stats/suppress.ts, primary and secondary), and
 * every view publishes from that one plan: a figure hidden in one place is hidden everywhere.
 */

export interface Viewer {
  role: string;
  providerId?: string | null;
}

/**
 * What a caller may see, and its role's disclosure policy (api/oba/policy.ts): the largest count
 * hidden as a primary cell, and the multiple shown counts are rounded to (null: not rounded; always
 * null for analysts and admins). Rounding applies to every figure the caller is shown, a provider's
 * own included: the pooled figures beside them are computed from them.
 */
export type Access = (
  | {mode: "full"; label: string}
  | {mode: "suppressed"; label: string}
  | {mode: "own-provider"; providerId: string | null; label: string}
) & {primaryMax: number; roundTo: number | null};

export function accessFor(viewer?: Viewer | null, primaryMax = SUPPRESSED_DEFAULT.primaryMax, roundTo: number | null = null): Access {
  if (viewer && (viewer.role === "analyst" || viewer.role === "admin")) return {mode: "full", primaryMax, roundTo: null, label: `${viewer.role}: unsuppressed`};
  const rounded = roundTo ? `; counts rounded to the nearest ${roundTo}` : "";
  if (!viewer) return {mode: "suppressed", primaryMax, roundTo, label: `no principal: treated as a commissioner, with small numbers suppressed${rounded}`};
  if (viewer.role === "provider") {
    return {mode: "own-provider", primaryMax, roundTo, providerId: viewer.providerId ?? null,
      label: (viewer.providerId ? `provider ${viewer.providerId}: its own figures in full; other providers only pooled` : "provider role without a provider: pooled figures only") + rounded};
  }
  return {mode: "suppressed", primaryMax, roundTo, label: `${viewer.role}: small numbers suppressed${rounded}`};
}

/** The principal set by the access-control middleware, read defensively (it may be absent). */
export function viewerFrom(principal: unknown): Viewer | undefined {
  if (!principal || typeof principal !== "object") return undefined;
  const p = principal as {role?: unknown; providerId?: unknown};
  if (typeof p.role !== "string") return undefined;
  return {role: p.role, providerId: typeof p.providerId === "string" ? p.providerId : null};
}

// ---------------------------------------------------------------- units

/**
 * Something figures are published for: one provider, one programme (pooled over providers), or all
 * providers. Membership depends only on an episode's provider and programme.
 */
export interface Unit {
  id: string;
  kind: "provider" | "programme" | "all";
  key: string;
  name: string;
  /** Providers whose episodes it pools. */
  providers: string[];
  includes: (e: EpisodeRow) => boolean;
}

export const unitId = (kind: Unit["kind"], key: string) => (kind === "all" ? "all" : `${kind}:${key}`);

/** Units for every provider and programme in the catalogue and in the episodes, and the pool of all. */
export function buildUnits(providers: readonly ProviderInfo[], episodes: readonly EpisodeRow[]): Unit[] {
  const names = new Map(providers.map((p) => [p.providerId, p.name]));
  const programmeNames = new Map(providers.flatMap((p) => p.programmes.map((g) => [g.programmeId, g.name] as const)));
  const delivery = new Map<string, Set<string>>();
  for (const p of providers) for (const g of p.programmes) (delivery.get(g.programmeId) ?? delivery.set(g.programmeId, new Set()).get(g.programmeId)!).add(p.providerId);
  for (const e of episodes) (delivery.get(e.programmeId) ?? delivery.set(e.programmeId, new Set()).get(e.programmeId)!).add(e.providerId);
  const providerIds = [...new Set([...providers.map((p) => p.providerId), ...episodes.map((e) => e.providerId)])].sort();
  const units: Unit[] = providerIds.map((id) => ({
    id: unitId("provider", id), kind: "provider", key: id, name: names.get(id) ?? `${id} (not in the provider catalogue)`, providers: [id],
    includes: (e) => e.providerId === id
  }));
  for (const [id, by] of [...delivery].sort(([a], [b]) => a.localeCompare(b))) {
    units.push({id: unitId("programme", id), kind: "programme", key: id, name: programmeNames.get(id) ?? `${id} (not in the provider catalogue)`,
      providers: [...by].sort(), includes: (e) => e.programmeId === id});
  }
  units.push({id: "all", kind: "all", key: "all", name: "All providers", providers: providerIds, includes: () => true});
  return units;
}

// ---------------------------------------------------------------- the disclosure plan

/** A count published for a unit: a cohort, a subset of it, or the complement of a subset. */
interface CountDef {
  id: string;
  member: (e: EpisodeRow) => boolean;
}

const sigOf = (m: PerformanceMeasure) => JSON.stringify(m.numerator);

/** The numerator of a reliable improvement is always a scored episode: one count, whichever cohort names it. */
function numeratorCohort(m: PerformanceMeasure): Cohort {
  const improvement = m.numerator.some((f) => f.derived === "reliable_improvement" && f.op === "eq" && f.value === true);
  return improvement && m.cohort === "ended" ? "scored" : m.cohort;
}

/** The count cells a measure publishes, by definition (two measures publishing the same count share a cell). */
export function countsOf(m: PerformanceMeasure): {x: string | null; n: string | null; r: string | null} {
  const nId = `n:${m.cohort}`;
  const xId = m.numerator.length ? `x:${numeratorCohort(m)}:${sigOf(m)}` : nId;
  switch (m.statistic) {
    case "count": return {x: xId, n: null, r: null};
    case "mean": return {x: null, n: nId, r: null};
    case "proportion":
    case "cost-per": return {x: xId, n: nId, r: `r:${m.cohort}:${sigOf(m)}`};
  }
}

function definitions(measures: readonly PerformanceMeasure[], p: Period): {defs: Map<string, CountDef>; relations: {parts: string[]; total: string}[]} {
  const defs = new Map<string, CountDef>();
  const relations: {parts: string[]; total: string}[] = [];
  const cohortDef = (c: Cohort) => {
    const id = `n:${c}`;
    if (!defs.has(id)) defs.set(id, {id, member: (e) => inCohort(c, e, p)});
    return id;
  };
  for (const m of measures) {
    if (m.dataDevelopment) continue;
    const ids = countsOf(m);
    cohortDef(m.cohort);
    if (ids.x && ids.x.startsWith("x:") && !defs.has(ids.x)) {
      const c = numeratorCohort(m);
      defs.set(ids.x, {id: ids.x, member: (e) => inCohort(c, e, p) && inNumerator(m, e)});
      cohortDef(c);
    }
    if (ids.r && !defs.has(ids.r)) {
      defs.set(ids.r, {id: ids.r, member: (e) => inCohort(m.cohort, e, p) && !inNumerator(m, e)});
      relations.push({parts: [ids.x!, ids.r], total: ids.n!});
    }
  }
  // Nested cohorts: the difference between a cohort and the one inside it is published by subtraction.
  for (const [inner, outer] of [["scored", "ended"], ["followed-up", "ended"]] as const) {
    if (defs.has(`n:${inner}`) && defs.has(`n:${outer}`)) {
      const id = `d:${outer}-not-${inner}`;
      defs.set(id, {id, member: (e) => inCohort(outer, e, p) && !inCohort(inner, e, p)});
      relations.push({parts: [`n:${inner}`, id], total: `n:${outer}`});
    }
  }
  // End reasons partition the episodes ended: the ones not published are their own remainder cell.
  const reasons = measures.filter((m) => !m.dataDevelopment && m.cohort === "ended" && m.numerator.length === 1 && m.numerator[0].field === "end_reason" && m.numerator[0].op === "eq");
  const distinct = [...new Map(reasons.map((m) => [m.numerator[0].value as string, countsOf(m).x!])).entries()];
  if (distinct.length >= 2 && defs.has("n:ended")) {
    const named = distinct.map(([v]) => v);
    defs.set("x:ended:other-end-reasons", {id: "x:ended:other-end-reasons", member: (e) => inCohort("ended", e, p) && !named.includes(e.endReason ?? "")});
    relations.push({parts: [...distinct.map(([, id]) => id), "x:ended:other-end-reasons"], total: "n:ended"});
  }
  return {defs, relations};
}

export interface DisclosurePlan {
  period: Period;
  /** Count cells suppressed, by `${unitId}|${countId}`. */
  hidden: Set<string>;
  /** Groups the suppression could not protect (should be empty). */
  unprotected: string[];
}

/**
 * One protection plan for a period across every unit: counts 1 to primaryMax (5 by default) are suppressed (primary), then
 * further counts (secondary) until none can be recovered from the published sums. Statistics are
 * computed on the unsuppressed counts; this only decides what is published.
 */
export function planDisclosure(measures: readonly PerformanceMeasure[], units: readonly Unit[], episodes: readonly EpisodeRow[], p: Period,
  primaryMax = SUPPRESSED_DEFAULT.primaryMax): DisclosurePlan {
  const {cells, groups} = disclosureTable(measures, units, episodes, p);
  const result = suppress({cells, groups}, {primaryMax});
  return {period: p, hidden: new Set([...result.primary, ...result.secondary]), unprotected: result.unprotected};
}

/**
 * The plan for figures pooled over two periods (counts added), made together with the two periods'
 * own plans so that nothing undoes them: each period's cells keep their plan (hidden stays hidden,
 * shown is never taken as a secondary cell), each pooled count is the sum of its two period counts,
 * and the pooled counts have the same sums across units as a period's. A pooled count is then hidden
 * wherever showing it would give back a hidden period count (one period shown, the other hidden: the
 * pooled minus the shown), and wherever it is small itself.
 */
export function planPooledDisclosure(measures: readonly PerformanceMeasure[], units: readonly Unit[], episodes: readonly EpisodeRow[],
  periods: readonly [Period, Period], plans: readonly [DisclosurePlan, DisclosurePlan], pooled: Period, primaryMax = SUPPRESSED_DEFAULT.primaryMax): DisclosurePlan {
  const tables = periods.map((p) => disclosureTable(measures, units, episodes, p));
  const cells: CountCell[] = [];
  const groups: ConstraintGroup[] = [];
  tables.forEach((t, k) => {
    for (const c of t.cells) cells.push({id: `${k}#${c.id}`, count: c.count, ...(plans[k].hidden.has(c.id) ? {hidden: true} : {keep: true})});
    for (const g of t.groups) groups.push({parts: g.parts.map((x) => `${k}#${x}`), total: g.total === undefined ? undefined : `${k}#${g.total}`});
  });
  const [a, b] = tables;
  const second = new Map(b.cells.map((c) => [c.id, c.count ?? 0]));
  for (const c of a.cells) {
    cells.push({id: c.id, count: (c.count ?? 0) + (second.get(c.id) ?? 0)});
    groups.push({parts: [`0#${c.id}`, `1#${c.id}`], total: c.id});
  }
  for (const g of a.groups) groups.push(g);
  const result = suppress({cells, groups}, {primaryMax});
  const hidden = new Set([...result.primary, ...result.secondary].filter((id) => !/^[01]#/.test(id)));
  return {period: pooled, hidden, unprotected: result.unprotected};
}

/** The count cells of every unit for a period, and every sum linking them. */
function disclosureTable(measures: readonly PerformanceMeasure[], units: readonly Unit[], episodes: readonly EpisodeRow[], p: Period): {cells: CountCell[]; groups: ConstraintGroup[]} {
  const {defs, relations} = definitions(measures, p);
  const cells: CountCell[] = [];
  const groups: ConstraintGroup[] = [];
  const relevant = episodes.filter((e) => relevantTo(e, p));
  // Each episode is tested against each count once, then added to every unit it belongs to.
  const defList = [...defs.values()];
  const counts = units.map(() => new Array<number>(defList.length).fill(0));
  const programmesOf = new Map<string, Set<string>>();
  const unitsOf = new Map<string, number[]>();
  for (const e of relevant) {
    const k = `${e.providerId}\u0000${e.programmeId}`;
    let mine = unitsOf.get(k);
    if (!mine) unitsOf.set(k, (mine = units.flatMap((u, i) => (u.includes(e) ? [i] : []))));
    (programmesOf.get(e.providerId) ?? programmesOf.set(e.providerId, new Set()).get(e.providerId)!).add(e.programmeId);
    for (let j = 0; j < defList.length; j++) {
      if (!defList[j].member(e)) continue;
      for (const i of mine) counts[i][j]++;
    }
  }
  for (const [i, u] of units.entries()) {
    for (const [j, d] of defList.entries()) cells.push({id: `${u.id}|${d.id}`, count: counts[i][j]});
    for (const r of relations) groups.push({parts: r.parts.map((x) => `${u.id}|${x}`), total: `${u.id}|${r.total}`});
  }
  // Sums across units: providers add up to all providers, and the providers delivering a programme
  // add up to it when each delivers only that programme (otherwise their episodes of it are not published).
  const providers = units.filter((u) => u.kind === "provider");
  const all = units.find((u) => u.kind === "all");
  const single = new Set(providers.filter((u) => (programmesOf.get(u.key)?.size ?? 0) <= 1).map((u) => u.key));
  for (const d of defs.values()) {
    if (all && providers.length) groups.push({parts: providers.map((u) => `${u.id}|${d.id}`), total: `all|${d.id}`});
    for (const g of units.filter((u) => u.kind === "programme")) {
      if (!g.providers.every((id) => single.has(id))) continue;
      const parts = providers.filter((u) => g.providers.includes(u.key)).map((u) => `${u.id}|${d.id}`);
      if (parts.length) groups.push({parts, total: `${g.id}|${d.id}`});
    }
  }
  return {cells, groups};
}

/** Whether the plan hides the measure's figures for the unit (any of the counts it publishes). */
export function isHidden(plan: DisclosurePlan, unit: string, m: PerformanceMeasure): {numerator: boolean; denominator: boolean; any: boolean} {
  const ids = countsOf(m);
  const h = (id: string | null) => id !== null && plan.hidden.has(`${unit}|${id}`);
  const numerator = h(ids.x);
  const denominator = h(ids.n);
  return {numerator, denominator, any: numerator || denominator || h(ids.r)};
}

// ---------------------------------------------------------------- publishing

export interface PublishedValue extends PublishedFigures {
  unit: PerformanceMeasure["unit"];
  reason?: string;
  scoring?: {ended: Published; scored: Published};
}

/** A measure value as published: hidden counts and everything built on them become "c". */
export function publishValue(m: PerformanceMeasure, v: MeasureValue, hidden: {numerator: boolean; denominator: boolean; any: boolean} | null): PublishedValue {
  const base = {period: v.period.label, start: v.period.start, end: v.period.end, unit: m.unit};
  const scoring = v.scoring ? {scoring: hidden?.denominator ? {ended: "c" as const, scored: "c" as const} : v.scoring} : {};
  if (!v.available && v.numerator === null && v.denominator === null) {
    return {...base, numerator: "x", denominator: "x", ...withheldEstimate("x"), method: null, flag: "x", reason: v.reason};
  }
  if (hidden?.any) {
    // A hidden complement would make the numerator hide too (numerator + complement = denominator).
    return {...base, numerator: v.numerator === null ? null : "c",
      denominator: v.denominator === null ? null : hidden.denominator ? "c" : v.denominator, ...withheldEstimate("c"), method: v.method, flag: "c", ...scoring};
  }
  if (v.value === null) {
    return {...base, numerator: v.numerator, denominator: v.denominator, ...withheldEstimate("z"), method: null, flag: "z", reason: v.reason, ...scoring};
  }
  return {
    ...base, numerator: v.numerator, denominator: v.denominator, value: v.value,
    lower95: v.ci95?.lower ?? null, upper95: v.ci95?.upper ?? null, lower998: v.ci998?.lower ?? null, upper998: v.ci998?.upper ?? null,
    method: v.method, flag: null, ...scoring
  };
}

/** Can this access see the unit's own figures (in full or suppressed)? */
export function canSee(access: Access, unit: Unit): {see: boolean; full: boolean; reason?: string} {
  if (access.mode === "full") return {see: true, full: true};
  if (access.mode === "suppressed") return {see: true, full: false};
  const own = access.providerId;
  if (unit.providers.length === 1 && unit.providers[0] === own) return {see: true, full: true};
  const others = unit.providers.filter((p) => p !== own);
  if (others.length >= 2) return {see: true, full: false};
  return {see: false, full: false,
    reason: unit.kind === "provider"
      ? `a provider sees its own figures only; ${unit.name} is another provider (pooled figures are in /api/providers/compare)`
      : `${unit.name} pools ${unit.providers.length} provider(s); a provider sees pooled figures only when at least two other providers are in the pool`};
}

/**
 * The providers of a pool that the access may name. A provider is told which providers it shares a
 * programme with by neither id nor name (they are often the same thing, e.g. parenting-works): only
 * its own, and how many there are in all.
 */
export function namedProviders(access: Access, providerIds: readonly string[]): string[] {
  return access.mode === "own-provider" ? providerIds.filter((id) => id === access.providerId) : [...providerIds];
}

/** A measure for a unit and period, published for the access (null when the access may not see the unit). */
export function publishFor(access: Access, unit: Unit, m: PerformanceMeasure, episodes: readonly EpisodeRow[], plan: DisclosurePlan): PublishedValue | null {
  const see = canSee(access, unit);
  if (!see.see) return null;
  const v = computeMeasure(m, episodes.filter((e) => unit.includes(e) && relevantTo(e, plan.period)), plan.period, access.roundTo);
  return publishValue(m, v, see.full ? null : isHidden(plan, unit.id, m));
}
