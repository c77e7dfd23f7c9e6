import {suppress, type ConstraintGroup, type CountCell} from "../stats/suppress.js";
import type {Reference} from "../reference.js";
import {
  breakdownFamily, breakdownKey, definitionKey, denominatorDefinition, numeratorDefinition, unionId,
  type BreakdownSpec, type CountDefinition, type CountDefinitions
} from "./count-definitions.js";
import {
  blocksOf, blockTable, coarserPeriod, geoCells, groupPeriod, leafOf, monthIndex, periodKey, plannedGroupIn, wardPeriod,
  type Block, type CoarsePeriod, type GeoCells, type Lattice, type Leaf, type TimeModel
} from "./lattice.js";
import type {DisclosurePolicy} from "./policy.js";
import {describeFigure, figureGeographyId, figurePeriod, type PublishedFigure} from "./published-figures.js";
import {coverage, geoModel, leafRows, type GeoModel, type Queryable, type Reader} from "./query.js";
import {solveWithholding} from "./withheld-blocks.js";

/**
 * One lattice's plan: its counts, the totals its breakdowns pin or bound (rule 6) and the council's
 * published figures, solved block by block (api/oba/disclosure.ts says why).
 */

// ---------------------------------------------------------------- the plan

interface Solved {
  hidden: Set<string>;
  cells: number;
  groups: number;
  primary: number;
  secondary: number;
  /** Zeros hidden because their block is withheld. */
  zeros: number;
  unprotected: string[];
}

const solveTable = (cells: CountCell[], groups: ConstraintGroup[], primaryMax: number) => suppress({cells, groups}, {batch: true, prefer: "pairing", primaryMax});

function solve(cells: CountCell[], groups: ConstraintGroup[], acc: Solved, primaryMax: number, solved = cells.length ? solveTable(cells, groups, primaryMax) : null): void {
  const r = solved;
  if (!r) return;
  acc.cells += cells.length;
  acc.groups += groups.length;
  acc.primary += r.primary.length;
  const forced = new Set(cells.filter((c) => c.hidden).map((c) => c.id));
  acc.secondary += r.secondary.filter((id) => !forced.has(id)).length;
  acc.zeros += cells.filter((c) => c.hidden && c.count === 0).length;
  for (const id of r.primary) acc.hidden.add(id);
  for (const id of r.secondary) acc.hidden.add(id);
  acc.unprotected.push(...r.unprotected);
  // CURVE_DISCLOSURE_DEBUG=1 prints the groups around anything suppress could not protect.
  if (process.env.CURVE_DISCLOSURE_DEBUG && r.unprotected.length) {
    const hid = new Set([...r.primary, ...r.secondary]);
    const byId = new Map(cells.map((c) => [c.id, c]));
    const show = (id: string) => `${id}=${byId.get(id)?.count}${hid.has(id) ? "H" : ""}${byId.get(id)?.keep ? "K" : ""}${byId.get(id)?.hidden ? "F" : ""}`;
    for (const u of r.unprotected.slice(0, 3)) {
      const cell = u.startsWith("cell ") ? u.slice(5).replace(/ \(bounds\)$/, "") : null;
      const gs = cell ? groups.filter((g) => g.total === cell || g.parts.includes(cell)) : groups.filter((g) => g.id === u);
      console.log("UNPROTECTED", u);
      for (const g of gs) console.log("   ", g.id, ":", show(g.total!), "=", g.parts.map(show).join(" + "));
    }
  }
}

/**
 * The plan of one count definition (and breakdown) for a policy: a function of the definition alone,
 * never of the indicator that asked for it, so that every table publishing the definition's counts
 * shares one plan (the periods are those loaded for the definition's own extract).
 */
