import {describe, it, expect} from "vitest";
import {readFileSync} from "node:fs";
import {forecast, dampedFixed} from "../../../api/stats/forecast.js";
import {twoSided} from "../../../api/stats/forecast/quantiles.js";

const vectors = JSON.parse(
  readFileSync(new URL("../../fixtures/vectors/forecast/short_series_forecasts.json", import.meta.url), "utf8")
);
const y: number[] = vectors.series;

function expectClose(actual: number, expected: number, rel = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

interface Row {h: number; mean: number; lo80: number; hi80: number; lo95: number; hi95: number}

describe("closed-form forecast vectors (short_series_forecasts.json)", () => {
  const cases: [string, "linear" | "naive" | "drift"][] = [
    ["linear_trend_ols", "linear"],
    ["naive", "naive"],
    ["drift", "drift"]
  ];
  for (const [key, method] of cases) {
    it(`${method} equals R forecast / predict.lm to 1e-9 (analytic intervals)`, () => {
      const r = forecast(y, {h: 5, method, kind: "value", calibrate: false});
      expect(r.method).toBe(method);
      vectors.methods[key].forecasts.forEach((f: Row, i: number) => {
        expectClose(r.mean[i], f.mean);
        expectClose(r.lower80[i], f.lo80);
        expectClose(r.upper80[i], f.hi80);
        expectClose(r.lower95[i], f.lo95);
        expectClose(r.upper95[i], f.hi95);
      });
    });
  }

  it("explicit naive, drift and linear give the textbook intervals without being asked (no backtest widening, no cap)", () => {
    // A series whose last points jump, so a backtest would call for wider bands than the textbook ones.
    const jumpy = [...y.slice(0, 8), 620, 455];
    for (const [key, method] of cases) {
      const r = forecast(y, {h: 5, method});
      vectors.methods[key].forecasts.forEach((f: Row, i: number) => {
        expectClose(r.lower80[i], f.lo80);
        expectClose(r.upper95[i], f.hi95);
      });
      const textbook = forecast(jumpy, {h: 5, method});
      const calibrated = forecast(jumpy, {h: 5, method, calibrate: true});
      expect(textbook.intervals.every((i) => i.widening.every((w) => w === 1))).toBe(true);
      expect(textbook.bandCapped).toBeNull();
      // Calibration, when asked for, changes the band: it is not silently applied by default.
      expect(calibrated.upper95.some((u, j) => Math.abs(u - textbook.upper95[j]) > 1e-9)).toBe(true);
    }
  });

  it("linear reports the OLS intercept, slope and residual standard error", () => {
    const r = forecast(y, {h: 5, method: "linear", calibrate: false});
    const v = vectors.methods.linear_trend_ols;
    expectClose(r.params.intercept as number, v.intercept);
    expectClose(r.params.slope as number, v.slope);
    expectClose(r.params.s as number, v.s);
  });

  it("drift reports the drift and its standard error", () => {
    const r = forecast(y, {h: 5, method: "drift", calibrate: false});
    expectClose(r.params.drift as number, vectors.methods.drift.drift);
    expectClose(r.params.driftSe as number, vectors.methods.drift.drift_se);
    expectClose(r.params.sigma2 as number, vectors.methods.drift.mse);
  });

  it("damped Holt with fixed α, β, φ, l0 = y1, b0 = y2 − y1 reproduces the recursions and variances", () => {
    const v = vectors.methods.damped_holt_fixed;
    const r = dampedFixed(y, 5, {alpha: v.alpha, beta: v.beta, phi: v.phi});
    expectClose(r.params.level, v.final_level);
    expectClose(r.params.trend, v.final_trend);
    expectClose(r.sigma2, v.sigma2);
    v.one_step_fitted.forEach((f: number, i: number) => expectClose(r.fitted[i + 1], f));
    const q80 = twoSided(0.8);
    const q95 = twoSided(0.95);
    v.forecasts.forEach((f: Row & {se: number; var_sum_form: number; var_closed_form: number}, i: number) => {
      expectClose(r.mean[i], f.mean);
      expectClose(r.se[i], f.se);
      expectClose(r.se[i] ** 2, f.var_sum_form);
      expectClose(r.se[i] ** 2, f.var_closed_form);
      expectClose(r.mean[i] - q80 * r.se[i], f.lo80);
      expectClose(r.mean[i] + q80 * r.se[i], f.hi80);
      expectClose(r.mean[i] - q95 * r.se[i], f.lo95);
      expectClose(r.mean[i] + q95 * r.se[i], f.hi95);
    });
  });
});
