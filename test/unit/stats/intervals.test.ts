import {describe, expect, it} from "vitest";
import {
  atBothLevels,
  countInterval,
  expectedEvents,
  indirectlyStandardisedRate,
  indirectlyStandardisedRatio,
  meanInterval,
  proportionInterval,
  rateInterval
} from "../../../api/stats/intervals.js";
import {expectClose, num, readCsv, req} from "./csv.js";

const REL = 1e-9;
const levelOf = (s: string): number => (s === "95%" ? 0.95 : s === "99.8%" ? 0.998 : Number.NaN);

describe("Byar and Wilson limits (phe/byars_wilson.csv)", () => {
  const rows = readCsv("phe/byars_wilson.csv");

  it("has the 13 gold rows", () => expect(rows).toHaveLength(13));

  for (const [i, r] of rows.entries()) {
    it(`row ${i + 1}: ${r.method} x=${r.x} n=${r.n || "-"} at ${r.confidence}`, () => {
      const level = levelOf(r.confidence);
      const x = req(r.x);
      const ci = r.method === "Byars" ? countInterval(x, {level, method: "byar"}) : proportionInterval(x, req(r.n), {level});
      const lower = num(r.lowercl);
      if (lower === null) expect(ci.lower).toBeNull();
      else expectClose(ci.lower, lower, REL, "lower");
      expectClose(ci.upper, req(r.uppercl), REL, "upper");
    });
  }

  it("treats a Byar lower limit below zero as undefined, never as 0", () => {
    const ci = countInterval(1, {level: 0.998, method: "byar"});
    expect(ci.lower).toBeNull();
    expect(ci.lower).not.toBe(0);
    expect(rateInterval(1, 100, {level: 0.998, method: "byar"}).lower).toBeNull();
    expect(indirectlyStandardisedRatio(1, 2, {level: 0.998, method: "byar"}).lower).toBeNull();
  });
});

describe("proportions with Wilson limits (phe/proportion.csv, phe/proportion_grouped_sum.csv)", () => {
  const rows = readCsv("phe/proportion.csv");

  it("has the 19 gold rows", () => expect(rows).toHaveLength(19));

  for (const [i, r] of rows.entries()) {
    const x = num(r.Numerator);
    const n = num(r.Denominator);
    const m = req(r.multiplier);
    if (x === null || n === null) {
      it(`row ${i + 1} (${r.Area}): throws a RangeError for a missing numerator or denominator (expected NA)`, () => {
        expect(r.value).toBe("");
        expect(() => proportionInterval(x as number, n as number, {multiplier: m})).toThrow(RangeError);
      });
      continue;
    }
    it(`row ${i + 1} (${r.Area}, x=${x}, n=${n}, ×${m}) matches value and both levels to 1e-9`, () => {
      const both = atBothLevels((level) => proportionInterval(x, n, {level, multiplier: m}));
      expectClose(both.level95.value, req(r.value), REL, "value");
      expectClose(both.level95.lower, req(r.lower95_0cl), REL, "lower 95");
      expectClose(both.level95.upper, req(r.upper95_0cl), REL, "upper 95");
      expectClose(both.level998.lower, req(r.lower99_8cl), REL, "lower 99.8");
      expectClose(both.level998.upper, req(r.upper99_8cl), REL, "upper 99.8");
      expect(both.level95.method).toBe("wilson");
    });
  }

  const grouped = readCsv("phe/proportion_grouped_sum.csv");
  it("has the 11 grouped rows", () => expect(grouped).toHaveLength(11));
  for (const [i, r] of grouped.entries()) {
    const x = num(r.Numerator);
    const n = num(r.Denominator);
    it(`grouped row ${i + 1} (${r.Area}) ${x === null || n === null ? "throws for missing input" : "matches the 95% limits of the summed counts"}`, () => {
      if (x === null || n === null) {
        expect(() => proportionInterval(x as number, n as number)).toThrow(RangeError);
        return;
      }
      const ci = proportionInterval(x, n, {level: levelOf(r.confidence), multiplier: req(r.multiplier)});
      expectClose(ci.value, req(r.value), REL, "value");
      expectClose(ci.lower, req(r.lowercl), REL, "lower");
      expectClose(ci.upper, req(r.uppercl), REL, "upper");
    });
  }

  it("rejects n = 0, x < 0, x > n and NaN with a RangeError", () => {
    expect(() => proportionInterval(1, 0)).toThrow(RangeError);
    expect(() => proportionInterval(-1, 10)).toThrow(RangeError);
    expect(() => proportionInterval(11, 10)).toThrow(/must not exceed/);
    expect(() => proportionInterval(Number.NaN, 10)).toThrow(RangeError);
  });

  it("gives the METHODS check value for x=65, n=100 at 95%", () => {
    const ci = proportionInterval(65, 100);
    expectClose(ci.lower, 0.55254443296887967, 1e-15, "lower");
    expectClose(ci.upper, 0.73635751756902468, 1e-15, "upper");
  });
});

