import type {Indicator, PeriodType} from "./catalogue.js";
import {denominatorDefinition, numeratorDefinition, planId, type BreakdownSpec, type CountDefinition} from "./count-definitions.js";
import {baseId, coarseReason, geographyCell, monthIndex, periodKey, WITHHELD_BLOCK_REASON, type Lattice} from "./lattice.js";
import {buildLattice, sliceOf} from "./lattice-plan.js";
import {policyOf, SUPPRESSED_DEFAULT, type Disclosure, type DisclosurePolicy} from "./policy.js";
import {
  publishPoints,
  type InternalPoint, type Period, type PointMask, type PublishedPoint, type PublishOptions, type ResolvedGeography, type Series
} from "./series.js";
import type {Reader} from "./query.js";

/**
 * The disclosure lattice (METHODS §7): one suppression plan per warehouse version, authority and
 * count definition, shared by every table that publishes those counts, so that no combination of
 * requests can undo it.
 *
 * A *count definition* is what an indicator counts (extract, event or snapshot, date, filters);
 * indicators that count the same thing share it (referrals, the referral rate's numerator and the
 * denominator of re-referrals are one definition), so they publish from one plan.
 *
 * The lattice holds every count a reader can ask for: each geography — borough, areas, wards, target
 * wards, rest of the borough — and every intersection that a ward or area breakdown publishes (the
 * wards of an area, the target wards of an area, records with no known ward), by every month,
 * quarter and financial year of the loaded extracts. The constraint groups are every sum a reader
 * could subtract with: each geography split by ward, by area and into target / rest / no known ward;
 * months into quarters, quarters into the year and months into the year (events; a snapshot's quarter
 * and year *are* its last month). `suppress` runs on it to a fixed point (primary 1–5, then secondary
 * cells until no hidden cell is recoverable by subtraction or by combining equations); constraint
 * groups never cross a financial year (events) or a month (snapshots), so each year or month is
 * solved on its own.
 *
 * A breakdown (age band, sex, source, …) gets a lattice of its own over geography × period × group,
 * with the breakdown's groups adding up to the totals above; the totals keep the plan of the lattice
 * without a breakdown (a hidden total stays hidden, a shown total is never taken as a secondary
 * cell), so adding a breakdown never changes what the series without one shows. Ward and area
 * breakdowns publish cells of the geography lattice itself and are read from it.
 *
 * Rule 6 (breakdowns together): a reader puts every breakdown of a ward and period side by side, as
 * they share the totals. A total with k non-zero groups in some breakdown is at least k whatever that
 * breakdown's plan shows, and a total whose groups there are all 1 gives them all away if known
 * exactly; so every plan that holds a total audits it with that floor and keeps such a total's range
 * open like a primary cell's (`TotalBounds`).
 *
 * A definition that narrows another by a choice of that one's breakdown groups (referrals to
 * assessment = referrals by outcome, initial or single assessment) lives in that breakdown's lattice
 * as a union cell (see "linked definitions"), with the floors of its own breakdowns. A total is hidden
 * up front when some breakdown's groups under it are all 1 (see `pinnedTotals`).
 *
 * Withheld blocks: a breakdown never hides a total the plan without it shows, so a small group whose
 * sums reach only such totals and zeros cannot be protected by hiding more cells; the breakdown then
 * withholds every group of that geography and period, zeros included (`c` may stand for 0), with a
 * reason (withheld-blocks.ts).
 *
 * Sparse counts (events): when most non-zero ward-months are small, the geographies below the
 * borough are planned only by quarter or financial year (`wardPeriod`), so the borough's months are
 * not hidden to protect ward-months that would mostly be c anyway; the finer cells are withheld with a
 * reason (`withheldReason`).
 *
 * Rolling 12 months (events): a rolling count is shown only when it can be derived from shown
 * months: it is hidden when any month in its window, or in the window one month earlier, is hidden
 * at that geography (and group). Then the difference of two consecutive rolling counts (the month
 * that enters minus the month that leaves) never involves a hidden month.
 *
 * Cost on the demo warehouse (test/checks/lattice-cost.ts; every plan of every authority, 172
 * lattices, 858,545 cells, 729,931 constraint groups): about 1,400 s in all on a shared 2-core
 * machine under heavy load (320 s at a quieter moment), each computed once per warehouse version when
 * first asked for (api/plan-store.ts keeps each on disk beside the version, so every process
 * on that version reuses it); the largest, referrals by source, 42,232 cells, about 40 s under that load.
 * docs/methods/disclosure.md has the rules in plain English.
 *
 * Where the parts live: count-definitions.ts (definitions and linked definitions), lattice.ts (cells,
 * sums, block tables, sparse counts), lattice-plan.ts (`pinnedTotals`, `TotalBounds`, the published
 * figures, the solver), query.ts (the counts' SQL); this module keeps plans in the reader's cache (the
 * app's, api/appcache.ts: one per app, bounded, dropped with the warehouse version) and reads masks from them.
 */

