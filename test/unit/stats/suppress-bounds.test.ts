import {describe, expect, it} from "vitest";
import {boundRanges, suppress, type SuppressionResult, type SuppressionTable} from "../../../api/stats/suppress.js";
import {feasibleRanges, recoverablePrimaries, twoWay} from "./feasible-range.js";
import {mulberry32} from "../../../api/stats/random.js";

/**
 * METHODS §7: no suppressed cell is recoverable — including by a reader who knows every `c` is at
 * least 1 (zeros are published as 0) and solves the published sums as an integer program. The
 * oracle (feasible-range.ts) computes each hidden cell's exact range of possible values.
 */

/** Wards × months, with each ward's quarter and the borough's months (the first example). */
function wardsByMonth(rows: number[][]): SuppressionTable {
  const cells: {id: string; count: number}[] = [];
  const groups: {parts: string[]; total: string}[] = [];
  rows.forEach((r, w) => {
    r.forEach((v, m) => cells.push({id: `w${w}m${m}`, count: v}));
    cells.push({id: `w${w}q`, count: r.reduce((a, b) => a + b, 0)});
    groups.push({parts: r.map((_, m) => `w${w}m${m}`), total: `w${w}q`});
  });
  rows[0].forEach((_, m) => {
    cells.push({id: `bm${m}`, count: rows.reduce((a, r) => a + r[m], 0)});
    groups.push({parts: rows.map((_, w) => `w${w}m${m}`), total: `bm${m}`});
  });
  return {cells, groups};
}

/** Random small tables, the same every run. */
const random = mulberry32;
function randomTables(count: number, seed = 13): number[][][] {
  const next = random(seed);
  const value = () => {
    const u = next();
    return u < 0.2 ? 0 : u < 0.55 ? 1 + Math.floor(next() * 3) : u < 0.75 ? 4 + Math.floor(next() * 6) : 10 + Math.floor(next() * 40);
  };
  return Array.from({length: count}, (_, i) => Array.from({length: i % 2 ? 3 : 2}, () => Array.from({length: 3}, value)));
}

describe("suppressed counts cannot be recovered by integer bounds", () => {
  it("wards [[1,0,8],[1,1,8]] by month, with ward quarters and borough months: no hidden ward count is pinned", () => {
    const table = wardsByMonth([[1, 0, 8], [1, 1, 8]]);
    const result = suppress(table);
    expect(result.unprotected).toEqual([]);
    const ranges = feasibleRanges(table, result);
    for (const id of result.primary) expect({id, range: ranges.get(id)}).not.toMatchObject({range: [1, 1]});
    expect(recoverablePrimaries(table, result, 1)).toEqual([]);
  });

  it("a 2×3 table [[1,40,1],[1,40,1]] with its margins: no corner is known to be 1", () => {
    const table = twoWay([[1, 40, 1], [1, 40, 1]]);
    const result = suppress(table);
    expect(result.unprotected).toEqual([]);
    expect(recoverablePrimaries(table, result, 1)).toEqual([]);
  });

  it("widens each primary cell's range to the policy's protection interval (3) on random tables", () => {
    let narrow = 0;
    let primaries = 0;
    for (const rows of randomTables(60, 7)) {
      const table = twoWay(rows);
      const result = suppress(table, {protectionInterval: 3});
      expect(result.unprotected).toEqual([]);
      primaries += result.primary.length;
      narrow += recoverablePrimaries(table, result, 3).length;
    }
    expect(primaries).toBeGreaterThan(60);
    expect(narrow).toBe(0);
  });

  it("leaves no primary cell of 200 random 2×3 and 3×3 tables with margins narrower than the protection interval", () => {
    let before = 0;
    let after = 0;
    let unprotected = 0;
    let primaries = 0;
    for (const rows of randomTables(200)) {
      const table = twoWay(rows);
      const result = suppress(table);
      if (result.unprotected.length) {
        unprotected++;
        continue;
      }
      primaries += result.primary.length;
      after += recoverablePrimaries(table, result, 1).length;
      // The same table with only the linear check (protectionInterval 0): what the bound audit adds.
      before += recoverablePrimaries(table, suppress(table, {protectionInterval: 0}), 1).length;
    }
    console.log(`random tables: ${primaries} primary cells; recoverable exactly by integer bounds — without the bound audit ${before}, with it ${after}; tables reported unprotected ${unprotected}`);
    expect(after).toBe(0);
    expect(unprotected).toBe(0);
  });
});

/**
 * Rule 6 (docs/methods/disclosure.md): a reader who sees a total's breakdown knows the total is at
 * least its number of non-zero groups (each is shown, or `c` and so at least 1), whatever the
 * breakdown's plan shows. `floor` carries that into the plan of the totals, and `protect` keeps a total
 * whose groups are all 1 from being known exactly (that would give every group away).
 */