describe("rates with exact and Byar limits (phe/rate.csv, phe/rate_grouped_sum.csv)", () => {
  const rows = readCsv("phe/rate.csv");
  it("has the 20 gold rows", () => expect(rows).toHaveLength(20));

  for (const [i, r] of rows.entries()) {
    const x = num(r.Numerator);
    const n = num(r.Denominator);
    const m = req(r.multiplier);
    if (x === null || n === null) {
      it(`row ${i + 1} (${r.Area}): throws a RangeError for a missing numerator or denominator (expected NA)`, () => {
        expect(r.value).toBe("");
        expect(() => rateInterval(x as number, n as number, {multiplier: m})).toThrow(RangeError);
      });
      continue;
    }
    it(`row ${i + 1} (${r.Area}, x=${x}, n=${n}, per ${m}) matches value, method and both levels to 1e-9`, () => {
      const both = atBothLevels((level) => rateInterval(x, n, {level, multiplier: m}));
      expect(both.level95.method).toBe(r.method === "Exact" ? "exact" : "byar");
      expectClose(both.level95.value, req(r.value), REL, "value");
      expectClose(both.level95.lower, req(r.lower95_0cl), REL, "lower 95");
      expectClose(both.level95.upper, req(r.upper95_0cl), REL, "upper 95");
      expectClose(both.level998.lower, req(r.lower99_8cl), REL, "lower 99.8");
      expectClose(both.level998.upper, req(r.upper99_8cl), REL, "upper 99.8");
    });
  }

  const grouped = readCsv("phe/rate_grouped_sum.csv");
  it("has the 12 grouped rows", () => expect(grouped).toHaveLength(12));
  for (const [i, r] of grouped.entries()) {
    const x = num(r.Numerator);
    const n = num(r.Denominator);
    it(`grouped row ${i + 1} (${r.Area}) ${x === null || n === null ? "throws for missing input" : "matches the 95% limits of the summed counts"}`, () => {
      if (x === null || n === null) {
        expect(() => rateInterval(x as number, n as number)).toThrow(RangeError);
        return;
      }
      const ci = rateInterval(x, n, {level: levelOf(r.confidence), multiplier: req(r.multiplier)});
      expect(ci.method).toBe(r.method === "Exact" ? "exact" : "byar");
      expectClose(ci.value, req(r.value), REL, "value");
      expectClose(ci.lower, req(r.lowercl), REL, "lower");
      expectClose(ci.upper, req(r.uppercl), REL, "upper");
    });
  }

  it("uses exact Poisson limits below 10 events and Byar from 10", () => {
    expect(countInterval(9).method).toBe("exact");
    expect(countInterval(10).method).toBe("byar");
    expect(countInterval(0).lower).toBe(0);
    expect(countInterval(0).upper).toBeCloseTo(-Math.log(0.025), 12);
  });

  it("defaults rates to per 10,000 children and allows more events than population", () => {
    expect(rateInterval(25, 5000).value).toBe(50);
    expect(rateInterval(250, 220).value).toBeCloseTo((250 / 220) * 10000, 9);
  });

  it("gives the METHODS Byar check value for x=65 at 95%", () => {
    const ci = countInterval(65);
    expectClose(ci.lower, 50.163187710459454, 1e-14, "lower");
    expectClose(ci.upper, 82.849138545939837, 1e-14, "upper");
  });

  it("rejects negative counts, zero populations and NaN with a RangeError", () => {
    expect(() => countInterval(-1)).toThrow(RangeError);
    expect(() => rateInterval(3, 0)).toThrow(RangeError);
    expect(() => rateInterval(Number.NaN, 10)).toThrow(RangeError);
  });
});

describe("means with Student-t limits (phe/mean_inputs.csv, phe/mean_results.csv)", () => {
  const inputs = readCsv("phe/mean_inputs.csv");
  const results = readCsv("phe/mean_results.csv");
  it("has 26 input values and 3 results", () => {
    expect(inputs).toHaveLength(26);
    expect(results).toHaveLength(3);
  });

  for (const r of results) {
    it(`${r.area}: sum, count, sd (n−1), mean and both levels match to 1e-9`, () => {
      const values = inputs.filter((v) => r.area === "No grouping" || v.area === r.area).map((v) => req(v.values));
      const both = atBothLevels((level) => meanInterval(values, {level}));
      expect(both.level95.n).toBe(req(r.value_count));
      expectClose(both.level95.sum, req(r.value_sum), REL, "sum");
      expectClose(both.level95.sd, req(r.stdev), REL, "sd");
      expectClose(both.level95.value, req(r.value), REL, "mean");
      expectClose(both.level95.lower, req(r.lower95_0cl), REL, "lower 95");
      expectClose(both.level95.upper, req(r.upper95_0cl), REL, "upper 95");
      expectClose(both.level998.lower, req(r.lower99_8cl), REL, "lower 99.8");
      expectClose(both.level998.upper, req(r.upper99_8cl), REL, "upper 99.8");
    });
  }

  it("needs at least two finite values", () => {
    expect(() => meanInterval([1])).toThrow(RangeError);
    expect(() => meanInterval([1, Number.NaN])).toThrow(RangeError);
  });
});