export async function buildLattice(db: Reader, def: CountDefinition, breakdown: BreakdownSpec | undefined, base: Lattice | null, policy: DisclosurePolicy): Promise<Lattice> {
  const t0 = performance.now();
  const geo = await geoModel(db, def.la);
  const cov = await coverage(db, def.extract, def.la);
  const stats = (s: Solved, time: TimeModel | null, g: GeoCells, blocks: number, family: Lattice["family"]): Lattice => ({
    stats: {definition: definitionKey(def), la: def.la, breakdown: breakdownKey(breakdown), blocks, cells: s.cells, groups: s.groups, primary: s.primary,
      secondary: s.secondary, pinned: pinned.size, withheld: withheld.size, withheldZeros: s.zeros, unprotected: [...new Set(s.unprotected)], millis: Math.round(performance.now() - t0)},
    time, geo: g, family, hidden: s.hidden, published: exempt.published, coarse, groupCoarse, withheld, ...(exempt.warnings.length ? {warnings: exempt.warnings} : {})
  });
  const acc: Solved = {hidden: new Set(), cells: 0, groups: 0, primary: 0, secondary: 0, zeros: 0, unprotected: []};
  /** A breakdown's blocks withheld whatever their values (api/oba/withheld-blocks.ts). */
  const withheld = new Set<string>();
  const pinned = new Set<string>();
  const {counts} = db.reference;
  const exempt = new Exemptions(db.reference);
  const family = breakdown ? breakdownFamily(def, breakdown) : null;
  let coarse: CoarsePeriod | null = null;
  let groupCoarse: CoarsePeriod | null = null;
  if (!cov) return stats(acc, null, geoCells(geo, []), 0, family);
  const time: TimeModel = {kind: def.kind, first: monthIndex(cov.from), last: monthIndex(cov.to)};
  if (family && base) {
    // Ward and area breakdowns publish geography cells: the plan is the geography lattice's.
    // (Its warnings were the base plan's to give.)
    return {stats: {...base.stats, breakdown: breakdownKey(breakdown), millis: Math.round(performance.now() - t0)}, time: base.time, geo: base.geo, family,
      hidden: base.hidden, published: base.published, coarse: base.coarse, groupCoarse: base.groupCoarse, withheld: new Set()};
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
  // The totals are in the table where the plan without the breakdown holds them: a linked
  // definition sliced from groups sparse at the borough (infants entering care) holds no months.
  const planned = plannedGroupIn(g, coarse, base?.groupCoarse ?? null);
  // A breakdown's groups (and the linked definitions among them) sparse at the borough itself are planned by quarter or year everywhere.
  // …and its groups are planned no finer than those totals (a group's months would add up to a month the totals withhold).
  if (breakdown) groupCoarse = coarserPeriod(groupPeriod(time, g, blocks, monthly, [...groupsSeen], policy.primaryMax), base?.groupCoarse ?? null);
  const plannedGroup = plannedGroupIn(g, coarse, groupCoarse);
  // Every plan that holds a total knows what all of its breakdowns tell a reader about it.
  const bounds: TotalBounds = new Map();
  const basePinned = await pinnedTotals(db, counts, def, time, geo, g, blocks, policy.primaryMax, bounds);
  if (!breakdown) for (const id of basePinned) pinned.add(id);
  // Linked definitions (a filter on this breakdown's groups): their counts are union cells here.
  const unions = breakdown && !family ? counts.unionsOf(def, breakdown) : [];
  // A union cell is a total of the linked definition's own breakdowns (referrals to assessment by
  // source, …): it gets their floors too.
  const unionBounds = new Map<string, TotalBounds>();
  for (const u of unions) {
    const ub: TotalBounds = new Map();
    unionBounds.set(u.id, ub);
    for (const id of await pinnedTotals(db, counts, u.def, time, geo, g, blocks, policy.primaryMax, ub)) pinned.add(`${id}|${u.id}`);
  }
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
  const bkey = breakdownKey(breakdown);
  const values = [...groupsSeen].sort();
  // The totals keep the plan of the lattice without a breakdown.
  const totalFields = (id: string): Partial<CountCell> => ({...boundFields(bounds, id, withheld.has(id) ? bkey : undefined), ...(base!.hidden.has(id) ? {hidden: true} : {keep: true})});
  const breakdownTable = (block: Block) => {
    const t = breakdownBlockTable(block, g, monthly, values, totalFields, withheld, planned, unions.map((u) => ({id: u.id, values: u.values,
      fields: (id: string) => ({...boundFields(unionBounds.get(u.id)!, id.slice(0, -u.id.length - 1)), ...(pinned.has(id) ? {hidden: true} : {})})})), plannedGroup);
    exempt.mark(t.cells);
    return t;
  };
  for (const block of blocks) {
    if (!breakdown) {
      const cells: CountCell[] = [];
      const groups: ConstraintGroup[] = [];
      blockTable(block, g, monthly, "", cells, groups, (id) => ({...boundFields(bounds, id), ...(pinned.has(id) ? {hidden: true} : {})}), planned);
      exempt.mark(cells);
      solve(cells, groups, acc, policy.primaryMax);
      continue;
    }
    // A primary count the breakdown cannot protect (every cell left within reach is a total the plan
    // without the breakdown shows, or a zero) has its block withheld, zeros included, and the
    // block is solved again — then the blocks next to it, until every count is protected.
    const t = solveWithholding(() => breakdownTable(block), (cells, groups) => solveTable(cells, groups, policy.primaryMax), withheld);
    if (t) solve(t.cells, t.groups, acc, policy.primaryMax, t.result);
  }
  exempt.warnMissing();
  // The totals' own hidden cells belong to the base plan; a breakdown lattice records only its groups.
  if (breakdown) for (const id of [...acc.hidden]) if (id.split("|").length === 2) acc.hidden.delete(id);
  return stats(acc, time, g, blocks.length, family);
}

/**
 * One block's table of a breakdown's plan: the totals (`totalFields` says which the plan without
 * the breakdown hides, and what the other breakdowns bound them by), each group's cells and sums, the
 * groups adding up to each total, and a linked definition's union cells adding up its groups; the
 * blocks in `withheld` with their zeros (`blockTable`). Groups and union cells are planned where
 * `plannedGroup` says (by quarter or year when the groups are sparse at the borough), totals where `planned` does.
 */
export function breakdownBlockTable(
  block: Block, g: GeoCells, monthly: Map<string, number>, values: readonly string[], totalFields: (id: string) => Partial<CountCell>,
  withheld: ReadonlySet<string>, planned: (cell: string, key: string) => boolean, unions: readonly {id: string; values: readonly string[]; fields: (id: string) => Partial<CountCell>}[] = [],
  plannedGroup: (cell: string, key: string) => boolean = planned
): {cells: CountCell[]; groups: ConstraintGroup[]} {
  const cells: CountCell[] = [];
  const groups: ConstraintGroup[] = [];
  blockTable(block, g, monthly, "", cells, groups, totalFields, planned);
  const open = (c: string, key: string) => withheld.has(`${c}|${key}`);
  for (const v of values) blockTable(block, g, monthly, `|${v}`, cells, groups, undefined, plannedGroup, open);
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
    blockTable(block, g, monthly, `|${u.id}`, cells, groups, u.fields, plannedGroup);
    const present = new Set(cells.map((c) => c.id));
    for (const c of g.cells) {
      for (const p of block.periods) {
        const total = `${c}|${p.key}|${u.id}`;
        const parts = u.values.map((v) => `${c}|${p.key}|${v}`).filter((id) => present.has(id));
        if (!present.has(total)) {
          // A linked definition's zero is shown as 0 and pins the withheld zeros it adds up.
          if (!open(c, p.key) || !parts.length || !plannedGroup(c, p.key)) continue;
          cells.push({id: total, count: 0});
        }
        if (parts.length) groups.push({id: `link ${total}`, parts, total});
      }
    }
  }
  return {cells, groups};
}

