import {contractFor, type ExtractType} from "../../pipelines/contracts/extracts.js";
import {sqlIdent} from "../../pipelines/contracts/fields.js";
import type {Params as SqlParams} from "../../pipelines/warehouse/store.js";
import {suppress, type ConstraintGroup, type CountCell} from "../stats/suppress.js";
import {targetingMeasures} from "../targeting/measures.js";
import {AGE_BANDS, loadCatalogue, type Filter, type Indicator, type PeriodType} from "./catalogue.js";
import {planKey, policyOf, SUPPRESSED_DEFAULT, type Disclosure, type DisclosurePolicy} from "./policy.js";
import {describeFigure, figureGeographyId, figurePeriod, publishedFigures, type PublishedFigure} from "./published-figures.js";
import {
  and, coverage, filterSql, groupSql, Params, publishPoints,
  type InternalPoint, type Period, type PointMask, type PublishedPoint, type PublishOptions, type Queryable, type ResolvedGeography, type Series
} from "./series.js";

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
 * as a union cell (see "linked definitions"). A total is hidden up front when some breakdown's groups
 * under it are all 1 (see `pinnedTotals`).
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
 * lattices, 865,810 cells, 735,907 constraint groups): about 1,400 s in all on a shared 2-core
 * machine under heavy load (320 s at a quieter moment), each computed once per warehouse version when
 * first asked for; the largest, referrals by source, 42,232 cells, about 40 s under that load.
 * docs/methods/disclosure.md has the rules in plain English.
 */

// ---------------------------------------------------------------- count definitions

export interface CountDefinition {
  la: string;
  extract: ExtractType;
  kind: "event" | "snapshot";
  date: string;
  end: string | null;
  areaField: string | null;
  filter: Filter[];
}

export interface BreakdownSpec {
  field?: string;
  derived?: string;
}

const canonicalFilters = (fs: readonly Filter[]) =>
  fs.map((f) => JSON.stringify([f.field ?? null, f.derived ?? null, f.op, f.value ?? null])).sort();

export function definitionKey(d: CountDefinition): string {
  return JSON.stringify([d.la, d.extract, d.kind, d.date, d.end, d.areaField, canonicalFilters(d.filter)]);
}

/** What the indicator's numerator counts, in authority `la`. */
export function numeratorDefinition(ind: Indicator, la: string): CountDefinition {
  const n = ind.numerator;
  return {la, extract: n.extract, kind: n.kind, date: n.date, end: n.end ?? null, areaField: n.areaField ?? null, filter: n.filter};
}

/** What the denominator counts when it is itself a count of records (percentages); null otherwise. */
export function denominatorDefinition(ind: Indicator, la: string): CountDefinition | null {
  const d = ind.denominator;
  if (d.kind !== "extract") return null;
  return {...numeratorDefinition(ind, la), filter: d.filter};
}

/** Every indicator that publishes counts: the catalogue and the ward-targeting measures. */
function publishers(): Indicator[] {
  const catalogue = loadCatalogue();
  return [...catalogue.indicators, ...targetingMeasures(catalogue).filter((m) => m.source === "targeting").map((m) => m.indicator)];
}

/** The breakdowns (other than ward and area) under which any indicator publishes this definition's counts. */
function breakdownsOf(def: CountDefinition, ind: Indicator): BreakdownSpec[] {
  const key = definitionKey(def);
  const out = new Map<string, BreakdownSpec>();
  for (const i of [ind, ...publishers()]) {
    const d = [numeratorDefinition(i, def.la), denominatorDefinition(i, def.la)];
    if (!d.some((x) => x !== null && definitionKey(x) === key)) continue;
    for (const b of Object.values(i.breakdowns)) if (!breakdownFamily(def, b)) out.set(breakdownKey(b), {field: b.field, derived: b.derived});
  }
  return [...out.values()];
}

const breakdownKey = (b: BreakdownSpec | undefined) => (b ? JSON.stringify([b.field ?? null, b.derived ?? null]) : "none");

/** A ward or area breakdown publishes cells of the geography lattice; anything else gets its own. */
function breakdownFamily(def: CountDefinition, b: BreakdownSpec): "ward" | "area" | null {
  if (b.field === "ward") return "ward";
  if (def.areaField ? b.field === def.areaField : b.derived === "area") return "area";
  return null;
}

// ---------------------------------------------------------------- linked definitions

/**
 * A definition that is another one narrowed by a filter on one of that one's breakdowns (referrals to
 * assessment are the referrals whose outcome is an initial or single assessment; domestic-violence
 * referrals are the referrals whose concern is domestic violence; infants entering care are the
 * children starting care in the age band under 1) publishes the sum of some of that breakdown's
 * groups. Its counts live in that breakdown's lattice as a union cell, so that both are protected
 * together; otherwise one table's secondary cells could be read off the other.
 */
interface Link {
  base: CountDefinition;
  breakdown: BreakdownSpec;
  values: string[];
}

const unionId = (values: readonly string[]) => `\u222a${[...values].sort().join("+")}`;

