import {describe, expect, it} from "vitest";
import {groupWithheldReason, isHidden} from "../../../api/oba/disclosure.js";
import {blocksOf, blockTable, WITHHELD_BLOCK_REASON, type GeoCells, type Lattice} from "../../../api/oba/lattice.js";
import {breakdownBlockTable} from "../../../api/oba/lattice-plan.js";
import {solveWithholding} from "../../../api/oba/withheld-blocks.js";
import type {ResolvedGeography} from "../../../api/oba/series.js";
import {suppress, type ConstraintGroup, type CountCell, type SuppressionResult, type SuppressionTable} from "../../../api/stats/suppress.js";
import {recoverablePrimaries} from "./feasible-range.js";

/**
 * Rule 5 of docs/methods/disclosure.md: a breakdown never hides a total the plan without it shows, so
 * a primary count whose sums reach only such totals (and zeros, shown as 0) could not be protected by
 * hiding more cells; its block of the breakdown is withheld instead, zeros included, so its `c`s may
 * stand for 0. The plans here are built with the lattice's own table builders on a borough of three
 * wards at one month, three groups; the reader's table (every total and group, zeros too, and every
 * sum) is solved exactly by the oracle of feasible-range.ts.
 */

const WARDS = ["ward:a", "ward:b", "ward:c"];
const VALUES = ["x", "y", "z"];
const GEO: GeoCells = {cells: ["borough", ...WARDS], canonical: new Map([["borough", "borough"], ...WARDS.map((w): [string, string] => [w, w])]), cellsOfLeaf: new Map(), families: [{parts: WARDS, total: "borough"}]};
const TIME = {kind: "snapshot" as const, first: 2014 * 12 + 2, last: 2014 * 12 + 2};
const M = `m${TIME.first}`;
const BLOCK = blocksOf(TIME)[0];
const solveTable = (cells: CountCell[], groups: ConstraintGroup[]) => suppress({cells, groups}, {batch: true, prefer: "pairing", primaryMax: 5});

interface Plan {
  /** What the reader is shown of every total and group (zeros too). */
  shown: Map<string, number | "c">;
  unprotected: string[];
  withheld: Set<string>;
  /** The breakdown lattice's hidden group cells (as the plan records them). */
  hidden: Set<string>;
}

/** The plan without the breakdown, then the breakdown's plan (withholding blocks, or not: the old plan). */
function plan(data: Record<string, number[]>, withholding: boolean): Plan {
  const monthly = new Map<string, number>();
  const add = (k: string, n: number) => monthly.set(k, (monthly.get(k) ?? 0) + n);
  for (const w of WARDS) VALUES.forEach((v, i) => {
    for (const c of [w, "borough"]) {
      add(`${c}|${M}|${v}`, data[w][i]);
      add(`${c}|${M}`, data[w][i]);
    }
  });
  const groupsOf = (c: string) => VALUES.map((v) => monthly.get(`${c}|${M}|${v}`) ?? 0).filter((n) => n > 0);
  // What the breakdown tells a reader about each total (rule 6): at least its number of non-zero groups.
  const bounds = (id: string): Partial<CountCell> => {
    const gs = groupsOf(id.split("|")[0]);
    return gs.length > 1 ? {floor: gs.length, ...(gs.every((n) => n === 1) ? {protect: true} : {})} : {};
  };
  const cells: CountCell[] = [];
  const groups: ConstraintGroup[] = [];
  blockTable(BLOCK, GEO, monthly, "", cells, groups, bounds);
  const base = solveTable(cells, groups);
  expect(base.unprotected).toEqual([]);
  const baseHidden = new Set([...base.primary, ...base.secondary]);
  const withheld = new Set<string>();
  // A withheld block's total loses its own breakdown's bound (its groups' c may be 0).
  const totalFields = (id: string): Partial<CountCell> => ({...(withheld.has(id) ? {} : bounds(id)), ...(baseHidden.has(id) ? {hidden: true} : {keep: true})});
  const table = () => breakdownBlockTable(BLOCK, GEO, monthly, VALUES, totalFields, withheld, () => true);
  let r: SuppressionResult;
  if (withholding) r = solveWithholding(table, solveTable, withheld)!.result;
  else {
    const t = table();
    r = solveTable(t.cells, t.groups);
  }
  const hidden = new Set([...r.primary, ...r.secondary].filter((id) => id.split("|").length === 3));
  const shown = new Map<string, number | "c">();
  for (const c of GEO.cells) {
    const total = `${c}|${M}`;
    shown.set(total, baseHidden.has(total) ? "c" : monthly.get(total) ?? 0);
    for (const v of VALUES) {
      const id = `${total}|${v}`;
      const n = monthly.get(id) ?? 0;
      shown.set(id, hidden.has(id) || withheld.has(total) || (n >= 1 && n <= 5) ? "c" : n);
    }
  }
  return {shown, unprotected: r.unprotected, withheld, hidden};
}

