import {describe, expect, it} from "vitest";
import {
  concentrationCurve,
  isConfidentlyTopK,
  pheQuantiles,
  rankIntervals,
  sii,
  type SiiOptions,
  type SiiRow,
  type SiiValueType
} from "../../../api/stats/inequality.js";
import {expectClose, num, readCsv, req} from "./csv.js";

describe("slope and relative index of inequality (phe/sii_testdata.csv)", () => {
  const rows = readCsv("phe/sii_testdata.csv");
  const blocks = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const key = `${r.TestDescription} | ${r.Area}`;
    if (!blocks.has(key)) blocks.set(key, []);
    blocks.get(key)!.push(r);
  }

  it("has 505 rows in 51 blocks (22 tests × 2 areas, 7 error/warning tests on one area)", () => {
    expect(rows).toHaveLength(505);
    expect(blocks.size).toBe(51);
  });

  const VALUE_TYPE: Record<string, SiiValueType> = {"0": "other", "1": "rate", "2": "proportion"};
  const toRows = (block: Record<string, string>[]): SiiRow[] =>
    block.map((r) => ({
      quantile: req(r.Quantile),
      population: num(r.Population) as number,
      value: num(r.Value) as number,
      lower: num(r.LowerCL),
      upper: num(r.UpperCL),
      se: num(r.StandardError)
    }));
  const optionsFor = (d: string, valueType: SiiValueType): SiiOptions => ({
    valueType,
    transform: /log transform|logit transform/.test(d),
    multiplier: /x -100/.test(d) ? -100 : /x 100/.test(d) ? 100 : /negative multiplier/.test(d) ? -1 : 1,
    rii: !/without rii/.test(d)
  });
  const levelsFor = (d: string, confidence: string): number[] => {
    if (/95 and 98|95% and 98%/i.test(d)) return [0.95, 0.98];
    if (/98%/.test(d)) return [0.98];
    if (/c\(95, 99\)/.test(confidence)) return [0.95, 0.99];
    if (/99% confidence/.test(d)) return [0.99];
    return [0.95];
  };

  for (const [key, block] of blocks) {
    const head = block[0];
    const d = head.TestDescription;
    const valueType = VALUE_TYPE[head.ValueType];

    if (/^error handling|^warning handling - missing/.test(d)) {
      it(`${key}: rejects the input with a RangeError`, () => {
        const input = toRows(block);
        if (/invalid proportion/.test(d)) {
          expect(() => sii(input, {valueType: "proportion"})).toThrow(/proportion between 0 and 1/);
        } else if (/missing confidence limits/.test(d)) {
          // Point estimates need no intervals; the simulation does.
          expect(() => sii(input)).not.toThrow();
          expect(() => sii(input, {simulation: {seed: 1, repetitions: 100}})).toThrow(/standard error or confidence limits/);
        } else if (/negative populations/.test(d)) {
          expect(() => sii(input)).toThrow(/population must not be negative/);
        } else if (/negative counts\/standard error/.test(d)) {
          expect(() => sii(input)).toThrow(/se must not be negative/);
        } else {
          expect(() => sii(input)).toThrow(RangeError);
        }
      });
      continue;
    }

    if (/large number of quantiles/.test(d)) {
      it(`${key}: calculates with more than 10 quantiles but warns`, () => {
        const result = sii(toRows(block));
        expect(result.quantiles).toBe(15);
        expect(Number.isFinite(result.sii)).toBe(true);
        expect(result.warnings).toHaveLength(1);
      });
      continue;
    }

    it(`${key}: sii, rii and intercept match exactly (1e-9) on all ${block.length} quantiles`, () => {
      const result = sii(toRows(block), optionsFor(d, valueType));
      expectClose(result.sii, req(head.sii), 1e-9, "sii");
      const rii = num(head.rii);
      if (rii === null) expect(result.rii).toBeNull();
      else expectClose(result.rii, rii, 1e-9, "rii");
      const intercept = num(head.Intercept);
      if (intercept !== null) expectClose(result.intercept, intercept, 1e-9, "intercept");
      expect(result.warnings).toEqual([]);
    });

    const lcl1 = num(head.sii_lowercl_1);
    if (lcl1 !== null) {
      it(`${key}: simulated intervals agree with PHE's within 5% (their test tolerance)`, () => {
        const levels = levelsFor(d, head.Confidence);
        const result = sii(toRows(block), {...optionsFor(d, valueType), simulation: {seed: 20240601, repetitions: 10000, levels}});
        levels.forEach((level, k) => {
          const n = k + 1;
          const iv = result.intervals[k];
          expect(iv.level).toBe(level);
          expectClose(iv.siiLower, req(head[`sii_lowercl_${n}`]), 0.05, `sii lower ${level}`);
          expectClose(iv.siiUpper, req(head[`sii_uppercl_${n}`]), 0.05, `sii upper ${level}`);
          const rl = num(head[`rii_lowercl_${n}`]);
          if (rl === null) expect(iv.riiLower).toBeNull();
          else {
            expectClose(iv.riiLower, rl, 0.05, `rii lower ${level}`);
            expectClose(iv.riiUpper, req(head[`rii_uppercl_${n}`]), 0.05, `rii upper ${level}`);
          }
        });
      });
    }
  }

  it("orders quantiles from most deprived (1) whatever the input order", () => {
    const block = blocks.get("default (e.g. life expectancy) - default parameters | area1")!;
    const shuffled = [...toRows(block)].reverse();
    expectClose(sii(shuffled).sii, req(block[0].sii), 1e-12, "sii");
  });

  it("gives identical simulation intervals for the same seed", () => {
    const block = toRows(blocks.get("default (e.g. life expectancy) - default parameters | area1")!);
    const a = sii(block, {simulation: {seed: 7, repetitions: 500}});
    const b = sii(block, {simulation: {seed: 7, repetitions: 500}});
    expect(a.intervals).toEqual(b.intervals);
  });
});