export {definitionKey, denominatorDefinition, numeratorDefinition, type BreakdownSpec, type CountDefinition} from "./count-definitions.js";
export type {CoarsePeriod, Lattice, LatticeStats} from "./lattice.js";

// ---------------------------------------------------------------- plans

/**
 * The lattice of one count definition (and breakdown) for a disclosure policy, computed once per
 * warehouse version and plan (in the reader's cache; a new cache starts empty): audiences with another
 * primary threshold, or that are not shown the council's published figures, get plans of their own
 * and never share one. The plan is the definition's, not the asking indicator's: a viewer puts side
 * by side every table a definition's counts appear in (a referral count, the referral rate's
 * numerator, the re-referral rate's denominator), so they must all read one plan, whichever asked
 * first and in whichever process; its periods are those loaded for the definition's own extract.
 */
export function lattice(db: Reader, def: CountDefinition, breakdown?: BreakdownSpec, policy: DisclosurePolicy = SUPPRESSED_DEFAULT): Promise<Lattice> {
  return db.rememberPlan(`lattice|${planId(def, breakdown, policy)}`, async () => {
    const link = breakdown ? null : db.reference.counts.linkOf(def);
    if (link) return sliceOf(await lattice(db, link.base, link.breakdown, policy), def, link.values);
    const base = breakdown ? await lattice(db, def, undefined, policy) : null;
    // Solved once per warehouse version, not per process: kept on disk beside the version (api/plan-store.ts).
    return db.keptPlan({def, breakdown, policy, base}, () => buildLattice(db, def, breakdown, base, policy));
  });
}

// ---------------------------------------------------------------- masks

/** Where a count of a geography (and group: "all" for none) is in the lattice; null when no record ever falls in it, undefined when it is not a geography of the lattice. */
function locate(l: Lattice, geo: ResolvedGeography, group: string): {cell: string; suffix: string} | null | undefined {
  const g = geographyCell(l.geo, geo);
  if (g === null || g === undefined) return g;
  if (group === "all") return {cell: g, suffix: ""};
  if (!l.family) return {cell: g, suffix: `|${group}`};
  const c = l.geo.canonical.get(`${baseId(geo)}&${l.family === "ward" ? "w" : "a"}=${group}`);
  return c === null || c === undefined ? c : {cell: c, suffix: ""};
}

/** Whether the lattice hides a count: a cell of a geography, a period (of a type) and a group ("all" for none). */
export function isHidden(l: Lattice, geo: ResolvedGeography, type: PeriodType, period: Period, group: string): boolean {
  if (!l.time) return false;
  const at = locate(l, geo, group);
  if (at === null) return false; // no record ever falls in it: every count is 0
  if (at === undefined) return true; // not a geography of the lattice: never shown
  return cellHidden(l, at.cell, type, period, at.suffix);
}

/** Why every count of a geography and period type is withheld whatever its value (sparse counts planned by quarter or year below the borough); null when none is. */
export function withheldReason(l: Lattice, geo: ResolvedGeography, type: PeriodType): string | null {
  const cell = l.time ? geographyCell(l.geo, geo) : null;
  return typeof cell === "string" ? coarseReason(l, cell, type) : null;
}

/** The sources of a figure the council published that the lattice shows as public at this count; null when none. */
export function publishedSources(l: Lattice, geo: ResolvedGeography, type: PeriodType, period: Period, group: string): string[] | null {
  if (!l.time || !l.published.size || type === "rolling-12-months") return null;
  const at = locate(l, geo, group);
  const key = at ? periodKey(l.time, type, period.end) : null;
  return at && key ? l.published.get(`${at.cell}|${key}${at.suffix}`) ?? null : null;
}

/** Whether a breakdown withholds every group of a geography cell and period (a rolling 12 months: of any month in it). */
function blockWithheld(l: Lattice, cell: string, type: PeriodType, period: Period): boolean {
  if (!l.time || !l.withheld.size) return false;
  if (type === "rolling-12-months") {
    const e = monthIndex(period.end);
    for (let m = Math.max(e - 12, l.time.first); m <= Math.min(e, l.time.last); m++) if (l.withheld.has(`${cell}|m${m}`)) return true;
    return false;
  }
  const key = periodKey(l.time, type, period.end);
  return key !== null && l.withheld.has(`${cell}|${key}`);
}

/** Why a breakdown's group is `c` whatever its value (api/oba/withheld-blocks.ts); null when it is not withheld. */
export function groupWithheldReason(l: Lattice | null, geo: ResolvedGeography, type: PeriodType, period: Period): string | null {
  const cell = l?.time && !l.family ? geographyCell(l.geo, geo) : null;
  return typeof cell === "string" && blockWithheld(l!, cell, type, period) ? WITHHELD_BLOCK_REASON : null;
}

