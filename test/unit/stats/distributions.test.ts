import {describe, expect, it} from "vitest";
import {qchisq, qgamma, qnorm, qt, seededSampler, z} from "../../../api/stats/distributions.js";
import {expectClose} from "./csv.js";

describe("distributions", () => {
  it("gives z = 1.959963984540054 at 95% and 3.090232306167813 at 99.8%, bit for bit", () => {
    expect(z(0.95)).toBe(qnorm(0.975));
    expect(z(0.998)).toBe(qnorm(0.999));
    expect(z(0.95)).toBeCloseTo(1.959963984540054, 15);
    expect(z(0.998)).toBeCloseTo(3.090232306167813, 15);
  });

  it("wraps the @stdlib quantile functions (chi-square, t, gamma)", () => {
    expect(qchisq(0.975, 4) / 2).toBeCloseTo(5.571643390938898, 14);
    expect(qgamma(0.975, 2)).toBeCloseTo(5.571643390938898, 14);
    expect(qt(0.025, 7)).toBeCloseTo(-2.3646242515927853, 14);
  });

  it("rejects confidence levels outside (0, 1)", () => {
    expect(() => z(95)).toThrow(RangeError);
    expect(() => z(0)).toThrow(RangeError);
  });

  it("makes seeded samplers reproducible for the same seed and different for another", () => {
    const a = seededSampler(2024);
    const b = seededSampler(2024);
    const c = seededSampler(2025);
    const draws = (s: ReturnType<typeof seededSampler>) => [s.gamma(3.5, 100), s.uniform(), s.normal(), s.normal()];
    const da = draws(a);
    expect(draws(b)).toEqual(da);
    expect(draws(c)).not.toEqual(da);
    expect(() => seededSampler(0)).toThrow(RangeError);
    expect(() => seededSampler(1.5)).toThrow(RangeError);
  });
});

describe("gamma quantiles for large shapes", () => {
  // Reference values: scipy.stats.gamma.ppf / chi2.ppf (Boost/Cephes), which also agree with
  // PHE's funnel outputs. @stdlib 0.3.x alone returns e.g. 1049.68 for the first case.
  const cases: [number, number, number][] = [
    [0.975, 987, 1049.5169299857141],
    [0.025, 1360, 1288.6718647768962],
    [0.999, 1361, 1477.8595143113293],
    [0.001, 1360, 1248.8814752230935],
    [0.5, 2000, 1999.6666765450127],
    [0.975, 5000, 5139.535089943795]
  ];
  for (const [p, a, expected] of cases) {
    it(`qgamma(${p}, ${a}) is accurate to 1e-13 where @stdlib's incomplete gamma drifts (x > 1000)`, () => {
      expectClose(qgamma(p, a), expected, 1e-13, "qgamma");
    });
  }

  it("routes large even-df chi-square quantiles through the same correction", () => {
    expectClose(qchisq(0.975, 4000) / 2, 2088.595528143092, 1e-13, "qchisq");
  });

  it("leaves smaller quantiles to @stdlib unchanged", () => {
    expect(qgamma(0.975, 800)).toBeCloseTo(856.3771425047613, 9);
  });
});
