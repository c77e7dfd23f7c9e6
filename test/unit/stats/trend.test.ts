import {describe, expect, it} from "vitest";
import type {Polarity} from "../../../api/stats/benchmark.js";
import {recentTrend, TREND_CHI2_CRITICAL, type TrendValueType} from "../../../api/stats/trend.js";
import {qchisq} from "../../../api/stats/distributions.js";
import {expectClose, readJson} from "./csv.js";

interface Point {
  count: number | null;
  value: number;
  denominator: number | null;
  toDate: string;
  lowerCI: number | null;
  upperCI: number | null;
}
interface Case {
  id: string;
  indicator: {polarity: string; valueType: string};
  points: Point[];
  expected_trend: string;
  computed_slope?: number | null;
  computed_chi2?: number | null;
}

const POLARITY: Record<string, Polarity> = {
  "High is good": "high-is-good",
  "Low is good": "low-is-good",
  "No judgement": "no-judgement"
};
const VALUE_TYPE: Record<string, TrendValueType> = {
  Proportion: "proportion",
  "Crude rate": "crude-rate",
  "Directly standardised rate": "directly-standardised-rate",
  "Indirectly standardised proportion": "indirectly-standardised-proportion"
};
/** FingertipsNext's marker names in our terms: [marker, judgement]. */
const EXPECTED: Record<string, [string, string | undefined]> = {
  Increasing: ["increasing", undefined],
  Decreasing: ["decreasing", undefined],
  NoChange: ["no-change", undefined],
  CannotBeCalculated: ["cannot-be-calculated", undefined],
  IncreasingAndGettingBetter: ["increasing", "better"],
  IncreasingAndGettingWorse: ["increasing", "worse"],
  DecreasingAndGettingBetter: ["decreasing", "better"],
  DecreasingAndGettingWorse: ["decreasing", "worse"]
};

describe("Fingertips recent trend (fingertips/recent_trend_cases.json)", () => {
  const {cases} = readJson<{cases: Case[]}>("fingertips/recent_trend_cases.json");

  it("has the 7 gold cases", () => expect(cases).toHaveLength(7));

  for (const c of cases) {
    it(`${c.id}: ${c.expected_trend}`, () => {
      const points = c.points.map((p) => ({value: p.value, lower: p.lowerCI, upper: p.upperCI, date: p.toDate}));
      const result = recentTrend(points, {
        polarity: POLARITY[c.indicator.polarity],
        valueType: VALUE_TYPE[c.indicator.valueType]
      });
      const [marker, judgement] = EXPECTED[c.expected_trend];
      expect(result.marker).toBe(marker);
      expect(result.judgement).toBe(judgement);
      if (c.computed_slope != null && c.computed_chi2 != null) {
        expectClose(result.slope, c.computed_slope, 1e-9, "slope");
        expectClose(result.chi2, c.computed_chi2, 1e-9, "chi2");
      } else if ("computed_slope" in c) {
        expect(result.slope).toBeNull();
        expect(result.chi2).toBeNull();
      }
    });
  }

  it("uses the chi-square critical value qchisq(0.998, 1)", () => {
    expect(TREND_CHI2_CRITICAL).toBeCloseTo(qchisq(0.998, 1), 12);
  });

  it("cannot be calculated on fewer than 5 points", () => {
    const four = [1, 2, 3, 4].map((v) => ({value: v, lower: v - 0.1, upper: v + 0.1}));
    expect(recentTrend(four, {polarity: "high-is-good"}).marker).toBe("cannot-be-calculated");
  });

  it("uses only the last 5 points, oldest first, when the series is longer", () => {
    // A steep fall in old data must not affect a flat recent series.
    const old = [100, 80, 60].map((v) => ({value: v, lower: v - 1, upper: v + 1}));
    const recent = [10, 10.01, 9.99, 10, 10.01].map((v) => ({value: v, lower: v - 1, upper: v + 1}));
    const r = recentTrend([...old, ...recent], {polarity: "low-is-good"});
    expect(r.marker).toBe("no-change");
    expect(r.pointsUsed).toBe(5);
  });

  it("needs the slope to keep its sign in every leave-one-out fit", () => {
    // One outlying point drives the trend: χ² is large but dropping it reverses the slope.
    const pts = [10, 9.9, 9.8, 9.7, 30].map((v) => ({value: v, lower: v - 0.05, upper: v + 0.05}));
    const r = recentTrend(pts, {polarity: "low-is-good"});
    expect(r.chi2!).toBeGreaterThan(TREND_CHI2_CRITICAL);
    expect(r.marker).toBe("no-change");
  });

  it("turns a significant increase into better or worse by polarity", () => {
    const pts = [10, 11, 12, 13, 14].map((v) => ({value: v, lower: v - 0.2, upper: v + 0.2}));
    expect(recentTrend(pts, {polarity: "high-is-good"})).toMatchObject({marker: "increasing", judgement: "better"});
    expect(recentTrend(pts, {polarity: "low-is-good"})).toMatchObject({marker: "increasing", judgement: "worse"});
    expect(recentTrend(pts, {polarity: "no-judgement"}).judgement).toBeUndefined();
  });

  it("cannot be calculated when an interval has zero width (infinite weight)", () => {
    const pts = [10, 11, 12, 13, 14].map((v, i) => ({value: v, lower: i === 2 ? v : v - 0.2, upper: i === 2 ? v : v + 0.2}));
    expect(recentTrend(pts, {polarity: "high-is-good"}).marker).toBe("cannot-be-calculated");
  });
});