/** The breakdown groups an age filter selects when it selects whole age bands (age < 1 is "under 1"). */
function ageBands(f: Filter): string[] | null {
  const v = f.value;
  const test = (a: number): boolean | null => {
    switch (f.op) {
      case "lt": return a < (v as number);
      case "le": return a <= (v as number);
      case "gt": return a > (v as number);
      case "ge": return a >= (v as number);
      case "eq": return a === v;
      case "in": return (v as number[]).includes(a);
      default: return null;
    }
  };
  const bands: string[] = [];
  for (const b of AGE_BANDS) {
    const pass = Array.from({length: b.max - b.min + 1}, (_, i) => test(b.min + i));
    if (pass.some((x) => x === null)) return null;
    if (pass.every(Boolean)) bands.push(b.band);
    else if (pass.some(Boolean)) return null;
  }
  return bands.length ? bands : null;
}

/** The groups of breakdown `b` a filter selects, or null when it is not a choice of its groups. */
function filterValues(f: Filter, b: BreakdownSpec): string[] | null {
  if (f.derived === "age" && b.derived === "age_band") return ageBands(f);
  const same = f.field !== undefined ? f.field === b.field : f.derived !== undefined && f.derived === b.derived;
  if (!same) return null;
  if (f.op === "eq") return [String(f.value)];
  if (f.op === "in") return (f.value as unknown[]).map(String);
  return null;
}

const links = new Map<string, Link | null>();

/** The definition and breakdown `def` narrows by one filter, when some indicator publishes that breakdown. */
function linkOf(def: CountDefinition): Link | null {
  const key = definitionKey(def);
  if (links.has(key)) return links.get(key)!;
  let found: Link | null = null;
  const mine = canonicalFilters(def.filter);
  search: for (const i of publishers()) {
    for (const b of [numeratorDefinition(i, def.la), denominatorDefinition(i, def.la)]) {
      if (!b || b.extract !== def.extract || b.kind !== def.kind || b.date !== def.date || b.end !== def.end || b.areaField !== def.areaField) continue;
      const theirs = canonicalFilters(b.filter);
      if (theirs.length !== mine.length - 1 || !theirs.every((x) => mine.includes(x))) continue;
      const extra = def.filter.find((f) => !theirs.includes(canonicalFilters([f])[0]));
      if (!extra) continue;
      for (const bd of Object.values(i.breakdowns)) {
        if (breakdownFamily(b, bd)) continue;
        const values = filterValues(extra, bd);
        if (values) {
          found = {base: b, breakdown: {field: bd.field, derived: bd.derived}, values};
          break search;
        }
      }
    }
  }
  links.set(key, found);
  return found;
}

/** The linked definitions whose counts are unions of groups of (`def`, `b`). */
function unionsOf(def: CountDefinition, b: BreakdownSpec): {id: string; values: string[]; def: CountDefinition}[] {
  const out = new Map<string, {id: string; values: string[]; def: CountDefinition}>();
  const key = definitionKey(def);
  for (const i of publishers()) {
    for (const d of [numeratorDefinition(i, def.la), denominatorDefinition(i, def.la)]) {
      const l = d && linkOf(d);
      if (!d || !l || definitionKey(l.base) !== key || breakdownKey(l.breakdown) !== breakdownKey(b)) continue;
      const id = unionId(l.values);
      if (!out.has(id)) out.set(id, {id, values: l.values, def: d});
    }
  }
  return [...out.values()];
}

// ---------------------------------------------------------------- geography

interface GeoModel {
  la: string;
  wards: string[];
  wardArea: Map<string, string | null>;
  areas: string[];
  sets: {id: string; wards: Set<string>}[];
}