describe("indirectly standardised ratios and rates (phe/isr_results.csv)", () => {
  const results = readCsv("phe/isr_results.csv");
  const ref = readCsv("phe/isr_refdata.csv");
  const multi = readCsv("phe/dsr_isr_inputs_multiarea.csv");
  const ownRef = readCsv("phe/isr_inputs_ownref.csv");
  const zeroPop = readCsv("phe/isr_inputs_zero_pop.csv");
  const refRate = ref.reduce((s, r) => s + req(r.refcount), 0) / ref.reduce((s, r) => s + req(r.refpop), 0);

  const strataFor = (rows: Record<string, string>[]) =>
    rows.map((r, k) => ({population: req(r.pop), referenceCount: req(ref[k].refcount), referencePopulation: req(ref[k].refpop)}));
  const observedAndExpected = new Map<string, {o: number; e: number}>();
  for (const area of ["testdata_big", "testdata_small", "testdata_tiny"]) {
    const rows = multi.filter((r) => r.area === area);
    // testdata_tiny has one band with a missing count: no events recorded there.
    observedAndExpected.set(area, {o: rows.reduce((s, r) => s + (num(r.count) ?? 0), 0), e: expectedEvents(strataFor(rows))});
  }
  for (const area of ["Area1", "Area2"]) {
    const rows = zeroPop.filter((r) => r.area === area);
    observedAndExpected.set(area, {o: rows.reduce((s, r) => s + req(r.count), 0), e: expectedEvents(strataFor(rows))});
  }

  it("has 16 result rows and 19-band inputs for every area", () => {
    expect(results).toHaveLength(16);
    expect(multi).toHaveLength(57);
    expect(zeroPop).toHaveLength(38);
  });

  it("computes E from each area's own reference columns identically (isr_inputs_ownref.csv)", () => {
    for (const area of ["testdata_big", "testdata_small", "testdata_tiny"]) {
      const rows = ownRef.filter((r) => r.area === area);
      // testdata_tiny's 10-14 band is blank (no population recorded); its reference count is 0 anyway.
      const e = expectedEvents(
        rows.map((r) => ({population: num(r.pop) ?? 0, referenceCount: num(r.refcount) ?? 0, referencePopulation: req(r.refpop)}))
      );
      expectClose(e, observedAndExpected.get(area)!.e, 1e-12, area);
    }
  });

  it("counts events in a band with zero population in O but adds nothing to E", () => {
    expectClose(observedAndExpected.get("Area1")!.e, 808.32174009182529, REL, "E with a zero-population band");
    expect(observedAndExpected.get("Area1")!.o).toBe(895);
  });

  for (const [i, r] of results.entries()) {
    it(`row ${i + 1}: ${r.area}, ${r.statistic}`, () => {
      const {o, e} = observedAndExpected.get(r.area)!;
      expect(o).toBe(req(r.observed));
      expectClose(e, req(r.expected), REL, "expected");
      const perMatch = /per (\d+)/.exec(r.statistic);
      const xMatch = /x (\d+)/.exec(r.statistic);
      const compute = (level: number) =>
        perMatch
          ? indirectlyStandardisedRate(o, e, refRate, {level, multiplier: Number(perMatch[1])})
          : indirectlyStandardisedRatio(o, e, {level, multiplier: Number(xMatch![1])});
      if (perMatch) expectClose(refRate * Number(perMatch[1]), req(r.ref_rate), REL, "reference rate");
      const both = atBothLevels(compute);
      expect(both.level95.method).toBe(r.method === "Exact" ? "exact" : "byar");
      expectClose(both.level95.value, req(r.value), REL, "value");
      expectClose(both.level95.lower, req(r.lower95_0cl), REL, "lower 95");
      expectClose(both.level95.upper, req(r.upper95_0cl), REL, "upper 95");
      const l998 = num(r.lower99_8cl);
      if (l998 !== null) {
        expectClose(both.level998.lower, l998, REL, "lower 99.8");
        expectClose(both.level998.upper, req(r.upper99_8cl), REL, "upper 99.8");
      }
    });
  }

  it("rejects E ≤ 0 and negative O with a RangeError", () => {
    expect(() => indirectlyStandardisedRatio(5, 0)).toThrow(RangeError);
    expect(() => indirectlyStandardisedRatio(-1, 3)).toThrow(RangeError);
    expect(() => expectedEvents([{population: 10, referenceCount: 1, referencePopulation: 0}])).toThrow(RangeError);
  });
});
