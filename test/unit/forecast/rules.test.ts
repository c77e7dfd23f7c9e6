import {describe, it, expect} from "vitest";
import {forecast, ForecastError, ses, holt, damped} from "../../../api/stats/forecast.js";
import {isSeasonal, classicalDecomposition} from "../../../api/stats/forecast/seasonal.js";
import {calibrate, horizonGrowth} from "../../../api/stats/forecast/backtest.js";
import {nelderMead, goldenSection} from "../../../api/stats/forecast/optim.js";

const series = [412, 398, 430, 455, 441, 470, 462, 488, 495, 510];

describe("forecast: inputs and warnings", () => {
  it("refuses to forecast fewer than 5 points with a clear message", () => {
    let caught: unknown;
    try {
      forecast([1, 2, 3, 4], {h: 3});
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ForecastError);
    expect((caught as ForecastError).code).toBe("too-few-points");
    expect((caught as ForecastError).message).toMatch(/4 points.*at least 5/);
  });

  it("forecasts 5 to 7 points but warns that the result is indicative", () => {
    for (const n of [5, 6, 7]) {
      const r = forecast(series.slice(0, n), {h: 3});
      expect(r.mean).toHaveLength(3);
      expect(r.warnings.join(" ")).toMatch(new RegExp(`Only ${n} points`));
    }
    expect(forecast(series.slice(0, 8), {h: 3}).warnings.filter((w) => /Only/.test(w))).toHaveLength(0);
  });

  it("rejects missing values, negative counts and proportions above 1 as invalid input", () => {
    expect(() => forecast([1, 2, Number.NaN, 4, 5], {h: 1})).toThrow(ForecastError);
    expect(() => forecast([1, 2, -3, 4, 5], {h: 1, kind: "count"})).toThrow(/negative/);
    expect(() => forecast([10, 20, 30, 40, 50], {h: 1, kind: "proportion"})).toThrow(/\[0, 1\]/);
  });

  it("forecasts a constant series as that constant, and says so", () => {
    const r = forecast([7, 7, 7, 7, 7, 7], {h: 2});
    expect(r.mean).toEqual([7, 7]);
    expect(r.reason).toMatch(/not changed/);
  });
});

