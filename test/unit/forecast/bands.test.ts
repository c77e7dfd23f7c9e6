import {describe, it, expect} from "vitest";
import {readFileSync} from "node:fs";
import {forecast, BAND_CAP_RANGES} from "../../../api/stats/forecast.js";
import {widenTogether, capFactors} from "../../../api/stats/forecast/bands.js";
import {forecastBaseline} from "../../../api/oba/baseline.js";
import {type PeriodType} from "../../../api/oba/catalogue.js";
import {Reference} from "../../../api/reference.js";
import type {InternalPoint} from "../../../api/oba/series.js";
import {parsePeriod} from "../../../api/oba/periods.js";

/**
 * Issue 14 item 2, the band bar check: at every horizon of every catalogue baseline, 80% ⊂ 95%
 * strictly and the 95% band is no wider than 3× the range of the history it was drawn from. The
 * histories are the demo world's (fixtures/demo-baselines.json, written by dump-demo-baselines.ts:
 * borough, target wards and rest of borough, financial years and quarters), forecast from every
 * baseline date that leaves at least 5 points, through the API's own forecastBaseline.
 */
interface DemoBaseline {indicator: string; unit: string; geography: string; period: PeriodType; history: {period: string; value: number}[]}
const demo: DemoBaseline[] = JSON.parse(readFileSync(new URL("./fixtures/demo-baselines.json", import.meta.url), "utf8")).baselines;
const catalogue = new Reference().catalogue;
const H: Partial<Record<PeriodType, number>> = {"financial-year": 3, quarter: 8};

describe("forecast bands on every catalogue baseline of the demo world", () => {
  it("covers borough, target wards and rest of borough, in years and quarters", () => {
    const kinds = new Set(demo.map((b) => `${b.geography}/${b.period}`));
    for (const g of ["borough", "target-wards", "rest-of-borough"]) for (const p of ["financial-year", "quarter"]) expect(kinds).toContain(`${g}/${p}`);
    expect(demo.length).toBeGreaterThanOrEqual(70);
  });

  it("keeps the 80% band strictly inside the 95% band and the 95% band within 3× the history's range, at every horizon", () => {
    let forecasts = 0;
    let capped = 0;
    const failures: string[] = [];
    for (const b of demo) {
      const ind = catalogue.indicators.find((i) => i.id === b.indicator)!;
      for (let n = 5; n <= b.history.length; n++) {
        const history = b.history.slice(0, n).map((p) => ({period: parsePeriod(b.period, p.period), value: p.value})) as InternalPoint[];
        const fc = forecastBaseline(ind, b.period, history, "auto", H[b.period]!);
        forecasts++;
        if (fc.warnings.some((w) => /capped/.test(w))) capped++;
        const values = b.history.slice(0, n).map((p) => p.value);
        const range = Math.max(...values) - Math.min(...values);
        fc.points.forEach((row, j) => {
          const p = {lower95: row.lower95 ?? Number.NaN, lower80: row.lower80 ?? Number.NaN, mean: row.mean, upper80: row.upper80 ?? Number.NaN, upper95: row.upper95 ?? Number.NaN};
          const ok = p.lower95 < p.lower80 && p.lower80 <= p.mean && p.mean <= p.upper80 && p.upper80 < p.upper95 && p.upper95 - p.lower95 <= BAND_CAP_RANGES * range * (1 + 1e-9);
          if (!ok) failures.push(`${b.indicator} ${b.geography} ${b.period} from ${n} points, horizon ${j + 1}: ${[p.lower95, p.lower80, p.mean, p.upper80, p.upper95].map((v) => v.toFixed(2)).join(" ")} (range ${range.toFixed(2)})`);
        });
      }
    }
    expect(failures).toEqual([]);
    expect(forecasts).toBeGreaterThan(1000);
    // The cap is doing work here (short yearly histories ask for very wide bands), and says so.
    expect(capped).toBeGreaterThan(0);
  });
});

describe("band rules", () => {
  it("widens the 95% band at least as much as the 80% band, so an 80% band widened alone cannot reach it", () => {
    // Before: the 95% band got the 80% band's widened half-width exactly, and the limits coincided.
    const [w80, w95] = widenTogether([[1.6, 1.2, 1], [1, 1.5, 1.1]]);
    expect(w80).toEqual([1.6, 1.2, 1]);
    expect(w95).toEqual([1.6, 1.5, 1.1]);
  });

  it("caps a band that would run to many times the history's range, shrinking 80% and 95% together, and says why", () => {
    // A short count series with a late jump: the backtest asks for very wide bands.
    const y = [20, 24, 28, 32, 36, 30, 18, 60];
    const capped = forecast(y, {h: 3, kind: "count"});
    const uncapped = forecast(y, {h: 3, kind: "count", capBands: false});
    expect(uncapped.upper95[2] - uncapped.lower95[2]).toBeGreaterThan(3 * (60 - 18));
    expect(capped.bandCapped).toMatch(/capped at 3× the range of the history/);
    expect(capped.warnings).toContain(capped.bandCapped);
    capped.mean.forEach((_, j) => {
      expect(capped.upper95[j] - capped.lower95[j]).toBeLessThanOrEqual(3 * (60 - 18) * (1 + 1e-9));
      expect(capped.lower95[j]).toBeLessThan(capped.lower80[j]);
      expect(capped.upper80[j]).toBeLessThan(capped.upper95[j]);
    });
    expect(uncapped.bandCapped).toBeNull();
  });

  it("finds the largest cap factor that brings the band's width down to the limit", () => {
    const [c] = capFactors([Math.log(50)], [2], Math.exp, 100);
    expect(Math.exp(Math.log(50) + 2 * c) - Math.exp(Math.log(50) - 2 * c)).toBeCloseTo(100, 6);
    expect(capFactors([0], [1], (v) => v, 5)).toEqual([1]);
  });

  it("leaves a forecast whose bands are already narrow untouched", () => {
    const r = forecast([412, 398, 430, 455, 441, 470, 462, 488, 495, 510], {h: 3});
    expect(r.bandCapped).toBeNull();
    for (const i of r.intervals) for (const w of i.widening) expect(w).toBeGreaterThanOrEqual(1);
  });
});
