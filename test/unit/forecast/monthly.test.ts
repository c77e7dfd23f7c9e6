import {describe, it, expect} from "vitest";
import {forecast, optimisedTheta, theta} from "../../../api/stats/forecast.js";
import {guerreroLambda, varianceStabilising} from "../../../api/stats/forecast/transform.js";
import {classicalDecomposition, detrended, isSeasonal} from "../../../api/stats/forecast/seasonal.js";
import {seasonalFor} from "../../../api/stats/forecast/pipeline.js";

const season = [1.25, 1.1, 1.0, 0.9, 0.8, 0.85, 0.9, 1.0, 1.05, 1.1, 1.0, 1.05];
/** A small deterministic wobble, so the fits have some noise without a random generator. */
const wobble = (t: number) => Math.sin(t * 2.3) * 0.5 + Math.cos(t * 0.7) * 0.3;

describe("forecast: monthly variance stabilisation", () => {
  it("picks the log scale when the seasonal swing grows with the level, and the original scale when it does not", () => {
    const proportional = Array.from({length: 72}, (_, t) => 100 * 1.015 ** t * season[t % 12] * (1 + 0.02 * wobble(t)));
    const constant = Array.from({length: 72}, (_, t) => 200 + t + 30 * (season[t % 12] - 1) + 2 * wobble(t));
    expect(guerreroLambda(proportional, 12)!).toBeLessThan(0.5);
    expect(guerreroLambda(constant, 12)!).toBeGreaterThan(0.5);
    expect(varianceStabilising(proportional, 12).name).toBe("log");
    expect(varianceStabilising(constant, 12).name).toBe("none");
  });

  it("never takes the log of a series with a zero or negative value, or one too short to judge", () => {
    const withZero = Array.from({length: 48}, (_, t) => (t === 30 ? 0 : 50 + t));
    expect(guerreroLambda(withZero, 12)).toBeNull();
    expect(varianceStabilising(withZero, 12).name).toBe("none");
    expect(guerreroLambda([5, 6, 7, 8, 9, 10], 12)).toBeNull();
  });

  it("auto models a monthly series whose spread grows with its level on the log scale, says so, and keeps the seasonal peak", () => {
    const y = Array.from({length: 72}, (_, t) => 100 * 1.015 ** t * season[t % 12] * (1 + 0.02 * wobble(t)));
    const r = forecast(y, {h: 18, frequency: 12});
    expect(r.transform).toBe("log");
    expect(r.reason).toMatch(/log scale/);
    expect(r.backtest!.candidates!.map((c) => c.method).sort()).toEqual(["damped", "dotm", "theta"]);
    // Month 72 is a January (season 0), the peak; May (season 4) is the trough.
    expect(r.mean[0]).toBeGreaterThan(r.mean[4]);
    r.mean.forEach((m, j) => {
      expect(r.lower95[j]).toBeGreaterThan(0);
      expect(r.lower95[j]).toBeLessThan(r.lower80[j]);
      expect(r.lower80[j]).toBeLessThan(m);
      expect(m).toBeLessThan(r.upper80[j]);
      expect(r.upper80[j]).toBeLessThan(r.upper95[j]);
    });
  });

  it("leaves explicit methods and counts on their own scales", () => {
    const y = Array.from({length: 72}, (_, t) => 100 * 1.015 ** t * season[t % 12] * (1 + 0.02 * wobble(t)));
    expect(forecast(y, {h: 6, frequency: 12, method: "theta"}).transform).toBe("none");
    expect(forecast(y.map(Math.round), {h: 6, frequency: 12, kind: "count"}).transform).toBe("log1p");
  });
});

