import type {ConstraintGroup, CountCell} from "../stats/suppress.js";
import type {PeriodType} from "./catalogue.js";
import type {CountDefinition} from "./count-definitions.js";
import type {GeoModel} from "./query.js";
import type {ResolvedGeography} from "./series.js";

/**
 * The disclosure lattice's cells and the sums between them a reader could subtract with
 * (api/oba/disclosure.ts says why the lattice is built this way).
 */

// ---------------------------------------------------------------- geography

/** A leaf: the finest geography a record has (its ward as recorded, and the area that places it). */
export interface Leaf {
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
export interface GeoCells {
  /** Canonical cell ids in a fixed order. */
  cells: string[];
  /** Any cell id (base or intersection) → its canonical id, or null when it holds no records. */
  canonical: Map<string, string | null>;
  /** Leaf key → canonical cells that contain it. */
  cellsOfLeaf: Map<string, string[]>;
  families: {parts: string[]; total: string}[];
}

export function geoCells(geo: GeoModel, leaves: Leaf[]): GeoCells {
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

export const baseId = (geo: ResolvedGeography) => geo.type === "borough" ? "borough"
  : geo.type === "area" ? `area:${geo.code}`
  : geo.type === "ward" ? `ward:${geo.code}`
  : geo.type === "target-wards" ? `target:${geo.code}` : `rest:${geo.code}`;

/** The lattice cell a resolved geography publishes (its canonical id), null when it holds no records, undefined when unknown. */
export function geographyCell(g: GeoCells, geo: ResolvedGeography): string | null | undefined {
  return g.canonical.get(baseId(geo));
}

// ---------------------------------------------------------------- periods

/** Month index (months since year 0) of an ISO date. */
export const monthIndex = (date: string) => {
  const [y, m] = date.split("-").map(Number);
  return y * 12 + (m - 1);
};

export interface TimeModel {
  kind: "event" | "snapshot";
  first: number;
  last: number;
}

/** The lattice key of a period: its type and last month (a snapshot's quarter or year is its last month). */
export function periodKey(time: TimeModel, type: PeriodType, end: string): string | null {
  const e = monthIndex(end);
  if (time.kind === "snapshot") return `m${e}`;
  switch (type) {
    case "month": return `m${e}`;
    case "quarter": return `q${e}`;
    case "financial-year": return `y${e}`;
    case "rolling-12-months": return null;
  }
}

export interface Block {
  /** Period keys with, for each, the months it adds up. */
  periods: {key: string; months: number[]}[];
  families: {parts: string[]; total: string}[];
}

/** Events: one block per financial year (12 months, 4 quarters, the year). Snapshots: one per month. */
export function blocksOf(time: TimeModel): Block[] {
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

/** The coarser of two planning periods (null stands for months). */
export function coarserPeriod(a: CoarsePeriod | null, b: CoarsePeriod | null): CoarsePeriod | null {
  if (!a || !b) return a ?? b;
  return LEVEL_OF[a] >= LEVEL_OF[b] ? a : b;
}

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
export function wardPeriod(time: TimeModel, model: GeoModel, g: GeoCells, blocks: readonly Block[], monthly: ReadonlyMap<string, number>, primaryMax: number): CoarsePeriod | null {
  if (time.kind !== "event") return null;
  const wards = [...new Set(model.wards.map((w) => g.canonical.get(`ward:${w}`)).filter((c): c is string => typeof c === "string"))];
  return sparsePeriod(blocks, wards.map((c) => (m: number) => `${c}|m${m}`), monthly, primaryMax);
}

/**
 * The same choice for a breakdown's groups (age band, source, …) at the borough: when most of the
 * borough's non-zero group-months are small, every month of a group is c anyway, and a shown quarter
 * or year of a group (a linked definition's, such as infants entering care = children starting care
 * aged under 1) is hidden to protect them — Luton's 28 infants in 2010/11 were. The groups (and the
 * linked definitions inside them) are then planned at every geography only by quarter or financial
 * year. Decided from the whole loaded history of the borough's groups.
 */
export function groupPeriod(time: TimeModel, g: GeoCells, blocks: readonly Block[], monthly: ReadonlyMap<string, number>, groups: readonly string[], primaryMax: number): CoarsePeriod | null {
  const borough = g.canonical.get("borough");
  if (time.kind !== "event" || typeof borough !== "string" || !groups.length) return null;
  return sparsePeriod(blocks, groups.map((v) => (m: number) => `${borough}|m${m}|${v}`), monthly, primaryMax);
}

/** Null, "quarter" or "financial-year": the finest period at which most non-zero counts of the series (each a month → its key in `monthly`) are not small. */
function sparsePeriod(blocks: readonly Block[], series: readonly ((m: number) => string)[], monthly: ReadonlyMap<string, number>, primaryMax: number): CoarsePeriod | null {
  const sparse = (level: 0 | 1) => {
    let nonZero = 0;
    let small = 0;
    for (const block of blocks) {
      for (const p of block.periods) {
        if (periodLevel(p.key) !== level) continue;
        for (const keyOf of series) {
          let n = 0;
          for (const m of p.months) n += monthly.get(keyOf(m)) ?? 0;
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
export function plannedIn(g: GeoCells, coarse: CoarsePeriod | null): (cell: string, key: string) => boolean {
  if (!coarse) return () => true;
  const borough = g.canonical.get("borough");
  return (cell, key) => cell === borough || periodLevel(key) >= LEVEL_OF[coarse];
}

/** Whether a breakdown's group cell (or a linked definition's union cell) is planned: as `plannedIn`, and at every geography, the borough's included, at `groups` or coarser. */
export function plannedGroupIn(g: GeoCells, coarse: CoarsePeriod | null, groups: CoarsePeriod | null): (cell: string, key: string) => boolean {
  const planned = plannedIn(g, coarse);
  if (!groups) return planned;
  return (cell, key) => periodLevel(key) >= LEVEL_OF[groups] && planned(cell, key);
}

const COARSE_LABEL: Record<CoarsePeriod, string> = {"quarter": "by quarter", "financial-year": "by financial year"};

/**
 * Why a count of a sparse definition is withheld whatever its value: a geography below the borough
 * at a period finer than the plan holds it (a rolling 12 months is a difference of months away from
 * a month). Null when the plan holds the period.
 */
export function coarseReason(l: Lattice, cell: string, type: PeriodType): string | null {
  if ((!l.coarse && !l.groupCoarse) || !l.time || l.time.kind !== "event") return null;
  const level = type === "month" || type === "rolling-12-months" ? 0 : type === "quarter" ? 1 : 2;
  const by = type === "rolling-12-months" ? "rolling 12 months" : type.replace("-", " ");
  if (l.coarse && cell !== l.geo.canonical.get("borough") && level < LEVEL_OF[l.coarse]) {
    return `too few records to publish by ${by} below the borough: published for wards and areas ${COARSE_LABEL[l.coarse]} only`;
  }
  if (l.groupCoarse && level < LEVEL_OF[l.groupCoarse]) {
    return `too few records to publish by ${by} in groups this small, the borough's included: published ${COARSE_LABEL[l.groupCoarse]} only`;
  }
  return null;
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
  /** A breakdown's blocks withheld whatever their values, zeros included (api/oba/withheld-blocks.ts). */
  withheld?: number;
  /** Of their groups, the zeros (each a `c` that stands for 0). */
  withheldZeros?: number;
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
  /**
   * For a breakdown whose groups are sparse at the borough, and a linked definition sliced from it
   * (`groupPeriod`): the finest period at which its group cells are planned at every geography, the
   * borough's included; null when by month (or for a lattice without groups).
   */
  groupCoarse: CoarsePeriod | null;
  /** What planning warned about (published figures not exempt), when anything. */
  warnings?: string[];
  /**
   * A breakdown's blocks (`${geoCell}|${periodKey}`) whose groups are withheld whatever their values,
   * zeros included (`withheldBlockReason`); empty for a plan without a breakdown.
   */
  withheld: Set<string>;
}

/** Why a breakdown's group is `c` whatever its value: its block could not be protected with its zeros shown. */
export const WITHHELD_BLOCK_REASON = "withheld with the other groups of this breakdown at this geography and period, zeros included:"
  + " showing which groups are 0 would give a small count away (here a c may stand for 0)";

export function leafOf(geo: GeoModel, def: CountDefinition, r: {w: string; a: string}): Leaf {
  const known = geo.wardArea.has(r.w);
  const area = def.areaField ? r.a : (known ? geo.wardArea.get(r.w) ?? "unknown" : "unknown");
  return {key: `${r.w}\u0001${area}`, ward: r.w, area, known};
}

/**
 * Adds the cells of one block: counts by (geography cell, period key[, group]), dropping zeros (a
 * zero is shown as 0 and never hidden, so it neither helps nor hurts), and the groups over them.
 *
 * `withheld` names the (geography cell, period key) blocks of a breakdown published whatever their
 * values (`withheldBlockReason`): their cells may be `c` for 0, so each is at least 0 to a reader
 * (`floor: 0`) and their zeros are hidden cells of the table; a zero total of a sum over such a zero
 * is shown as 0, so it joins the table too (it tells the reader the zero is 0).
 */
export function blockTable(
  block: Block, geo: GeoCells, monthly: Map<string, number>, suffix: string,
  cells: CountCell[], groups: ConstraintGroup[], extra: (id: string) => Partial<CountCell> = () => ({}), planned: (cell: string, key: string) => boolean = () => true,
  withheld: (cell: string, key: string) => boolean = () => false
): void {
  const present = new Set<string>();
  const zeros = new Set<string>();
  let hiddenZeros = false;
  for (const c of geo.cells) {
    for (const p of block.periods) {
      if (!planned(c, p.key)) continue;
      let n = 0;
      for (const m of p.months) n += monthly.get(`${c}|m${m}${suffix}`) ?? 0;
      const id = `${c}|${p.key}${suffix}`;
      const open = withheld(c, p.key);
      if (n <= 0 && !open) {
        zeros.add(id);
        continue;
      }
      present.add(id);
      hiddenZeros ||= n === 0;
      cells.push({id, count: n, ...extra(id), ...(open ? {floor: 0, ...(n === 0 ? {hidden: true} : {})} : {})});
    }
  }
  const add = (kind: string, parts: string[], total: string) => {
    if (!present.has(total)) {
      // A shown zero total pins every part to 0: withheld zeros under it are no secret.
      if (!hiddenZeros || !zeros.has(total) || !parts.some((p) => present.has(p))) return;
      present.add(total);
      cells.push({id: total, count: 0});
    }
    const ps = parts.filter((p) => present.has(p));
    if (ps.length) groups.push({id: `${kind} ${total}`, parts: ps, total});
  };
  for (const p of block.periods) for (const f of geo.families) add("geography", f.parts.map((c) => `${c}|${p.key}${suffix}`), `${f.total}|${p.key}${suffix}`);
  for (const c of geo.cells) for (const f of block.families) add("period", f.parts.map((k) => `${c}|${k}${suffix}`), `${c}|${f.total}${suffix}`);
}