describe("PHE quantiles (phe/quantiles.csv)", () => {
  const rows = readCsv("phe/quantiles.csv");
  const groups = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const key = `${r.group_set} | ${r.group_key}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }

  it("has 982 rows in 22 groups", () => {
    expect(rows).toHaveLength(982);
    expect(groups.size).toBe(22);
  });

  for (const [key, group] of groups) {
    it(`${key}: every quantile matches (${group.length} rows, n = ${group[0].nquantiles}, invert = ${group[0].invert})`, () => {
      const result = pheQuantiles(
        group.map((r) => num(r.value)),
        {n: req(group[0].nquantiles), invert: group[0].invert === "True"}
      );
      expect(result).toEqual(group.map((r) => num(r.expected_quantile)));
    });
  }

  it("leaves every value unbanded when there are fewer values than quantiles", () => {
    expect(pheQuantiles([1, 2, 3], {n: 4})).toEqual([null, null, null]);
  });

  it("puts the worst values in quantile 1 when only the polarity is given", () => {
    expect(pheQuantiles([10, 20, 30, 40], {n: 4, polarity: "high-is-good"})).toEqual([1, 2, 3, 4]);
    expect(pheQuantiles([10, 20, 30, 40], {n: 4, polarity: "low-is-good"})).toEqual([4, 3, 2, 1]);
  });

  it("gives tied values the same (minimum-rank) quantile", () => {
    expect(pheQuantiles([5, 5, 6, 7], {n: 2, invert: false})).toEqual([1, 1, 2, 2]);
  });
});

describe("concentration curve", () => {
  const wards = [
    {id: "C", cases: 20, population: 600, deprivationRank: 3},
    {id: "A", cases: 50, population: 100, deprivationRank: 2},
    {id: "B", cases: 30, population: 300, deprivationRank: 1}
  ];

  it("orders by rate (highest first) and gives cumulative population and case shares", () => {
    const c = concentrationCurve(wards, {orderBy: "rate"});
    expect(c.points.map((p) => p.id)).toEqual(["A", "B", "C"]);
    expect(c.points.map((p) => p.populationShare)).toEqual([0.1, 0.4, 1]);
    expect(c.points.map((p) => p.caseShare)).toEqual([0.5, 0.8, 1]);
  });

  it("reads 'the first k wards hold X% of cases but Y% of children' off point k", () => {
    const c = concentrationCurve(wards, {orderBy: "rate"});
    expect(c.points[1]).toMatchObject({caseShare: 0.8, populationShare: 0.4});
  });

  it("computes C = Σ (Pₜ₋₁·Lₜ − Pₜ·Lₜ₋₁), which equals 1 − 2 × area under the curve", () => {
    const c = concentrationCurve(wards, {orderBy: "rate"});
    expect(c.index).toBeCloseTo(-0.52, 14);
    let auc = 0;
    let [p0, l0] = [0, 0];
    for (const p of c.points) {
      auc += ((p.populationShare - p0) * (p.caseShare + l0)) / 2;
      [p0, l0] = [p.populationShare, p.caseShare];
    }
    expect(c.index).toBeCloseTo(1 - 2 * auc, 14);
  });

  it("gives C = 0 when every ward has the same rate", () => {
    const even = [1, 2, 3].map((k) => ({id: `w${k}`, cases: 10 * k, population: 100 * k}));
    expect(concentrationCurve(even, {orderBy: "rate"}).index).toBeCloseTo(0, 15);
  });

  it("orders by deprivation rank (1 = most deprived) for equity analysis", () => {
    const c = concentrationCurve(wards, {orderBy: "deprivation"});
    expect(c.points.map((p) => p.id)).toEqual(["B", "A", "C"]);
  });

  it("rejects negative counts and zero totals", () => {
    expect(() => concentrationCurve([{id: "x", cases: -1, population: 10}], {orderBy: "input"})).toThrow(RangeError);
    expect(() => concentrationCurve([{id: "x", cases: 0, population: 10}], {orderBy: "input"})).toThrow(RangeError);
  });
});

describe("rank intervals", () => {
  const wards = [
    {id: "big-high", count: 900, population: 10000},
    {id: "big-mid", count: 500, population: 10000},
    {id: "big-low", count: 100, population: 10000},
    {id: "small-noisy", count: 3, population: 40}
  ];

  it("is reproducible for a given seed", () => {
    expect(rankIntervals(wards, {seed: 42})).toEqual(rankIntervals(wards, {seed: 42}));
  });

  it("ranks the highest rate first unless high is good", () => {
    const low = rankIntervals(wards, {seed: 1, polarity: "low-is-good"});
    const high = rankIntervals(wards, {seed: 1, polarity: "high-is-good"});
    expect(low.find((r) => r.id === "big-high")!.rank).toBe(1);
    expect(high.find((r) => r.id === "big-low")!.rank).toBe(1);
  });

  it("gives a large, clearly different ward a tight interval and a small ward a wide one", () => {
    const r = rankIntervals(wards, {seed: 3, draws: 2000});
    const bigHigh = r.find((x) => x.id === "big-high")!;
    const bigLow = r.find((x) => x.id === "big-low")!;
    const small = r.find((x) => x.id === "small-noisy")!;
    expect(bigLow).toMatchObject({rank: 4, medianRank: 4, lowerRank: 4, upperRank: 4});
    expect(bigHigh).toMatchObject({medianRank: 1, lowerRank: 1});
    expect(small.upperRank - small.lowerRank).toBeGreaterThanOrEqual(2);
    // Observed rate 7.5% ranks it second, but with 3 events it cannot be called top 2 …
    expect(small.rank).toBe(2);
    expect(isConfidentlyTopK(small, 2)).toBe(false);
    // … and its noise even stops the clear leader being called top 1 for certain.
    expect(isConfidentlyTopK(bigHigh, 1)).toBe(false);
    expect(isConfidentlyTopK(bigHigh, 2)).toBe(true);
  });

  it("reports rates per 10,000 by default", () => {
    expect(rankIntervals(wards, {seed: 5})[0].rate).toBe(900);
  });

  it("rejects zero populations, negative counts and too few draws", () => {
    expect(() => rankIntervals([{id: "a", count: 1, population: 0}], {seed: 1})).toThrow(RangeError);
    expect(() => rankIntervals([{id: "a", count: -1, population: 5}], {seed: 1})).toThrow(RangeError);
    expect(() => rankIntervals(wards, {seed: 1, draws: 10})).toThrow(RangeError);
  });
});
