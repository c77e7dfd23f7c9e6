import {describe, expect, it} from "vitest";
import {recoverableCells, suppress, type SuppressionResult, type SuppressionTable} from "../../../api/stats/suppress.js";

const published = (r: SuppressionResult): Record<string, number | string> =>
  Object.fromEntries(r.cells.map((c) => [c.id, c.published]));
const hidden = (r: SuppressionResult): string[] => r.cells.filter((c) => c.published === "c").map((c) => c.id);

describe("primary suppression", () => {
  it("shows counts 1–5 as c and keeps zero as 0 (standard mode)", () => {
    const r = suppress({cells: [0, 1, 5, 6].map((count, i) => ({id: `k${i}`, count}))});
    expect(published(r)).toEqual({k0: 0, k1: "c", k2: "c", k3: 6});
    expect(r.primary).toEqual(["k1", "k2"]);
    expect(r.cells.find((c) => c.id === "k1")!.status).toBe("primary");
  });

  it("suppresses 1–7 and rounds other counts to the nearest 5 in ward mode", () => {
    const r = suppress({cells: [0, 7, 8, 12, 13, 40].map((count, i) => ({id: `w${i}`, count}))}, {mode: "ward"});
    expect(published(r)).toEqual({w0: 0, w1: "c", w2: 10, w3: 10, w4: 15, w5: 40});
    expect(r.cells.find((c) => c.id === "w2")!.status).toBe("rounded");
  });

  it("uses GSS symbols, never numeric sentinels: z for not applicable, x for not available", () => {
    const r = suppress({cells: [{id: "na", count: null}, {id: "never", count: 0, applicable: false}, {id: "ok", count: 9}]});
    expect(published(r)).toEqual({na: "x", never: "z", ok: 9});
    for (const c of r.cells) {
      expect(typeof c.published === "string" ? ["c", "z", "x", "u"] : [c.published]).toContain(c.published);
      if (typeof c.published === "number") expect(c.published).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("secondary suppression", () => {
  it("a ward count of 3 is shown as c and cannot be recovered from the borough total", () => {
    const table: SuppressionTable = {
      cells: [
        {id: "ward A", count: 3},
        {id: "ward B", count: 20},
        {id: "ward C", count: 40},
        {id: "borough", count: 63}
      ],
      groups: [{id: "wards vs borough", parts: ["ward A", "ward B", "ward C"], total: "borough"}]
    };
    const r = suppress(table);
    expect(published(r)).toEqual({"ward A": "c", "ward B": "c", "ward C": 40, borough: 63});
    expect(r.primary).toEqual(["ward A"]);
    expect(r.secondary).toEqual(["ward B"]);
    // borough − ward C = 23 = A + B: A cannot be separated from B.
    expect(recoverableCells(table, hidden(r))).toEqual([]);
    // Without the secondary cell it could.
    expect(recoverableCells(table, ["ward A"])).toEqual(["ward A"]);
    expect(r.unprotected).toEqual([]);
  });

  it("picks the smallest non-zero cell, never a zero", () => {
    const r = suppress({
      cells: [
        {id: "a", count: 2},
        {id: "b", count: 0},
        {id: "c", count: 15},
        {id: "d", count: 11},
        {id: "t", count: 28}
      ],
      groups: [{parts: ["a", "b", "c", "d"], total: "t"}]
    });
    expect(r.secondary).toEqual(["d"]);
    expect(published(r).b).toBe(0);
  });

  it("protects across linked groupings: wards vs borough, target wards vs the rest", () => {
    const table: SuppressionTable = {
      cells: [
        {id: "W1", count: 4},
        {id: "W2", count: 25},
        {id: "W3", count: 30},
        {id: "W4", count: 60},
        {id: "target", count: 29},
        {id: "rest", count: 90},
        {id: "borough", count: 119}
      ],
      groups: [
        {id: "target wards", parts: ["W1", "W2"], total: "target"},
        {id: "other wards", parts: ["W3", "W4"], total: "rest"},
        {id: "target vs rest", parts: ["target", "rest"], total: "borough"},
        {id: "all wards", parts: ["W1", "W2", "W3", "W4"], total: "borough"}
      ]
    };
    const r = suppress(table);
    expect(r.primary).toEqual(["W1"]);
    expect(hidden(r)).toContain("W1");
    expect(recoverableCells(table, hidden(r))).toEqual([]);
    expect(r.unprotected).toEqual([]);
  });

  it("protects across periods: quarters add up to the year", () => {
    const table: SuppressionTable = {
      cells: [
        {id: "Q1", count: 12},
        {id: "Q2", count: 3},
        {id: "Q3", count: 14},
        {id: "Q4", count: 20},
        {id: "year", count: 49}
      ],
      groups: [{id: "year", parts: ["Q1", "Q2", "Q3", "Q4"], total: "year"}]
    };
    const r = suppress(table);
    expect(published(r)).toMatchObject({Q2: "c", Q1: "c", year: 49});
    expect(recoverableCells(table, hidden(r))).toEqual([]);
  });

  it("protects cells that could only be recovered by combining several totals", () => {
    // a+b, b+c and a+c+d are all published: every group hides two cells, yet a, b and c are solvable.
    const table: SuppressionTable = {
      cells: [
        {id: "a", count: 3},
        {id: "b", count: 4},
        {id: "c", count: 5},
        {id: "d", count: 50},
        {id: "ab", count: 7},
        {id: "bc", count: 9},
        {id: "acd", count: 58}
      ],
      groups: [
        {parts: ["a", "b"], total: "ab"},
        {parts: ["b", "c"], total: "bc"},
        {parts: ["a", "c", "d"], total: "acd"}
      ]
    };
    expect(recoverableCells(table, ["a", "b", "c"]).sort()).toEqual(["a", "b", "c"]);
    const r = suppress(table);
    expect(r.secondary.length).toBeGreaterThan(0);
    expect(recoverableCells(table, hidden(r))).toEqual([]);
  });

  it("does not leave suppressed cells pinned at 1 by their known sum", () => {
    // a + b = 2 with both hidden and both known to be non-zero would reveal a = b = 1.
    const table: SuppressionTable = {
      cells: [
        {id: "a", count: 1},
        {id: "b", count: 1},
        {id: "c", count: 30},
        {id: "t", count: 32}
      ],
      groups: [{parts: ["a", "b", "c"], total: "t"}]
    };
    const r = suppress(table);
    expect(hidden(r)).toContain("c");
  });

  it("reports a group it cannot protect instead of silently publishing it", () => {
    const r = suppress({
      cells: [
        {id: "a", count: 3},
        {id: "b", count: 0}
      ],
      groups: [{id: "published elsewhere", parts: ["a", "b"]}]
    });
    expect(r.unprotected).toContain("published elsewhere");
    expect(r.unprotected).toContain("cell a");
  });

  it("treats a total published elsewhere as known (group without a total cell)", () => {
    const r = suppress({
      cells: [
        {id: "boys", count: 2},
        {id: "girls", count: 17}
      ],
      groups: [{parts: ["boys", "girls"]}]
    });
    expect(published(r)).toEqual({boys: "c", girls: "c"});
  });

  it("rejects duplicate ids, unknown cells and non-integer counts", () => {
    expect(() => suppress({cells: [{id: "a", count: 1}, {id: "a", count: 2}]})).toThrow(RangeError);
    expect(() => suppress({cells: [{id: "a", count: 1}], groups: [{parts: ["a", "zz"]}]})).toThrow(RangeError);
    expect(() => suppress({cells: [{id: "a", count: 1.5}]})).toThrow(RangeError);
    expect(() => suppress({cells: [{id: "a", count: -1}]})).toThrow(RangeError);
  });
});

describe("rates and percentages", () => {
  const table: SuppressionTable = {
    cells: [
      {id: "small", count: 4},
      {id: "few", count: 8},
      {id: "many", count: 40},
      {id: "tiny pop", count: 5},
      {id: "unknown", count: null}
    ],
    rates: [
      {id: "rate small", numerator: "small", denominator: 2000, multiplier: 10000},
      {id: "rate few", numerator: "few", denominator: 2000, multiplier: 10000},
      {id: "rate many", numerator: "many", denominator: 2000, multiplier: 10000},
      {id: "pct tiny denominator", numerator: "many", denominator: "tiny pop"},
      {id: "pct zero denominator", numerator: "many", denominator: 0},
      {id: "rate unknown", numerator: "unknown", denominator: 100}
    ]
  };
  const r = suppress(table);
  const rate = (id: string) => r.rates.find((x) => x.id === id)!;

  it("suppresses a rate whose numerator is suppressed", () => {
    expect(rate("rate small")).toMatchObject({published: "c", reason: "numerator suppressed"});
  });

  it("flags a rate on fewer than 10 events as u (low reliability) but shows it", () => {
    expect(rate("rate few")).toMatchObject({published: 40, flag: "u"});
    expect(rate("rate many")).toMatchObject({published: 200});
    expect(rate("rate many").flag).toBeUndefined();
  });

  it("suppresses a percentage whose denominator is suppressed or below the threshold", () => {
    expect(rate("pct tiny denominator").published).toBe("c");
    const r2 = suppress({cells: [{id: "n", count: 12}], rates: [{id: "p", numerator: "n", denominator: 20}]}, {minDenominator: 30});
    expect(r2.rates[0]).toMatchObject({published: "c", reason: "denominator below 30"});
  });

  it("uses z for a zero denominator and x for an unavailable numerator", () => {
    expect(rate("pct zero denominator").published).toBe("z");
    expect(rate("rate unknown").published).toBe("x");
  });
});