describe("a total's breakdowns bound it (floor, protect)", () => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  /** The totals' table; with `bounds`, each total carries what its breakdown tells a reader. */
  const totals = (groupsOf: Record<string, number[]>, shown: {id: string; count: number; parts: string[]}[], bounds: boolean, hidden: string[] = []): SuppressionTable => ({
    cells: [
      ...Object.entries(groupsOf).map(([id, g]) => ({id, count: sum(g), ...(hidden.includes(id) ? {hidden: true} : {}),
        ...(bounds ? {floor: g.length, ...(g.length > 1 && g.every((v) => v === 1) ? {protect: true} : {})} : {})})),
      ...shown.map(({id, count}) => ({id, count}))
    ],
    groups: shown.map(({id, parts}) => ({parts, total: id}))
  });
  /** The plan read together with each total's breakdown, every group hidden (the least a breakdown can show). */
  const withBreakdowns = (table: SuppressionTable, result: SuppressionResult, groupsOf: Record<string, number[]>) => {
    const cells = Object.entries(groupsOf).flatMap(([t, g]) => g.map((count, i) => ({id: `${t}.${i}`, count})));
    return {
      table: {cells: [...table.cells, ...cells], groups: [...(table.groups ?? []), ...Object.entries(groupsOf).map(([t, g]) => ({parts: g.map((_, i) => `${t}.${i}`), total: t}))]},
      result: {...result, cells: [...result.cells, ...cells.map((c) => ({...c, published: "c" as const, status: "primary" as const}))],
        primary: [...result.primary, ...cells.filter((c) => c.count <= 5).map((c) => c.id)]}
    };
  };

  it("November is not pinned to 1 when October and Q3 are shown and December's four groups are 1 each", () => {
    // Oct 6, Nov 1, Dec 4, Q3 11: Nov + Dec = 5, and Dec's four groups make Dec at least 4.
    const groupsOf = {oct: [3, 1, 2], nov: [1], dec: [1, 1, 1, 1]};
    const quarter = [{id: "q3", count: 11, parts: ["oct", "nov", "dec"]}];
    const pinned = (bounds: boolean) => {
      const table = totals(groupsOf, quarter, bounds);
      const result = suppress(table);
      expect(result.unprotected).toEqual([]);
      const seen = withBreakdowns(table, result, groupsOf);
      return recoverablePrimaries(seen.table, seen.result, 1);
    };
    expect(pinned(false)).toContain("nov"); // without the breakdowns' floors the plan gives November away
    expect(pinned(true)).toEqual([]);
  });

  it("a hidden total whose groups are all 1 is not known exactly, though its count is not small", () => {
    // Two hidden totals, 7 and 9 (all their groups 1), add up to a shown 16: with their floors both are pinned.
    const groupsOf = {t: [1, 1, 1, 1, 1, 1, 1], a: [1, 1, 1, 1, 1, 1, 1, 1, 1]};
    const sums = [{id: "y", count: 16, parts: ["t", "a"]}];
    const exposed = (protect: boolean) => {
      const table = totals(groupsOf, sums, true, ["t", "a"]);
      if (!protect) table.cells.forEach((c) => delete (c as {protect?: boolean}).protect);
      const result = suppress(table);
      expect(result.unprotected).toEqual([]);
      const seen = withBreakdowns(table, result, groupsOf);
      return recoverablePrimaries(seen.table, seen.result, 1);
    };
    expect(exposed(false).length).toBe(16);
    expect(exposed(true)).toEqual([]);
  });
});

describe("a primary cell whose only protection lies far along its hidden sums", () => {
  /**
   * p (1) and a hidden total a add up to a published 34; a = b1 + b2, b1 = c1 + c2, c1 = d1 + d2 + w,
   * every one hidden already but w (7), and the floors a reader knows from breakdowns (b2 ≥ 8, c2 ≥ 6,
   * d1 ≥ 6, d2 ≥ 6) put a at least 33: p is known to be 1. Only hiding w, three sums from p, widens it.
   */
  const table: SuppressionTable = {
    cells: [
      {id: "p", count: 1}, {id: "k", count: 34, keep: true}, {id: "a", count: 33, hidden: true},
      {id: "b1", count: 25, hidden: true}, {id: "b2", count: 8, hidden: true, floor: 8},
      {id: "c1", count: 19, hidden: true}, {id: "c2", count: 6, hidden: true, floor: 6},
      {id: "d1", count: 6, hidden: true, floor: 6}, {id: "d2", count: 6, hidden: true, floor: 6}, {id: "w", count: 7}
    ],
    groups: [
      {id: "k", parts: ["p", "a"], total: "k"}, {id: "a", parts: ["b1", "b2"], total: "a"},
      {id: "b1", parts: ["c1", "c2"], total: "b1"}, {id: "c1", parts: ["d1", "d2", "w"], total: "c1"}
    ]
  };

  it("is known exactly while w is shown", () => {
    const hidden = table.cells.filter((c) => c.id !== "w" && c.id !== "k").map((c) => c.id);
    expect(boundRanges(table, hidden).get("p")).toEqual([1, 1]);
  });

  it("is protected: suppress searches the hidden cells' sums as far as they reach, hides w and reports nothing unprotected", () => {
    for (const policy of [{}, {batch: true, prefer: "pairing" as const}]) {
      const result = suppress(table, policy);
      expect(result.unprotected).toEqual([]);
      expect(result.secondary).toContain("w");
      const [lo, hi] = boundRanges(table, [...result.primary, ...result.secondary]).get("p")!;
      expect(hi - lo).toBeGreaterThanOrEqual(1);
      expect(result.cells.find((c) => c.id === "k")!.published).toBe(34);
    }
  });

  it("is reported unprotected when nothing is left to hide (w published by the council)", () => {
    const kept: SuppressionTable = {...table, cells: table.cells.map((c) => (c.id === "w" ? {...c, keep: true} : c))};
    expect(suppress(kept).unprotected).toEqual(["cell p (bounds)"]);
  });
});
