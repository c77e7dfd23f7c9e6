import {describe, it, expect} from "vitest";
import {forecast} from "../../../api/stats/forecast.js";
import {jumpFor, stl, stlIndices} from "../../../api/stats/forecast/stl.js";
import {seasonalFor} from "../../../api/stats/forecast/pipeline.js";
import {mulberry32} from "../../../api/stats/random.js";

const pattern = [6, 4, 2, 0, -2, -4, -6, -4, -2, 0, 2, 4];
/** A small deterministic wobble, so the fits have some noise without a random generator. */
const wobble = (t: number) => Math.sin(t * 2.3) * 0.5 + Math.cos(t * 0.7) * 0.3;
const withSpike = (t: number) => 50 + 0.3 * t + pattern[t % 12] + wobble(t) + (t === 40 ? 60 : 0);

describe("forecast: STL decomposition (Cleveland et al. 1990)", () => {
  it("splits trend plus a fixed monthly pattern into the two, the seasonal part summing to about zero over a year", () => {
    const y = Array.from({length: 96}, (_, t) => 50 + 0.3 * t + pattern[t % 12] + wobble(t));
    const {seasonal, trend} = stl(y, 12, 11);
    for (let t = 84; t < 96; t++) expect(Math.abs(seasonal[t] - pattern[t % 12])).toBeLessThan(0.5);
    for (let t = 12; t < 84; t++) expect(Math.abs(trend[t] - (50 + 0.3 * t))).toBeLessThan(0.5);
    expect(Math.abs(seasonal.slice(84).reduce((s, v) => s + v, 0))).toBeLessThan(1);
  });

  it("gives an outlying month no weight in the robust fit, so it moves neither the trend nor that month's pattern", () => {
    const y = Array.from({length: 96}, (_, t) => withSpike(t));
    const robust = stl(y, 12, 11, true);
    const plain = stl(y, 12, 11, false);
    expect(robust.weights[40]).toBe(0);
    expect(plain.weights[40]).toBe(1);
    // Month 40 is a May (pattern −2): the plain fit pulls that May and the trend around it towards the spike.
    expect(Math.abs(robust.seasonal[40] - pattern[4])).toBeLessThan(0.5);
    expect(plain.seasonal[40] - pattern[4]).toBeGreaterThan(2);
    expect(Math.abs(robust.trend[40] - (50 + 0.3 * 40))).toBeLessThan(0.5);
    expect(plain.trend[40] - (50 + 0.3 * 40)).toBeGreaterThan(1);
  });
});

describe("forecast: STL smoothers estimated a tenth of a span apart (R stl's default jumps)", () => {
  it("takes a jump of ceiling(span / 10): 2 for the seasonal span 11 and the low-pass 13, 3 for the trend span 21", () => {
    expect([11, 13, 21].map(jumpFor)).toEqual([2, 2, 3]);
    expect(jumpFor(7)).toBe(1);
  });

  it("estimates the trend at every third month and interpolates linearly between, so it is straight within each jump", () => {
    const rand = mulberry32(11);
    const y = Array.from({length: 96}, (_, t) => 50 + 0.3 * t + pattern[t % 12] + 3 * (rand() - 0.5));
    const {trend} = stl(y, 12, 11);
    const bend = (t: number) => Math.abs(trend[t + 1] - 2 * trend[t] + trend[t - 1]);
    // Months 1, 2, 4, 5, … (0-based) lie between estimates; 3, 6, … are estimated, where the slope may change.
    for (let t = 1; t < 94; t += 3) {
      expect(bend(t)).toBeLessThan(1e-9);
      expect(bend(t + 1)).toBeLessThan(1e-9);
    }
    expect(Math.max(...Array.from({length: 30}, (_, i) => bend(3 * i + 3)))).toBeGreaterThan(1e-3);
  });
});

describe("forecast: monthly auto's seasonal indices from a robust STL", () => {
  it("takes each month's index from the latest cycle of the seasonal component, centred to sum to zero", () => {
    const y = Array.from({length: 90}, (_, t) => 50 + 0.3 * t + pattern[t % 12] + wobble(t));
    const s = stlIndices(y, 12);
    expect(s.type).toBe("additive");
    expect(Math.abs(s.indices.reduce((a, v) => a + v, 0))).toBeLessThan(1e-9);
    // The series ends mid-year (90 months): positions 6–11 come from the last cycle but one.
    const {seasonal} = stl(y, 12, 11);
    const latest = Array.from({length: 12}, (_, i) => seasonal[i < 6 ? 84 + i : 72 + i]);
    const mean = latest.reduce((a, v) => a + v, 0) / 12;
    // A clear pattern is hardly shrunk.
    s.indices.forEach((v, i) => expect(Math.abs(v - (latest[i] - mean))).toBeLessThan(0.05));
    s.indices.forEach((v, i) => expect(Math.abs(v - pattern[i])).toBeLessThan(0.5));
  });

  it("is used for monthly series only when the plan asks for it, and only once the seasonal test has passed", () => {
    const y = Array.from({length: 96}, (_, t) => withSpike(t));
    const stlPlan = {period: 12, mode: "auto" as const, multiplicative: false, decomposition: "stl" as const};
    expect(seasonalFor(y, stlPlan)!.indices).toEqual(stlIndices(y, 12).indices);
    expect(seasonalFor(y, {...stlPlan, decomposition: "classical"})!.indices).not.toEqual(stlIndices(y, 12).indices);
    const rand = mulberry32(7);
    const trendOnly = Array.from({length: 96}, (_, t) => 50 + 0.3 * t + rand());
    expect(seasonalFor(trendOnly, stlPlan)).toBeNull();
  });

  it("auto adjusts a monthly series with additive STL indices and says so; explicit methods keep the classical decomposition", () => {
    // Spread about constant in the level (Guerrero's λ ≥ ½), so auto models the original scale.
    const y = Array.from({length: 96}, (_, t) => 200 + 0.5 * t + 3 * pattern[t % 12] + wobble(t));
    const auto = forecast(y, {h: 18, frequency: 12});
    expect(auto.transform).toBe("none");
    expect(auto.seasonal!.type).toBe("additive");
    expect(auto.reason).toMatch(/additive robust STL decomposition, period 12/);
    auto.seasonal!.indices.forEach((v, i) => expect(Math.abs(v - 3 * pattern[i])).toBeLessThan(1));
    // Month 96 is a January (the peak), month 102 a July (the trough).
    expect(auto.mean[0] - auto.mean[6]).toBeGreaterThan(30);
    const theta = forecast(y, {h: 18, frequency: 12, method: "theta"});
    expect(theta.seasonal!.type).toBe("multiplicative");
    expect(theta.reason).toMatch(/multiplicative classical decomposition/);
  });
});
