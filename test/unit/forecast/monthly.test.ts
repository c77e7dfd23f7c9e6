import {describe, it, expect} from "vitest";
import {forecast, optimisedTheta, theta, drift, naive} from "../../../api/stats/forecast.js";
import {guerreroLambda, varianceStabilising} from "../../../api/stats/forecast/transform.js";
import {classicalDecomposition, detrended, isSeasonal} from "../../../api/stats/forecast/seasonal.js";
import {seasonalFor, temporallyAggregated} from "../../../api/stats/forecast/pipeline.js";

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
    expect(r.backtest!.candidates!.map((c) => c.method).sort()).toEqual(["damped-q", "dotm-q", "theta-q", "theta-y"]);
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

describe("forecast: temporal aggregation (models fitted to block means)", () => {
  it("fits the model to the means of the last whole blocks and spreads each block's forecast over its periods", () => {
    // 1..14 in blocks of 3 from the end: [3,4,5] [6,7,8] [9,10,11] [12,13,14], means 4, 7, 10, 13 (1 and 2 dropped).
    // The random walk with drift on the means climbs 3 a block: 16, 19, 22, each held for the block's 3 months.
    const y = Array.from({length: 14}, (_, t) => t + 1);
    const f = temporallyAggregated(drift, 3, 4)(y, 7);
    f.mean.forEach((m, j) => expect(m).toBeCloseTo([16, 16, 16, 19, 19, 19, 22][j], 12));
    expect(f.params.aggregation).toBe(3);
    // The oldest partial block plays no part.
    const changed = temporallyAggregated(drift, 3, 4)([1000, -50, ...y.slice(2)], 7);
    expect(changed.mean).toEqual(f.mean);
  });

  it("gives each month of a block the block's standard error, and as many forecasts as asked", () => {
    const y = Array.from({length: 60}, (_, t) => 100 + 5 * wobble(t));
    const f = temporallyAggregated(naive, 12)(y, 18);
    expect(f.mean).toHaveLength(18);
    expect(f.se).toHaveLength(18);
    for (let j = 0; j < 12; j++) expect(f.se[j]).toBe(f.se[0]);
    for (let j = 12; j < 18; j++) expect(f.se[j]).toBe(f.se[12]);
    expect(f.se[12]).toBeGreaterThan(f.se[0]);
    // The annual naive forecast is the mean of the last 12 months.
    const lastYear = y.slice(-12).reduce((s, v) => s + v, 0) / 12;
    f.mean.forEach((m) => expect(m).toBeCloseTo(lastYear, 12));
  });

  it("falls back to the model on the original periods when there are too few blocks", () => {
    const y = Array.from({length: 30}, (_, t) => 50 + t + wobble(t));
    expect(temporallyAggregated(theta, 12)(y, 6).mean).toEqual(theta(y, 6).mean);
  });

  it("auto on a monthly series combines the quarterly-mean and annual-mean fits and names them", () => {
    const y = Array.from({length: 96}, (_, t) => 200 + 2 * t + 20 * (season[t % 12] - 1) + 3 * wobble(t));
    const r = forecast(y, {h: 18, frequency: 12});
    const weights = r.backtest!.candidates!;
    expect(weights.map((c) => c.method).sort()).toEqual(["damped-q", "dotm-q", "theta-q", "theta-y"]);
    expect(weights.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 12);
    expect(r.reason).toMatch(/quarterly means|annual means/);
    // The trend (2 a month) carries on: each forecast is above the same month a year before.
    expect(r.mean[0]).toBeGreaterThan(y[84]);
    expect(r.mean[12]).toBeGreaterThan(r.mean[0]);
  });
});
