import {describe, it, expect} from "vitest";
import {forecast, MONTHLY_BOOTSTRAPS} from "../../../api/stats/forecast.js";
import {baggedRun, bootstrapSeries, loessTrend, movingBlockBootstrap, pointwiseMedian} from "../../../api/stats/forecast/bagging.js";
import {runMembers, type SeasonalPlan} from "../../../api/stats/forecast/pipeline.js";
import {mulberry32} from "../../../api/stats/random.js";

const season = [1.25, 1.1, 1.0, 0.9, 0.8, 0.85, 0.9, 1.0, 1.05, 1.1, 1.0, 1.05];
const noise = (seed: number) => {
  const rand = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
};
const plan: SeasonalPlan = {period: 12, mode: "auto", multiplicative: true};

describe("forecast bagging: moving block bootstrap", () => {
  it("resamples whole blocks of consecutive values, each at most the block length, to the series' length", () => {
    const r = Array.from({length: 100}, (_, t) => t);
    const out = movingBlockBootstrap(r, 24, mulberry32(3));
    expect(out).toHaveLength(100);
    const runs: number[] = [1];
    for (let i = 1; i < out.length; i++) {
      if (out[i] === out[i - 1] + 1) runs[runs.length - 1]++;
      else runs.push(1);
    }
    expect(Math.max(...runs)).toBeLessThanOrEqual(24);
    // Interior runs are whole blocks (two blocks can join into one run when they happen to adjoin).
    runs.slice(1, -1).forEach((len) => expect(len % 24).toBe(0));
    expect(out.every((v) => Number.isInteger(v) && v >= 0 && v < 100)).toBe(true);
  });

  it("fits a straight line exactly with the local linear trend, ends included", () => {
    const line = Array.from({length: 40}, (_, t) => 3 + 0.5 * t);
    loessTrend(line, 19).forEach((v, t) => expect(v).toBeCloseTo(line[t], 9));
  });

  it("gives back the series itself when it has no remainder, and the same bootstraps for the same series", () => {
    const clean = Array.from({length: 96}, (_, t) => (100 + 2 * t) * season[t % 12]);
    const boots = bootstrapSeries(clean, plan, 5);
    expect(boots).toHaveLength(5);
    // A linear trend times fixed indices leaves only the decomposition's small end effects to resample.
    for (const b of boots) b.forEach((v, t) => expect(Math.abs(v - clean[t]) / clean[t]).toBeLessThan(0.01));
    const g = noise(5);
    const noisy = clean.map((v) => v * (1 + 0.05 * g()));
    expect(bootstrapSeries(noisy, plan, 3)).toEqual(bootstrapSeries(noisy, plan, 3));
    const spread = bootstrapSeries(noisy, plan, 3)[0].reduce((s, v, t) => s + Math.abs(v - noisy[t]), 0) / noisy.length;
    expect(spread).toBeGreaterThan(1);
  });
});

describe("forecast bagging: aggregation", () => {
  const g = noise(9);
  const y = Array.from({length: 90}, (_, t) => Math.log((200 + 1.5 * t) * season[t % 12] * (1 + 0.06 * g())));
  const logPlan: SeasonalPlan = {period: 12, mode: "auto", multiplicative: false};
  const members = ["damped-q", "theta-q", "dotm-q", "theta-y"] as const;

  it("takes each member's forecast as the median over the series and its bootstraps", () => {
    const bagged = baggedRun(y, 18, members, logPlan, 7);
    const original = runMembers(y, 18, members, logPlan);
    const boots = bootstrapSeries(y, logPlan, 7).map((b) => runMembers(b, 18, members, logPlan));
    for (const m of members) {
      const expected = pointwiseMedian([original.forecasts.get(m)!.mean, ...boots.map((b) => b.forecasts.get(m)!.mean)]);
      bagged.forecasts.get(m)!.mean.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 12));
      expect(bagged.forecasts.get(m)!.se).toEqual(original.forecasts.get(m)!.se);
    }
    expect(pointwiseMedian([[1, 5], [3, 4], [2, 9]])).toEqual([2, 5]);
  });

  it("leaves the run as it is with no bootstraps", () => {
    const plain = runMembers(y, 18, members, logPlan);
    const none = baggedRun(y, 18, members, logPlan, 0);
    for (const m of members) expect(none.forecasts.get(m)!.mean).toEqual(plain.forecasts.get(m)!.mean);
  });

  it("bags monthly auto by default and says so; bootstraps: 0 and yearly series are not bagged", () => {
    const monthly = y.map(Math.exp);
    const bagged = forecast(monthly, {h: 18, frequency: 12});
    const unbagged = forecast(monthly, {h: 18, frequency: 12, bootstraps: 0});
    expect(bagged.reason).toContain(`${MONTHLY_BOOTSTRAPS} bootstrapped versions`);
    expect(unbagged.reason).not.toMatch(/bootstrapped/);
    expect(bagged.mean).not.toEqual(unbagged.mean);
    // The weights come from the unbagged backtest, so bagging leaves them as they were.
    expect(bagged.backtest!.candidates).toEqual(unbagged.backtest!.candidates);
    const yearly = monthly.slice(0, 30);
    expect(forecast(yearly, {h: 5})).toEqual(forecast(yearly, {h: 5, bootstraps: 10}));
  });
});
