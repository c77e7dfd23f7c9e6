import {describe, expect, it} from "vitest";
import {decompose} from "../../../api/oba/drivers.js";

/** What drove the change: contributions by breakdown group that add up to the total change. */

describe("decompose (pure)", () => {
  it("gives each group of a count its own change as its contribution", () => {
    const r = decompose("count", {x0: 30, n0: null, x1: 42, n1: null}, [{group: "a", x0: 10, n0: null, x1: 20, n1: null}, {group: "b", x0: 20, n0: null, x1: 22, n1: null}]);
    expect(r.rows.map((g) => g.contribution)).toEqual([10, 2]);
    expect(r.totalChange).toBe(12);
  });

  it("splits a percentage's change into within-group and mix effects that add up exactly", () => {
    const groups = [{group: "a", x0: 10, n0: 100, x1: 30, n1: 150}, {group: "b", x0: 40, n0: 100, x1: 10, n1: 50}];
    const r = decompose("percent", {x0: 50, n0: 200, x1: 40, n1: 200}, groups);
    expect(r.method).toBe("shift-share");
    expect(r.totalChange).toBeCloseTo(-5, 12);
    expect(r.rows.reduce((s, g) => s + g.contribution, 0)).toBeCloseTo(r.totalChange, 12);
    for (const g of r.rows) expect((g.withinEffect as number) + (g.mixEffect as number)).toBeCloseTo(g.contribution, 12);
    // Group a: its own rate rose 10% → 20% (within +5 at mean share 62.5%); its share rose 50% → 75% (mix).
    expect(r.rows[0].withinEffect).toBeCloseTo(10 * 0.625, 12);
  });
});