describe("forecast: seasonal indices", () => {
  it("takes a month's index as the median of its ratios to the trend, so one unusual year cannot shift it", () => {
    const flat = Array.from({length: 72}, (_, t) => 100 * season[t % 12]);
    const spiked = flat.map((v, t) => (t === 36 ? v * 3 : v)); // one January three times its usual size
    const mean = classicalDecomposition(spiked, 12, "multiplicative", Number.POSITIVE_INFINITY, "mean").indices[0];
    const median = classicalDecomposition(spiked, 12, "multiplicative", Number.POSITIVE_INFINITY, "median").indices[0];
    expect(Math.abs(median - 1.25)).toBeLessThan(0.02);
    expect(mean - 1.25).toBeGreaterThan(0.2);
  });
});

describe("forecast: dynamic optimised Theta model (DOTM)", () => {
  it("continues an exact straight line", () => {
    const line = Array.from({length: 40}, (_, t) => 10 + 2 * t);
    const f = optimisedTheta(line, 5, true);
    f.mean.forEach((m, j) => expect(m).toBeCloseTo(10 + 2 * (40 + j), 4));
  });

  it("keeps θ ≥ 1 and α in [0.1, 0.99], and on a trendless series forecasts flat, with no trend to extrapolate", () => {
    const flat = Array.from({length: 60}, (_, t) => 100 + 5 * wobble(t));
    const f = optimisedTheta(flat, 12, true);
    expect(f.params.theta).toBeGreaterThanOrEqual(1);
    expect(f.params.alpha).toBeGreaterThanOrEqual(0.1);
    expect(f.params.alpha).toBeLessThanOrEqual(0.99);
    expect(Math.abs(f.mean[11] - f.mean[0])).toBeLessThan(1);
  });

  it("follows a trend that has changed more closely than Theta's whole-history slope", () => {
    // Twenty years flat, then a steady climb: the recent slope is 1 a month, the whole-history OLS slope far less.
    const y = Array.from({length: 120}, (_, t) => (t < 80 ? 100 : 100 + (t - 80)) + wobble(t));
    const truth = Array.from({length: 12}, (_, j) => 100 + (120 + j - 80));
    const err = (f: number[]) => f.reduce((s, v, j) => s + Math.abs(v - truth[j]), 0);
    expect(err(optimisedTheta(y, 12, true).mean)).toBeLessThan(err(theta(y, 12).mean));
  });
});

describe("forecast: monthly seasonal test and index shrinkage", () => {
  it("finds monthly seasonality under a steep trend that the test on the raw series misses", () => {
    // A steep line plus a small sawtooth swing: every autocorrelation is near 1 on the raw series.
    const y = Array.from({length: 72}, (_, t) => 100 + 10 * t + 8 * (season[t % 12] - 1) * 10);
    expect(isSeasonal(y, 12)).toBe(false);
    expect(isSeasonal(detrended(y, 12), 12)).toBe(true);
    expect(seasonalFor(y, {period: 12, mode: "auto", multiplicative: true})).not.toBeNull();
  });

  it("pulls indices resting on noisy ratios towards neutral and leaves a clear pattern almost as is", () => {
    const noisy = Array.from({length: 72}, (_, t) => 100 * (1 + 0.01 * (season[t % 12] - 1)) * (1 + 0.2 * wobble(t * 7)));
    const clear = Array.from({length: 72}, (_, t) => 100 * season[t % 12] * (1 + 0.005 * wobble(t)));
    const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
    const noisyRaw = classicalDecomposition(noisy, 12, "multiplicative", Number.POSITIVE_INFINITY, "median").indices;
    const noisyShrunk = classicalDecomposition(noisy, 12, "multiplicative", Number.POSITIVE_INFINITY, "median", true).indices;
    expect(spread(noisyShrunk)).toBeLessThan(0.5 * spread(noisyRaw));
    const clearRaw = classicalDecomposition(clear, 12, "multiplicative", Number.POSITIVE_INFINITY, "median").indices;
    const clearShrunk = classicalDecomposition(clear, 12, "multiplicative", Number.POSITIVE_INFINITY, "median", true).indices;
    clearShrunk.forEach((v, i) => expect(Math.abs(v - clearRaw[i])).toBeLessThan(0.005));
  });
});