function cellHidden(l: Lattice, cell: string, type: PeriodType, period: Period, suffix = ""): boolean {
  if (!l.time) return false;
  if (coarseReason(l, cell, type)) return true;
  // A withheld block's groups are c whatever their values, zeros included.
  if (suffix && blockWithheld(l, cell, type, period)) return true;
  if (type === "rolling-12-months") {
    const e = monthIndex(period.end);
    for (let m = Math.max(e - 12, l.time.first); m <= Math.min(e, l.time.last); m++) if (l.hidden.has(`${cell}|m${m}${suffix}`)) return true;
    return false;
  }
  const key = periodKey(l.time, type, period.end);
  return key !== null && l.hidden.has(`${cell}|${key}${suffix}`);
}

/**
 * The cells of a ward table (api/targeting: `ward:<id>`, `total:borough`, `total:target`,
 * `total:rest`, `total:unknown` for records with no known ward) that the lattice hides for a
 * financial year, for the numerator and, for percentages, the denominator.
 */
export async function wardTableMask(db: Reader, ind: Indicator, la: string, setId: string, wards: readonly string[], period: Period,
  policy: DisclosurePolicy = SUPPRESSED_DEFAULT): Promise<{numerator: Set<string>; denominator: Set<string>}> {
  const numDef = numeratorDefinition(ind, la);
  const denDef = denominatorDefinition(ind, la);
  const [num, den] = await Promise.all([lattice(db, numDef, undefined, policy), denDef ? lattice(db, denDef, undefined, policy) : null]);
  const cells: [string, string][] = [
    ...wards.map((w): [string, string] => [`ward:${w}`, `ward:${w}`]),
    ["total:borough", "borough"], ["total:target", `target:${setId}`], ["total:rest", `rest:${setId}`], ["total:unknown", `borough&nowards`]
  ];
  const hiddenIn = (l: Lattice | null) => {
    const out = new Set<string>();
    if (!l) return out;
    for (const [id, raw] of cells) {
      const c = l.geo.canonical.get(raw);
      if (c === null) continue; // never holds a record
      if (c === undefined || cellHidden(l, c, "financial-year", period)) out.add(id);
    }
    return out;
  };
  return {numerator: hiddenIn(num), denominator: hiddenIn(den)};
}

/** The lattices a series publishes from (for a policy): numerator, and denominator when it is a count of children. */
export async function seriesMask(db: Reader, series: Series, policy: DisclosurePolicy = SUPPRESSED_DEFAULT): Promise<PointMask> {
  const ind = series.indicator;
  const la = series.geography.laCode;
  const b = series.breakdown ? ind.breakdowns[series.breakdown] : undefined;
  const numDef = numeratorDefinition(ind, la);
  const denDef = denominatorDefinition(ind, la);
  const [num, numB, den, denB] = await Promise.all([
    lattice(db, numDef, undefined, policy),
    b ? lattice(db, numDef, b, policy) : null,
    denDef ? lattice(db, denDef, undefined, policy) : null,
    denDef && b ? lattice(db, denDef, b, policy) : null
  ]);
  const groupsOf = new Set(series.groups);
  const check = (all: Lattice, byGroup: Lattice | null, p: InternalPoint) =>
    groupsOf.has(p) ? isHidden(byGroup ?? all, series.geography, series.period, p.period, p.group) : isHidden(all, series.geography, series.period, p.period, "all");
  const sources = (all: Lattice | null, byGroup: Lattice | null, p: InternalPoint) =>
    !all ? null : groupsOf.has(p) ? publishedSources(byGroup ?? all, series.geography, series.period, p.period, p.group) : publishedSources(all, series.geography, series.period, p.period, "all");
  const withheld = withheldReason(num, series.geography, series.period) ?? (den ? withheldReason(den, series.geography, series.period) : null);
  const groupWithheld = (p: InternalPoint) => groupsOf.has(p)
    ? groupWithheldReason(numB, series.geography, series.period, p.period) ?? groupWithheldReason(denB, series.geography, series.period, p.period)
    : null;
  const blocks = (numB?.withheld.size ?? 0) + (denB?.withheld.size ?? 0) > 0;
  return {
    numerator: (p) => check(num, numB, p),
    denominator: (p) => (den ? check(den, denB, p) : false),
    published: (p, which) => (which === "numerator" ? sources(num, numB, p) : sources(den, denB, p)),
    ...(withheld || blocks ? {withheld: (p: InternalPoint) => withheld ?? groupWithheld(p)} : {})
  };
}

/** How a series is published for an audience: with its policy's lattice mask when suppressed, nothing hidden when full. */
export async function publicationFor(db: Reader, series: Series, audience: Disclosure | DisclosurePolicy): Promise<PublishOptions> {
  const policy = policyOf(audience);
  return {disclosure: policy.disclosure, policy, mask: policy.disclosure === "full" ? null : await seriesMask(db, series, policy)};
}

/** Publishes a series for an audience (see {@link publicationFor}). */
export async function publishSeries(db: Reader, series: Series, disclosure: Disclosure | DisclosurePolicy): Promise<{totals: PublishedPoint[]; groups: PublishedPoint[]}> {
  return publishPoints(series.indicator, series.totals, series.groups, await publicationFor(db, series, disclosure));
}