/** The reader's table of a plan: every total and group with its true count, and every sum; and what the reader was shown. */
function readersTable(data: Record<string, number[]>, p: Plan): {table: SuppressionTable; result: SuppressionResult; mayBeZero: Set<string>} {
  const truth = new Map<string, number>();
  for (const w of WARDS) VALUES.forEach((v, i) => {
    for (const [id, n] of [[`${w}|${M}|${v}`, data[w][i]], [`${w}|${M}`, data[w][i]], [`borough|${M}|${v}`, data[w][i]], [`borough|${M}`, data[w][i]]] as const) truth.set(id, (truth.get(id) ?? 0) + n);
  });
  const groups: ConstraintGroup[] = [];
  for (const s of ["", ...VALUES.map((v) => `|${v}`)]) groups.push({parts: WARDS.map((w) => `${w}|${M}${s}`), total: `borough|${M}${s}`});
  for (const c of GEO.cells) groups.push({parts: VALUES.map((v) => `${c}|${M}|${v}`), total: `${c}|${M}`});
  const cells = [...truth].map(([id, count]) => ({id, count}));
  const result: SuppressionResult = {
    cells: cells.map((c) => {
      const s = p.shown.get(c.id)!;
      return {...c, published: s, status: s === "c" ? (c.count >= 1 && c.count <= 5 ? "primary" : "secondary") : "shown"};
    }),
    primary: cells.filter((c) => p.shown.get(c.id) === "c" && c.count >= 1 && c.count <= 5).map((c) => c.id),
    secondary: [], rates: [], unprotected: []
  };
  const mayBeZero = new Set(cells.filter((c) => p.withheld.has(c.id.split("|").slice(0, 2).join("|")) && c.id.split("|").length === 3).map((c) => c.id));
  return {table: {cells, groups}, result, mayBeZero};
}

describe("a breakdown block the plan cannot protect is withheld, zeros included", () => {
  // Ward a has 2 (all in y), b 6 (3 in x, 3 in z), c 3 (all in y); the borough 11. The plan without
  // the breakdown hides a and c and shows b and the borough. By group, the borough's x and z are b's
  // (a and c have none), so the borough's y is 11 − 6 = 5 — the shown totals pin it, and every other
  // cell of its sums is a shown total or a zero.
  const data = {"ward:a": [0, 2, 0], "ward:b": [3, 0, 3], "ward:c": [0, 3, 0]};

  it("the plan without withholding leaves the borough's 5 in group y known exactly", () => {
    const old = plan(data, false);
    expect(old.unprotected.some((u) => u.includes(`borough|${M}|y`))).toBe(true);
    const seen = readersTable(data, old);
    expect(recoverablePrimaries(seen.table, seen.result, 1)).toContain(`borough|${M}|y`);
  });

  it("withholding blocks protects every primary count, and leaves the totals as the plan without the breakdown shows them", () => {
    const now = plan(data, true);
    expect(now.unprotected).toEqual([]);
    expect(now.withheld.size).toBeGreaterThan(0);
    const seen = readersTable(data, now);
    expect(recoverablePrimaries(seen.table, seen.result, 1, 1000, seen.mayBeZero)).toEqual([]);
    // The totals are untouched: b and the borough shown, a and c hidden.
    expect([`borough|${M}`, `ward:a|${M}`, `ward:b|${M}`, `ward:c|${M}`].map((id) => now.shown.get(id))).toEqual([11, "c", 6, "c"]);
    // A withheld block's zeros are c too (they are hidden cells of the plan's table).
    for (const b of now.withheld) for (const v of VALUES) expect(now.shown.get(`${b}|${v}`)).toBe("c");
    expect([...now.withheld].some((b) => VALUES.some((v) => data[b.split("|")[0] as keyof typeof data]?.[VALUES.indexOf(v)] === 0))).toBe(true);
  });

  it("the lattice hides every group of a withheld block, zeros included, and only those", () => {
    const now = plan(data, true);
    const l: Lattice = {
      stats: {definition: "d", la: "000", breakdown: "b", blocks: 1, cells: 0, groups: 0, primary: 0, secondary: 0, pinned: 0, unprotected: [], millis: 0},
      time: TIME, geo: GEO, family: null, hidden: now.hidden, published: new Map(), coarse: null, groupCoarse: null, withheld: now.withheld
    };
    const ward = (code: string): ResolvedGeography => ({type: "ward", code, laCode: "000", name: code, wards: [code]} as unknown as ResolvedGeography);
    const period = {label: "2014-03", start: "2014-03-01", end: "2014-03-31"};
    const [open] = [...now.withheld].filter((b) => b.startsWith("ward:a"));
    expect(open).toBe(`ward:a|${M}`);
    // Ward a's x is 0: c in its withheld block; ward b's block is not withheld.
    expect(isHidden(l, ward("a"), "month", period, "x")).toBe(true);
    // A group no record ever had (not a cell of the plan) is c in a withheld block, 0 elsewhere.
    expect(isHidden(l, ward("a"), "month", period, "never")).toBe(true);
    expect(now.withheld.has(`ward:b|${M}`)).toBe(false);
    expect(isHidden(l, ward("b"), "month", period, "never")).toBe(false);
    expect(isHidden(l, ward("b"), "month", period, "y")).toBe(false);
    // The answer says why, so a reader knows a c there may be 0.
    expect(groupWithheldReason(l, ward("a"), "month", period)).toBe(WITHHELD_BLOCK_REASON);
    expect(groupWithheldReason(l, ward("b"), "month", period)).toBeNull();
    expect(WITHHELD_BLOCK_REASON).toMatch(/may stand for 0/);
    // A rolling 12 months over the withheld month is withheld too.
    expect(isHidden(l, ward("a"), "rolling-12-months", {label: "2014-03 (12 months)", start: "2013-04-01", end: "2014-03-31"}, "never")).toBe(true);
  });
});