/**
 * Totals to hide because every group under them is 1 in some breakdown (six or more groups): each
 * group's c is at least 1 and they add up to the total, so a shown total would give every group away.
 * Hidden in the lattice without a breakdown, a breakdown's lattice (which keeps every shown total)
 * never meets one.
 */
async function pinnedTotals(db: Queryable, counts: CountDefinitions, def: CountDefinition, time: TimeModel, geo: GeoModel, g: GeoCells, blocks: Block[], primaryMax: number, bounds?: TotalBounds): Promise<Set<string>> {
  const pinned = new Set<string>();
  for (const b of counts.breakdownsOf(def)) {
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
          if (bounds) noteBreakdown(bounds, `${c}|${p.key}`, breakdownKey(b), counts);
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
type TotalBounds = Map<string, {floors: Map<string, number>; ones: Set<string>}>;

function noteBreakdown(bounds: TotalBounds, id: string, breakdown: string, counts: readonly number[]): void {
  if (counts.length < 2) return;
  const b = bounds.get(id) ?? bounds.set(id, {floors: new Map(), ones: new Set()}).get(id)!;
  b.floors.set(breakdown, counts.length);
  if (counts.every((n) => n === 1)) b.ones.add(breakdown);
}

/**
 * The cell fields that carry a total's bounds from its breakdowns into a suppression table; but not
 * from `except`, a breakdown that withholds the total's block (its `c`s there may be 0, so its
 * groups bound nothing).
 */
function boundFields(bounds: TotalBounds, id: string, except?: string): Partial<CountCell> {
  const b = bounds.get(id);
  if (!b) return {};
  const floor = Math.max(1, ...[...b.floors].filter(([k]) => k !== except).map(([, f]) => f));
  const ones = [...b.ones].some((k) => k !== except);
  return {...(floor > 1 ? {floor} : {}), ...(ones ? {protect: true} : {})};
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
  /** The warnings printed while planning (api/plan-store.ts prints them again when it reads the plan back). */
  readonly warnings: string[] = [];
  private readonly wanted = new Map<string, {figures: PublishedFigure[]; seen: boolean}>();

  constructor(private readonly reference: Pick<Reference, "catalogue" | "publishedFigures">) {}

  /** The figures that are cells of this lattice (a total, a breakdown group or a linked definition's union cell). */
  find(def: CountDefinition, breakdown: BreakdownSpec | undefined, unions: {id: string; def: CountDefinition}[], g: GeoCells, time: TimeModel): void {
    const {catalogue, publishedFigures} = this.reference;
    for (const f of publishedFigures) {
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
        this.warn(f, "no such geography in the warehouse");
        continue;
      }
      if (cell === null) {
        if (f.value !== 0) this.warn(f, "the warehouse holds no such records");
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
      for (const f of differ) this.warn(f, "it differs from the warehouse's count");
      if (differ.length) continue;
      c.keep = true;
      delete c.hidden;
      this.published.set(c.id, [...new Set(w.figures.map((f) => f.source))]);
    }
  }

  private warn(f: PublishedFigure, why: string): void {
    const line = `published-figures.json: ${describeFigure(f)} is not exempt from suppression: ${why}`;
    this.warnings.push(line);
    console.warn(line);
  }

  /** Figures whose cell held no record (a zero, or outside the loaded periods) cannot be the published number unless it is 0. */
  warnMissing(): void {
    for (const w of this.wanted.values()) if (!w.seen) for (const f of w.figures) if (f.value !== 0) this.warn(f, "the warehouse holds no such records");
  }
}


/** A linked definition's lattice: the union cells of its base's breakdown lattice. */
export function sliceOf(parent: Lattice, def: CountDefinition, values: readonly string[]): Lattice {
  const suffix = `|${unionId(values)}`;
  const hidden = new Set<string>();
  for (const id of parent.hidden) if (id.endsWith(suffix)) hidden.add(id.slice(0, -suffix.length));
  const published = new Map<string, string[]>();
  for (const [id, sources] of parent.published) if (id.endsWith(suffix)) published.set(id.slice(0, -suffix.length), sources);
  return {
    stats: {...parent.stats, definition: definitionKey(def), breakdown: "none", linkedTo: `${parent.stats.definition} ${parent.stats.breakdown} ${values.join("+")}`},
    time: parent.time, geo: parent.geo, family: null, hidden, published, coarse: parent.coarse, groupCoarse: parent.groupCoarse, withheld: new Set()
  };
}