describe("forecast: bounds", () => {
  it("never forecasts a count below zero", () => {
    const falling = [120, 95, 71, 50, 33, 18, 9, 4];
    for (const method of ["auto", "linear", "drift", "holt", "damped", "theta"] as const) {
      const r = forecast(falling, {h: 6, method, kind: "count"});
      for (const v of [...r.mean, ...r.lower80, ...r.lower95, ...r.upper95]) expect(v).toBeGreaterThanOrEqual(0);
      expect(r.transform).toBe("log1p");
    }
    // The same series on the raw scale would go negative, which is why counts are modelled on a log scale.
    expect(Math.min(...forecast(falling, {h: 6, method: "linear", kind: "value"}).mean)).toBeLessThan(0);
  });

  it("keeps proportions within [0, 1]", () => {
    const rising = [0.62, 0.7, 0.78, 0.85, 0.9, 0.94, 0.97, 0.99];
    for (const method of ["auto", "linear", "drift", "holt"] as const) {
      const r = forecast(rising, {h: 8, method, kind: "proportion"});
      for (const v of [...r.mean, ...r.lower95, ...r.upper95, ...r.lower80, ...r.upper80]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    const withZero = forecast([0, 0.01, 0.02, 0, 0.015, 0.01], {h: 3, kind: "proportion"});
    expect(withZero.lower95.every((v) => v >= 0)).toBe(true);
  });

  it("returns nested intervals around the point forecast", () => {
    const r = forecast(series, {h: 5});
    r.mean.forEach((m, j) => {
      expect(r.lower95[j]).toBeLessThanOrEqual(r.lower80[j]);
      expect(r.lower80[j]).toBeLessThanOrEqual(m);
      expect(m).toBeLessThanOrEqual(r.upper80[j]);
      expect(r.upper80[j]).toBeLessThanOrEqual(r.upper95[j]);
    });
  });
});

describe("forecast: methods", () => {
  it("auto says which method it chose and why", () => {
    const r = forecast(series, {h: 5});
    expect(r.method).toBe("auto");
    expect(r.reason).toMatch(/Weighted combination of/);
    expect(r.reason).toMatch(/MASE/);
    const c = r.backtest!.candidates!;
    expect(c.map((x) => x.method).sort()).toEqual(["damped", "drift", "ses", "ses-drift", "theta"]);
    expect(c.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 12);
    // The best candidate by MASE gets the largest weight, and the reason names it.
    const best = [...c].sort((a, b) => a.mase - b.mase)[0];
    expect(Math.max(...c.map((x) => x.weight))).toBe(best.weight);
    expect(r.reason.startsWith(`Weighted combination of ${best.method}`)).toBe(true);
  });

  it("comb is the average of SES, Holt and damped", () => {
    const r = forecast(series, {h: 4, method: "comb", calibrate: false});
    const parts = [ses(series, 4), holt(series, 4), damped(series, 4)];
    r.mean.forEach((m, j) => expect(m).toBeCloseTo((parts[0].mean[j] + parts[1].mean[j] + parts[2].mean[j]) / 3, 9));
  });

  it("keeps the damping parameter within [0.8, 0.98] and β ≤ α", () => {
    for (const y of [series, [5, 9, 14, 20, 27, 35, 44, 54, 65, 77], [50, 48, 53, 47, 52, 49, 51, 50]]) {
      const p = damped(y, 3).params;
      expect(p.phi).toBeGreaterThanOrEqual(0.8);
      expect(p.phi).toBeLessThanOrEqual(0.98);
      expect(p.beta).toBeLessThanOrEqual(p.alpha + 1e-12);
    }
  });

  it("fits SES parameters that minimise the in-sample squared error", () => {
    const y = [10, 12, 11, 13, 15, 14, 16, 15, 17, 18, 17, 19];
    const fit = ses(y, 1);
    const sse = (alpha: number, l0: number) => {
      let l = l0;
      let s = 0;
      for (const v of y) {
        s += (v - l) ** 2;
        l += alpha * (v - l);
      }
      return s;
    };
    const best = sse(fit.params.alpha, fit.params.l0);
    for (const a of [0.05, 0.2, 0.4, 0.6, 0.8, 0.99]) for (const l0 of [9, 10, 11, 12]) expect(best).toBeLessThanOrEqual(sse(a, l0) + 1e-9);
  });

  it("seasonally adjusts a quarterly series with a clear seasonal pattern, and reseasonalises the forecast", () => {
    const pattern = [1.3, 0.8, 0.9, 1.0];
    const y = Array.from({length: 24}, (_, t) => (100 + 2 * t) * pattern[t % 4]);
    expect(isSeasonal(y, 4)).toBe(true);
    const r = forecast(y, {h: 4, frequency: 4});
    expect(r.seasonal?.type).toBe("multiplicative");
    expect(r.reason).toMatch(/seasonally adjusted/);
    // Next year's first quarter (index 24 → season 0) is the high one.
    expect(r.mean[0]).toBeGreaterThan(r.mean[1]);
    expect(classicalDecomposition(y, 4, "multiplicative").indices[0]).toBeGreaterThan(1.2);
    expect(forecast(y, {h: 4, frequency: 1}).seasonal).toBeNull();
  });
});

describe("forecast: monthly series", () => {
  it("handles a monthly seasonal series and forecasts a full year", () => {
    const season = [1.2, 1.1, 1.0, 0.9, 0.8, 0.85, 0.9, 1.0, 1.05, 1.1, 1.05, 1.05];
    const y = Array.from({length: 48}, (_, t) => Math.round((200 + t) * season[t % 12] + ((t * 7) % 5)));
    const r = forecast(y, {h: 12, frequency: 12, kind: "count"});
    expect(r.seasonal?.period).toBe(12);
    expect(r.mean).toHaveLength(12);
    expect(r.mean.every(Number.isFinite)).toBe(true);
    expect(r.mean[0]).toBeGreaterThan(r.mean[4]); // January above May, as in every past year
  });
});

describe("forecast: interval calibration", () => {
  it("widens intervals that cover too few backtest points, and reports the coverage", () => {
    // Standardised errors twice as large as assumed: the 80% interval covers only about half of them.
    const points = Array.from({length: 200}, (_, i) => ({horizon: 1 + (i % 4), z: 2 * (((i * 0.618034) % 1) * 2 - 1) * 1.6}));
    const c = calibrate(points, 0.8, null, 4);
    expect(c.analytic!).toBeLessThan(0.8);
    expect(c.widening).toHaveLength(4);
    expect(Math.min(...c.widening)).toBeGreaterThan(1);
    expect(c.calibrated!).toBeGreaterThanOrEqual(0.8);
    const fine = calibrate(points.map((p) => ({...p, z: p.z / 10})), 0.8, null, 4);
    expect(fine.widening).toEqual([1, 1, 1, 1]);
  });

  it("widens long horizons more when backtest errors grow faster than the analytic variance", () => {
    // Errors whose spread grows linearly with the horizon, standardised by a constant se.
    const points = Array.from({length: 240}, (_, i) => {
      const horizon = 1 + (i % 6);
      return {horizon, z: horizon * 1.5 * (((i * 0.618034) % 1) * 2 - 1)};
    });
    expect(horizonGrowth(points)).toBeGreaterThan(0.8);
    const c = calibrate(points, 0.95, null, 6);
    for (let j = 1; j < 6; j++) expect(c.widening[j]).toBeGreaterThanOrEqual(c.widening[j - 1]);
    expect(c.widening[5]).toBeGreaterThan(c.widening[0]);
  });

  it("reports backtest origins, coverage and MASE with every forecast", () => {
    const y = [30, 32, 31, 35, 36, 38, 37, 41, 40, 43, 45, 44, 47, 49, 48, 52];
    const r = forecast(y, {h: 4, method: "theta"});
    expect(r.backtest!.origins.length).toBeGreaterThan(0);
    expect(r.backtest!.coverage.map((c) => c.level)).toEqual([0.8, 0.95]);
    expect(r.backtest!.mase).toBeGreaterThan(0);
    for (const c of r.backtest!.coverage) for (const w of c.widening) expect(w).toBeGreaterThanOrEqual(1);
  });
});

describe("optimisers", () => {
  it("Nelder–Mead finds the minimum of a bounded quadratic", () => {
    const r = nelderMead((x) => (x[0] - 0.3) ** 2 + 2 * (x[1] - 0.7) ** 2, [0.5, 0.5], {lower: [0, 0], upper: [1, 1]});
    expect(r.x[0]).toBeCloseTo(0.3, 4);
    expect(r.x[1]).toBeCloseTo(0.7, 4);
  });
  it("golden section finds the minimum of a unimodal function", () => {
    expect(goldenSection((x) => (x - 0.42) ** 2, 0, 1).x[0]).toBeCloseTo(0.42, 6);
  });
});