async function geoModel(db: Queryable, la: string): Promise<GeoModel> {
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

/** A leaf: the finest geography a record has (its ward as recorded, and the area that places it). */
interface Leaf {
  key: string;
  ward: string;
  area: string;
  known: boolean;
}

type Pred = (l: Leaf) => boolean;

/**
 * The geography cells: each base geography intersected with each ward, area and target-status
 * group, deduplicated by the leaves they contain (two cells with the same leaves are one count and
 * one id: `canonical`). `families` are the exact partitions a reader can add up.
 */
interface GeoCells {
  /** Canonical cell ids in a fixed order. */
  cells: string[];
  /** Any cell id (base or intersection) → its canonical id, or null when it holds no records. */
  canonical: Map<string, string | null>;
  /** Leaf key → canonical cells that contain it. */
  cellsOfLeaf: Map<string, string[]>;
  families: {parts: string[]; total: string}[];
}

function geoCells(geo: GeoModel, leaves: Leaf[]): GeoCells {
  const base: [string, Pred][] = [
    ["borough", () => true],
    ...geo.wards.map((w): [string, Pred] => [`ward:${w}`, (l) => l.ward === w]),
    ...geo.areas.map((a): [string, Pred] => [`area:${a}`, (l) => l.area === a]),
    ...geo.sets.flatMap((s): [string, Pred][] => [[`target:${s.id}`, (l) => l.known && s.wards.has(l.ward)], [`rest:${s.id}`, (l) => l.known && !s.wards.has(l.ward)]])
  ];
  const wardValues = [...new Set(leaves.map((l) => l.ward))].sort();
  const areaValues = [...new Set(leaves.map((l) => l.area))].sort();
  const partitions: {name: string; parts: [string, Pred][]}[] = [
    {name: "ward", parts: wardValues.map((v): [string, Pred] => [`w=${v}`, (l) => l.ward === v])},
    {name: "area", parts: areaValues.map((v): [string, Pred] => [`a=${v}`, (l) => l.area === v])},
    ...geo.sets.map((s) => ({name: `set ${s.id}`, parts: [
      [`tgt=${s.id}`, (l: Leaf) => l.known && s.wards.has(l.ward)],
      [`rest=${s.id}`, (l: Leaf) => l.known && !s.wards.has(l.ward)],
      ["nowards", (l: Leaf) => !l.known]
    ] as [string, Pred][]}))
  ];
  const bySignature = new Map<string, string>();
  const canonical = new Map<string, string | null>();
  const members = new Map<string, Leaf[]>();
  const queue: string[] = [];
  const register = (id: string, mine: Leaf[]): string | null => {
    if (!mine.length) {
      canonical.set(id, null);
      return null;
    }
    const sig = mine.map((l) => l.key).join("\u0002");
    let c = bySignature.get(sig);
    if (!c) {
      bySignature.set(sig, (c = id));
      members.set(c, mine);
      queue.push(c);
    }
    canonical.set(id, c);
    return c;
  };
  for (const [id, pred] of base) register(id, leaves.filter(pred));
  // Every cell split by every partition, until no new cell appears (the wards of an area, the target
  // wards of an area, the wards of those, …): each split is an exact sum a reader can use.
  const families = new Map<string, {parts: string[]; total: string}>();
  for (let i = 0; i < queue.length; i++) {
    const total = queue[i];
    const mine = members.get(total)!;
    for (const part of partitions) {
      const parts = [...new Set(part.parts.map(([h, hp]) => register(`${total}&${h}`, mine.filter(hp))).filter((c): c is string => c !== null))];
      if (parts.length < 2) continue;
      const key = `${total}=${[...parts].sort().join("+")}`;
      if (!families.has(key)) families.set(key, {parts, total});
    }
  }
  // Base geographies' intersections are looked up by their written ids (`area:central&w=biscot`).
  for (const [g, gp] of base) {
    const c = canonical.get(g);
    for (const part of partitions) {
      for (const [h, hp] of part.parts) {
        const id = `${g}&${h}`;
        if (canonical.has(id)) continue;
        if (c === null) canonical.set(id, null);
        else register(id, leaves.filter((l) => gp(l) && hp(l)));
      }
    }
  }
  const cells = [...members.keys()];
  const cellsOfLeaf = new Map<string, string[]>();
  for (const c of cells) for (const l of members.get(c)!) (cellsOfLeaf.get(l.key) ?? cellsOfLeaf.set(l.key, []).get(l.key)!).push(c);
  return {cells, canonical, cellsOfLeaf, families: [...families.values()]};
}

const baseId = (geo: ResolvedGeography) => geo.type === "borough" ? "borough"
  : geo.type === "area" ? `area:${geo.code}`
  : geo.type === "ward" ? `ward:${geo.code}`
  : geo.type === "target-wards" ? `target:${geo.code}` : `rest:${geo.code}`;

/** The lattice cell a resolved geography publishes (its canonical id), null when it holds no records, undefined when unknown. */
function geographyCell(g: GeoCells, geo: ResolvedGeography): string | null | undefined {
  return g.canonical.get(baseId(geo));
}

// ---------------------------------------------------------------- periods

/** Month index (months since year 0) of an ISO date. */
const monthIndex = (date: string) => {
  const [y, m] = date.split("-").map(Number);
  return y * 12 + (m - 1);
};

interface TimeModel {
  kind: "event" | "snapshot";
  first: number;
  last: number;
}

/** The lattice key of a period: its type and last month (a snapshot's quarter or year is its last month). */
function periodKey(time: TimeModel, type: PeriodType, end: string): string | null {
  const e = monthIndex(end);
  if (time.kind === "snapshot") return `m${e}`;
  switch (type) {
    case "month": return `m${e}`;
    case "quarter": return `q${e}`;
    case "financial-year": return `y${e}`;
    case "rolling-12-months": return null;
  }
}

interface Block {
  /** Period keys with, for each, the months it adds up. */
  periods: {key: string; months: number[]}[];
  families: {parts: string[]; total: string}[];
}

/** Events: one block per financial year (12 months, 4 quarters, the year). Snapshots: one per month. */
function blocksOf(time: TimeModel): Block[] {
  const out: Block[] = [];
  if (time.kind === "snapshot") {
    for (let m = time.first; m <= time.last; m++) out.push({periods: [{key: `m${m}`, months: [m]}], families: []});
    return out;
  }
  // Coverage runs April to March; a partial year (never produced by the loader) is still blocked by its March.
  for (let start = time.first; start <= time.last; start += 12) {
    const end = Math.min(start + 11, time.last);
    const months = Array.from({length: end - start + 1}, (_, i) => start + i);
    const periods = months.map((m) => ({key: `m${m}`, months: [m]}));
    const families: {parts: string[]; total: string}[] = [];
    const quarters: string[] = [];
    for (let q = start; q + 2 <= end; q += 3) {
      const key = `q${q + 2}`;
      periods.push({key, months: [q, q + 1, q + 2]});
      families.push({parts: [`m${q}`, `m${q + 1}`, `m${q + 2}`], total: key});
      quarters.push(key);
    }
    if (months.length === 12) {
      const key = `y${end}`;
      periods.push({key, months});
      families.push({parts: quarters, total: key}, {parts: months.map((m) => `m${m}`), total: key});
    }
    out.push({periods, families});
  }
  return out;
}


// ---------------------------------------------------------------- sparse counts

/** The period geographies below the borough are planned at when a definition's ward counts are sparse. */
export type CoarsePeriod = "quarter" | "financial-year";

/** A period key's level: month, quarter or financial year. */
const periodLevel = (key: string): 0 | 1 | 2 => (key[0] === "m" ? 0 : key[0] === "q" ? 1 : 2);
const LEVEL_OF: Record<CoarsePeriod, 1 | 2> = {"quarter": 1, "financial-year": 2};

/** Above this share of a ward layer's non-zero counts being small (1 to primaryMax), the layer is too sparse to plan. */
const SPARSE_SHARE = 0.5;

/**
 * The finest period at which the wards of an event definition are mostly not small counts: null
 * (months) when most non-zero ward-months are above the policy's threshold, else quarters when most
 * ward-quarters are, else financial years. When most ward-months are 1 to 5, each shown borough month
 * pins its hidden wards (every one at least 1) and protecting them hides the borough's own months,
 * quarters and year; planning wards, areas and the target wards only by quarter or year keeps the
 * borough's figures and withholds ward figures that would mostly be c anyway. Decided from the whole
 * loaded history, so it says nothing about any one count. Snapshots (counts at a date) are planned
 * by month.
 */
function wardPeriod(time: TimeModel, model: GeoModel, g: GeoCells, blocks: readonly Block[], monthly: ReadonlyMap<string, number>, primaryMax: number): CoarsePeriod | null {
  if (time.kind !== "event") return null;
  const wards = [...new Set(model.wards.map((w) => g.canonical.get(`ward:${w}`)).filter((c): c is string => typeof c === "string"))];
  const sparse = (level: 0 | 1) => {
    let nonZero = 0;
    let small = 0;
    for (const block of blocks) {
      for (const p of block.periods) {
        if (periodLevel(p.key) !== level) continue;
        for (const c of wards) {
          let n = 0;
          for (const m of p.months) n += monthly.get(`${c}|m${m}`) ?? 0;
          if (n <= 0) continue;
          nonZero++;
          if (n <= primaryMax) small++;
        }
      }
    }
    return nonZero > 0 && small / nonZero > SPARSE_SHARE;
  };
  if (!sparse(0)) return null;
  return sparse(1) ? "financial-year" : "quarter";
}

/** Whether a cell of the lattice is planned: the borough at every period, other geographies at `coarse` or coarser. */
function plannedIn(g: GeoCells, coarse: CoarsePeriod | null): (cell: string, key: string) => boolean {
  if (!coarse) return () => true;
  const borough = g.canonical.get("borough");
  return (cell, key) => cell === borough || periodLevel(key) >= LEVEL_OF[coarse];
}

const COARSE_LABEL: Record<CoarsePeriod, string> = {"quarter": "by quarter", "financial-year": "by financial year"};

/**
 * Why a count of a sparse definition is withheld whatever its value: a geography below the borough
 * at a period finer than the plan holds it (a rolling 12 months is a difference of months away from
 * a month). Null when the plan holds the period.
 */
function coarseReason(l: Lattice, cell: string, type: PeriodType): string | null {
  if (!l.coarse || !l.time || l.time.kind !== "event" || cell === l.geo.canonical.get("borough")) return null;
  const level = type === "month" || type === "rolling-12-months" ? 0 : type === "quarter" ? 1 : 2;
  if (level >= LEVEL_OF[l.coarse]) return null;
  return `too few records to publish by ${type === "rolling-12-months" ? "rolling 12 months" : type.replace("-", " ")} below the borough: published for wards and areas ${COARSE_LABEL[l.coarse]} only`;
}

// ---------------------------------------------------------------- the lattice

export interface LatticeStats {
  definition: string;
  la: string;
  breakdown: string;
  blocks: number;
  cells: number;
  groups: number;
  primary: number;
  secondary: number;
  /** Totals hidden because every group under them is 1 in some breakdown (the groups' c would each be known to be 1). */
  pinned: number;
  /** Groups or cells `suppress` could not protect (should be empty). */
  unprotected: string[];
  millis: number;
  /** For a linked definition: the breakdown lattice whose union cells it publishes. */
  linkedTo?: string;
}

export interface Lattice {
  stats: LatticeStats;
  time: TimeModel | null;
  geo: GeoCells;
  family: "ward" | "area" | null;
  /** Hidden cells: `${geoCell}|${periodKey}` (no breakdown) or `${geoCell}|${periodKey}|${group}`. */
  hidden: Set<string>;
  /** Cells shown because the council published them (equal to the warehouse), with the sources. */
  published: Map<string, string[]>;
  /**
   * For sparse counts, the finest period at which geographies below the borough are in the plan
   * (`wardPeriod`); null when they are planned by month like the borough.
   */
  coarse: CoarsePeriod | null;
}

interface LeafRow {
  m: number;
  w: string;
  a: string;
  grp: string;
  n: number;
}

async function leafRows(db: Queryable, def: CountDefinition, time: TimeModel, breakdown: BreakdownSpec | undefined): Promise<LeafRow[]> {
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

function leafOf(geo: GeoModel, def: CountDefinition, r: {w: string; a: string}): Leaf {
  const known = geo.wardArea.has(r.w);
  const area = def.areaField ? r.a : (known ? geo.wardArea.get(r.w) ?? "unknown" : "unknown");
  return {key: `${r.w}\u0001${area}`, ward: r.w, area, known};
}

interface Solved {
  hidden: Set<string>;
  cells: number;
  groups: number;
  primary: number;
  secondary: number;
  unprotected: string[];
}

function solve(cells: CountCell[], groups: ConstraintGroup[], acc: Solved, primaryMax: number): void {
  if (!cells.length) return;
  const r = suppress({cells, groups}, {batch: true, prefer: "pairing", primaryMax});
  acc.cells += cells.length;
  acc.groups += groups.length;
  acc.primary += r.primary.length;
  const forced = new Set(cells.filter((c) => c.hidden).map((c) => c.id));
  acc.secondary += r.secondary.filter((id) => !forced.has(id)).length;
  for (const id of r.primary) acc.hidden.add(id);
  for (const id of r.secondary) acc.hidden.add(id);
  acc.unprotected.push(...r.unprotected);
  // CURVE_DISCLOSURE_DEBUG=1 prints the groups around anything suppress could not protect.
  if (process.env.CURVE_DISCLOSURE_DEBUG && r.unprotected.length) {
    const hid = new Set([...r.primary, ...r.secondary]);
    const byId = new Map(cells.map((c) => [c.id, c]));
    const show = (id: string) => `${id}=${byId.get(id)?.count}${hid.has(id) ? "H" : ""}${byId.get(id)?.keep ? "K" : ""}${byId.get(id)?.hidden ? "F" : ""}`;
    for (const u of r.unprotected.slice(0, 3)) {
      const cell = u.startsWith("cell ") ? u.slice(5) : null;
      const gs = cell ? groups.filter((g) => g.total === cell || g.parts.includes(cell)) : groups.filter((g) => g.id === u);
      console.log("UNPROTECTED", u);
      for (const g of gs) console.log("   ", g.id, ":", show(g.total!), "=", g.parts.map(show).join(" + "));
    }
  }
}

/**
 * Adds the cells of one block: counts by (geography cell, period key[, group]), dropping zeros (a
 * zero is shown as 0 and never hidden, so it neither helps nor hurts), and the groups over them.
 */
function blockTable(
  block: Block, geo: GeoCells, monthly: Map<string, number>, suffix: string,
  cells: CountCell[], groups: ConstraintGroup[], extra: (id: string) => Partial<CountCell> = () => ({}), planned: (cell: string, key: string) => boolean = () => true
): void {
  const present = new Set<string>();
  for (const c of geo.cells) {
    for (const p of block.periods) {
      if (!planned(c, p.key)) continue;
      let n = 0;
      for (const m of p.months) n += monthly.get(`${c}|m${m}${suffix}`) ?? 0;
      if (n <= 0) continue;
      const id = `${c}|${p.key}${suffix}`;
      present.add(id);
      cells.push({id, count: n, ...extra(id)});
    }
  }
  const add = (kind: string, parts: string[], total: string) => {
    if (!present.has(total)) return;
    const ps = parts.filter((p) => present.has(p));
    if (ps.length) groups.push({id: `${kind} ${total}`, parts: ps, total});
  };
  for (const p of block.periods) for (const f of geo.families) add("geography", f.parts.map((c) => `${c}|${p.key}${suffix}`), `${f.total}|${p.key}${suffix}`);
  for (const c of geo.cells) for (const f of block.families) add("period", f.parts.map((k) => `${c}|${k}${suffix}`), `${c}|${f.total}${suffix}`);
}

async function buildLattice(db: Queryable, def: CountDefinition, extractInd: Indicator, breakdown: BreakdownSpec | undefined, base: Lattice | null, policy: DisclosurePolicy): Promise<Lattice> {
  const t0 = performance.now();
  const geo = await geoModel(db, def.la);
  const cov = await coverage(db, extractInd, def.la);
  const stats = (s: Solved, time: TimeModel | null, g: GeoCells, blocks: number, family: Lattice["family"]): Lattice => ({
    stats: {definition: definitionKey(def), la: def.la, breakdown: breakdownKey(breakdown), blocks, cells: s.cells, groups: s.groups, primary: s.primary,
      secondary: s.secondary, pinned: pinned.size, unprotected: [...new Set(s.unprotected)], millis: Math.round(performance.now() - t0)},
    time, geo: g, family, hidden: s.hidden, published: exempt.published, coarse
  });
  const acc: Solved = {hidden: new Set(), cells: 0, groups: 0, primary: 0, secondary: 0, unprotected: []};
  const pinned = new Set<string>();
  const exempt = new Exemptions();
  const family = breakdown ? breakdownFamily(def, breakdown) : null;
  let coarse: CoarsePeriod | null = null;
  if (!cov) return stats(acc, null, geoCells(geo, []), 0, family);
  const time: TimeModel = {kind: def.kind, first: monthIndex(cov.from), last: monthIndex(cov.to)};
  if (family && base) {
    // Ward and area breakdowns publish geography cells: the plan is the geography lattice's.
    return {...base, stats: {...base.stats, breakdown: breakdownKey(breakdown), millis: Math.round(performance.now() - t0)}, family};
  }
  const rows = await leafRows(db, def, time, family ? undefined : breakdown);
  const leafMap = new Map<string, Leaf>();
  for (const r of rows) {
    const l = leafOf(geo, def, r);
    if (!leafMap.has(l.key)) leafMap.set(l.key, l);
  }
  // Leaves of the base lattice too, so a breakdown's geography cells are the same ids.
  const g = base ? base.geo : geoCells(geo, [...leafMap.values()].sort((x, y) => x.key.localeCompare(y.key)));
  const monthly = new Map<string, number>();
  const groupsSeen = new Set<string>();
  for (const r of rows) {
    const l = leafOf(geo, def, r);
    const suffix = breakdown ? `|${r.grp}` : "";
    if (breakdown) groupsSeen.add(r.grp);
    for (const c of g.cellsOfLeaf.get(l.key) ?? []) {
      const k = `${c}|m${r.m}${suffix}`;
      monthly.set(k, (monthly.get(k) ?? 0) + r.n);
      if (breakdown) monthly.set(`${c}|m${r.m}`, (monthly.get(`${c}|m${r.m}`) ?? 0) + r.n);
    }
  }
  const blocks = blocksOf(time);
  // A breakdown is planned at its totals' periods.
  coarse = base ? base.coarse : wardPeriod(time, geo, g, blocks, monthly, policy.primaryMax);
  const planned = plannedIn(g, coarse);
  // Every plan that holds a total knows what all of its breakdowns tell a reader about it.
  const bounds: TotalBounds = new Map();
  const basePinned = await pinnedTotals(db, def, extractInd, time, geo, g, blocks, policy.primaryMax, bounds);
  if (!breakdown) for (const id of basePinned) pinned.add(id);
  // Linked definitions (a filter on this breakdown's groups): their counts are union cells here.
  const unions = breakdown && !family ? unionsOf(def, breakdown) : [];
  // (A union cell's own breakdowns' floors are left out: on the demo warehouse they left primary
  // cells unprotectable and hid the borough's yearly referrals to assessment; see the docs.)
  for (const u of unions) for (const id of await pinnedTotals(db, u.def, extractInd, time, geo, g, blocks, policy.primaryMax)) pinned.add(`${id}|${u.id}`);
  if (policy.showPublished) exempt.find(def, breakdown, unions, g, time);
  if (unions.length) {
    for (const r of rows) {
      const l = leafOf(geo, def, r);
      for (const u of unions) {
        if (!u.values.includes(r.grp)) continue;
        for (const c of g.cellsOfLeaf.get(l.key) ?? []) {
          const k = `${c}|m${r.m}|${u.id}`;
          monthly.set(k, (monthly.get(k) ?? 0) + r.n);
        }
      }
    }
  }
  for (const block of blocks) {
    const cells: CountCell[] = [];
    const groups: ConstraintGroup[] = [];
    if (!breakdown) {
      blockTable(block, g, monthly, "", cells, groups, (id) => ({...boundFields(bounds, id), ...(pinned.has(id) ? {hidden: true} : {})}), planned);
    } else {
      // The totals keep the plan of the lattice without a breakdown.
      blockTable(block, g, monthly, "", cells, groups, (id) => ({...boundFields(bounds, id), ...(base!.hidden.has(id) ? {hidden: true} : {keep: true})}), planned);
      const values = [...groupsSeen].sort();
      for (const v of values) blockTable(block, g, monthly, `|${v}`, cells, groups, undefined, planned);
      const ids = new Set(cells.map((c) => c.id));
      for (const c of g.cells) {
        for (const p of block.periods) {
          const total = `${c}|${p.key}`;
          if (!ids.has(total)) continue;
          const parts = values.map((v) => `${total}|${v}`).filter((id) => ids.has(id));
          if (parts.length) groups.push({id: `breakdown ${total}`, parts, total});
        }
      }
      for (const u of unions) {
        blockTable(block, g, monthly, `|${u.id}`, cells, groups, (id) => (pinned.has(id) ? {hidden: true} : {}), planned);
        const present = new Set(cells.map((c) => c.id));
        for (const c of g.cells) {
          for (const p of block.periods) {
            const total = `${c}|${p.key}|${u.id}`;
            if (!present.has(total)) continue;
            const parts = u.values.map((v) => `${c}|${p.key}|${v}`).filter((id) => present.has(id));
            if (parts.length) groups.push({id: `link ${total}`, parts, total});
          }
        }
      }
    }
    exempt.mark(cells);
    solve(cells, groups, acc, policy.primaryMax);
  }
  exempt.warnMissing();
  // The totals' own hidden cells belong to the base plan; a breakdown lattice records only its groups.
  if (breakdown) for (const id of [...acc.hidden]) if (id.split("|").length === 2) acc.hidden.delete(id);
  return stats(acc, time, g, blocks.length, family);
}

/**
 * Totals to hide because every group under them is 1 in some breakdown (six or more groups): each
 * group's c is at least 1 and they add up to the total, so a shown total would give every group away.
 * Hidden in the lattice without a breakdown, a breakdown's lattice (which keeps every shown total)
 * never meets one.
 */
async function pinnedTotals(db: Queryable, def: CountDefinition, ind: Indicator, time: TimeModel, geo: GeoModel, g: GeoCells, blocks: Block[], primaryMax: number, bounds?: TotalBounds): Promise<Set<string>> {
  const pinned = new Set<string>();
  for (const b of breakdownsOf(def, ind)) {
    const byMonth = new Map<string, Map<string, number>>();
    for (const r of await leafRows(db, def, time, b)) {
      for (const c of g.cellsOfLeaf.get(leafOf(geo, def, r).key) ?? []) {
        const k = `${c}|m${r.m}`;
        const m = byMonth.get(k) ?? byMonth.set(k, new Map()).get(k)!;
        m.set(r.grp, (m.get(r.grp) ?? 0) + r.n);
      }
    }
    for (const block of blocks) {
      for (const c of g.cells) {
        for (const p of block.periods) {
          const sum = new Map<string, number>();
          for (const m of p.months) for (const [v, n] of byMonth.get(`${c}|m${m}`) ?? []) sum.set(v, (sum.get(v) ?? 0) + n);
          const counts = [...sum.values()].filter((n) => n > 0);
          if (counts.length > primaryMax && counts.every((n) => n === 1)) pinned.add(`${c}|${p.key}`);
          if (bounds) noteBreakdown(bounds, `${c}|${p.key}`, counts);
        }
      }
    }
  }
  return pinned;
}

/**
 * What a reader learns about a hidden total from its breakdowns, whatever their plans show (rule 6):
 * with k non-zero groups (each shown, or `c` and so at least 1) the total is at least k; and when
 * every group of some breakdown is 1, knowing the total exactly gives each group away, so its range
 * must stay as wide as a primary cell's. Both go into every plan that holds the total.
 */
type TotalBounds = Map<string, {floor: number; ones: boolean}>;

function noteBreakdown(bounds: TotalBounds, id: string, counts: readonly number[]): void {
  if (counts.length < 2) return;
  const b = bounds.get(id) ?? bounds.set(id, {floor: 1, ones: false}).get(id)!;
  b.floor = Math.max(b.floor, counts.length);
  if (counts.every((n) => n === 1)) b.ones = true;
}

/** The cell fields that carry a total's bounds from its breakdowns into a suppression table. */
function boundFields(bounds: TotalBounds, id: string): Partial<CountCell> {
  const b = bounds.get(id);
  return b ? {floor: b.floor, ...(b.ones ? {protect: true} : {})} : {};
}

// ---------------------------------------------------------------- the council's published figures

/**
 * The figures the council has published (api/oba/published-figures.ts) that are cells of one
 * lattice. Each is marked `keep` — public: never hidden, neither primary nor secondary, and the plan
 * chooses the other hidden cells knowing a reader has it (a pinned total it is drops its pin) — when
 * the warehouse holds exactly the published number. When it does not, the cell stays an ordinary
 * one and a warning names the entry: a number that differs from the data is never shown.
 */
class Exemptions {
  /** Exempted cell → the sources that published it. */
  readonly published = new Map<string, string[]>();
  private readonly wanted = new Map<string, {figures: PublishedFigure[]; seen: boolean}>();

  /** The figures that are cells of this lattice (a total, a breakdown group or a linked definition's union cell). */
  find(def: CountDefinition, breakdown: BreakdownSpec | undefined, unions: {id: string; def: CountDefinition}[], g: GeoCells, time: TimeModel): void {
    const catalogue = loadCatalogue();
    for (const f of publishedFigures()) {
      const ind = catalogue.byId.get(f.indicator);
      if (f.laCode !== def.la || !ind) continue;
      const counted = f.figure === "numerator" ? numeratorDefinition(ind, def.la) : denominatorDefinition(ind, def.la);
      if (!counted) continue;
      const key = definitionKey(counted);
      let suffix: string | null = null;
      if (!breakdown) {
        if (!f.breakdown && key === definitionKey(def)) suffix = "";
      } else if (f.breakdown) {
        if (key === definitionKey(def) && breakdownKey(ind.breakdowns[f.breakdown.name]) === breakdownKey(breakdown)) suffix = `|${f.breakdown.group}`;
      } else {
        const u = unions.find((x) => definitionKey(x.def) === key);
        if (u) suffix = `|${u.id}`;
      }
      if (suffix === null) continue;
      const cell = g.canonical.get(figureGeographyId(f));
      const period = figurePeriod(f);
      const pk = periodKey(time, period.type, period.end);
      if (cell === undefined || pk === null) {
        warnNotExempt(f, "no such geography in the warehouse");
        continue;
      }
      if (cell === null) {
        if (f.value !== 0) warnNotExempt(f, "the warehouse holds no such records");
        continue;
      }
      const id = `${cell}|${pk}${suffix}`;
      const w = this.wanted.get(id) ?? this.wanted.set(id, {figures: [], seen: false}).get(id)!;
      w.figures.push(f);
    }
  }

  /** Marks the block's cells that are published figures equal to the warehouse's count. */
  mark(cells: CountCell[]): void {
    if (!this.wanted.size) return;
    for (const c of cells) {
      const w = this.wanted.get(c.id);
      if (!w) continue;
      w.seen = true;
      const differ = w.figures.filter((f) => f.value !== c.count);
      for (const f of differ) warnNotExempt(f, "it differs from the warehouse's count");
      if (differ.length) continue;
      c.keep = true;
      delete c.hidden;
      this.published.set(c.id, [...new Set(w.figures.map((f) => f.source))]);
    }
  }

  /** Figures whose cell held no record (a zero, or outside the loaded periods) cannot be the published number unless it is 0. */
  warnMissing(): void {
    for (const w of this.wanted.values()) if (!w.seen) for (const f of w.figures) if (f.value !== 0) warnNotExempt(f, "the warehouse holds no such records");
  }
}

function warnNotExempt(f: PublishedFigure, why: string): void {
  console.warn(`published-figures.json: ${describeFigure(f)} is not exempt from suppression: ${why}`);
}

/** A linked definition's lattice: the union cells of its base's breakdown lattice. */
function sliceOf(parent: Lattice, def: CountDefinition, values: readonly string[]): Lattice {
  const suffix = `|${unionId(values)}`;
  const hidden = new Set<string>();
  for (const id of parent.hidden) if (id.endsWith(suffix)) hidden.add(id.slice(0, -suffix.length));
  const published = new Map<string, string[]>();
  for (const [id, sources] of parent.published) if (id.endsWith(suffix)) published.set(id.slice(0, -suffix.length), sources);
  return {
    stats: {...parent.stats, definition: definitionKey(def), breakdown: "none", linkedTo: `${parent.stats.definition} ${parent.stats.breakdown} ${values.join("+")}`},
    time: parent.time, geo: parent.geo, family: null, hidden, published, coarse: parent.coarse
  };
}

// ---------------------------------------------------------------- cache

const cache = new Map<string, Promise<Lattice>>();
const CACHE_LIMIT = 256;

async function versionKey(db: Queryable): Promise<string | null> {
  const w = db as Queryable & {currentVersion?: () => Promise<number | null>; dir?: string};
  if (typeof w.currentVersion !== "function") return null;
  const v = await w.currentVersion();
  return v === null ? null : `${w.dir ?? ""}#${v}`;
}

/**
 * The lattice of one count definition (and breakdown) for a disclosure policy, computed once per
 * warehouse version and plan: audiences with another primary threshold, or that are not shown the
 * council's published figures, get plans of their own and never share one.
 */
export async function lattice(db: Queryable, ind: Indicator, def: CountDefinition, breakdown?: BreakdownSpec, policy: DisclosurePolicy = SUPPRESSED_DEFAULT): Promise<Lattice> {
  const version = await versionKey(db);
  const key = `${version}|${planKey(policy)}|${definitionKey(def)}|${breakdownKey(breakdown)}`;
  const hit = version === null ? undefined : cache.get(key);
  if (hit) return hit;
  const make = async () => {
    if (!breakdown) {
      const link = linkOf(def);
      if (link) return sliceOf(await lattice(db, ind, link.base, link.breakdown, policy), def, link.values);
      return buildLattice(db, def, ind, undefined, null, policy);
    }
    return buildLattice(db, def, ind, breakdown, await lattice(db, ind, def, undefined, policy), policy);
  };
  const p = make();
  if (version !== null) {
    cache.set(key, p);
    p.catch(() => cache.delete(key));
    while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  }
  return p;
}

/** Forget every cached lattice (tests). */
export function clearLatticeCache(): void {
  cache.clear();
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

function cellHidden(l: Lattice, cell: string, type: PeriodType, period: Period, suffix = ""): boolean {
  if (!l.time) return false;
  if (coarseReason(l, cell, type)) return true;
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
export async function wardTableMask(db: Queryable, ind: Indicator, la: string, setId: string, wards: readonly string[], period: Period,
  policy: DisclosurePolicy = SUPPRESSED_DEFAULT): Promise<{numerator: Set<string>; denominator: Set<string>}> {
  const numDef = numeratorDefinition(ind, la);
  const denDef = denominatorDefinition(ind, la);
  const [num, den] = await Promise.all([lattice(db, ind, numDef, undefined, policy), denDef ? lattice(db, ind, denDef, undefined, policy) : null]);
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
export async function seriesMask(db: Queryable, series: Series, policy: DisclosurePolicy = SUPPRESSED_DEFAULT): Promise<PointMask> {
  const ind = series.indicator;
  const la = series.geography.laCode;
  const b = series.breakdown ? ind.breakdowns[series.breakdown] : undefined;
  const numDef = numeratorDefinition(ind, la);
  const denDef = denominatorDefinition(ind, la);
  const [num, numB, den, denB] = await Promise.all([
    lattice(db, ind, numDef, undefined, policy),
    b ? lattice(db, ind, numDef, b, policy) : null,
    denDef ? lattice(db, ind, denDef, undefined, policy) : null,
    denDef && b ? lattice(db, ind, denDef, b, policy) : null
  ]);
  const groupsOf = new Set(series.groups);
  const check = (all: Lattice, byGroup: Lattice | null, p: InternalPoint) =>
    groupsOf.has(p) ? isHidden(byGroup ?? all, series.geography, series.period, p.period, p.group) : isHidden(all, series.geography, series.period, p.period, "all");
  const sources = (all: Lattice | null, byGroup: Lattice | null, p: InternalPoint) =>
    !all ? null : groupsOf.has(p) ? publishedSources(byGroup ?? all, series.geography, series.period, p.period, p.group) : publishedSources(all, series.geography, series.period, p.period, "all");
  const withheld = withheldReason(num, series.geography, series.period) ?? (den ? withheldReason(den, series.geography, series.period) : null);
  return {
    numerator: (p) => check(num, numB, p),
    denominator: (p) => (den ? check(den, denB, p) : false),
    published: (p, which) => (which === "numerator" ? sources(num, numB, p) : sources(den, denB, p)),
    ...(withheld ? {withheld: () => withheld} : {})
  };
}

/** How a series is published for an audience: with its policy's lattice mask when suppressed, nothing hidden when full. */
export async function publicationFor(db: Queryable, series: Series, audience: Disclosure | DisclosurePolicy): Promise<PublishOptions> {
  const policy = policyOf(audience);
  return {disclosure: policy.disclosure, policy, mask: policy.disclosure === "full" ? null : await seriesMask(db, series, policy)};
}

/** Publishes a series for an audience (see {@link publicationFor}). */
export async function publishSeries(db: Queryable, series: Series, disclosure: Disclosure | DisclosurePolicy): Promise<{totals: PublishedPoint[]; groups: PublishedPoint[]}> {
  return publishPoints(series.indicator, series.totals, series.groups, await publicationFor(db, series, disclosure));
}
