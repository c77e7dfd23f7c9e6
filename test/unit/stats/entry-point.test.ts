import {describe, expect, it} from "vitest";
import * as stats from "../../../api/stats/index.js";

// Issue 14, items 3 and 12: checks no other test makes.
describe("the statistics library's one entry point (api/stats/index.ts)", () => {
  it("exports forecast and xmr beside the rest, so callers need no deep imports", () => {
    expect(typeof stats.forecast).toBe("function");
    expect(typeof stats.xmr).toBe("function");
    expect(typeof stats.rankIntervals).toBe("function");
  });
});

describe("rank intervals by default", () => {
  it("draw 10,000 times unless asked otherwise (at 1,000, about 8% of bounds move by ±1 between seeds)", () => {
    expect(stats.RANK_DRAWS).toBeGreaterThanOrEqual(10_000);
    const rows = Array.from({length: 19}, (_, i) => ({id: `w${i}`, count: 20 + 3 * i, population: 2_500 + 40 * (i % 5)}));
    const byDefault = stats.rankIntervals(rows, {seed: 5});
    expect(byDefault).toEqual(stats.rankIntervals(rows, {seed: 5, draws: 10_000}));
    expect(byDefault).not.toEqual(stats.rankIntervals(rows, {seed: 5, draws: 1_000}));
  });
});
