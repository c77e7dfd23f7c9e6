import {describe, expect, it} from "vitest";
import {
  funnelAxis,
  funnelLimits,
  funnelPoints,
  funnelSignificance,
  type FunnelAxisPoint,
  type RateFunnelInput
} from "../../../api/stats/funnel.js";
import {expectClose, num, readCsv, req} from "./csv.js";

/** The CSVs are rounded to 6–10 significant digits upstream. */
const CSV_REL = 1e-6;

/**
 * PHE finds the Poisson limits by bisection, which stops at an absolute error of about
 * 1e-7 in the expected count; we use the exact gamma quantile. Relative 1e-5 (the
 * README's tolerance for the analytic shortcut), widened to 1e-7 absolute in E where E
 * is tiny (E ≈ 0.001 at one event on the upper 99.8% limit).
 */
const relTolForE = (e: number): number => Math.max(1e-5, 1e-7 / e);

function expectWithin(actual: number, expected: number, absTol: number, label: string): void {
  expect(Math.abs(actual - expected), `${label}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(absTol);
}

const LIMITS = [
  ["lower_2s", "lower95"],
  ["upper_2s", "upper95"],
  ["lower_3s", "lower998"],
  ["upper_3s", "upper998"]
] as const;

describe("proportion funnels (phe/funnel_prop_*.csv)", () => {
  const inputs = readCsv("phe/funnel_prop_inputs.csv");
  const rows = inputs.map((r) => ({numerator: req(r.numerator), denominator: req(r.denominator)}));

  const cases = [
    {file: "phe/funnel_prop_outputs.csv", rows},
    {file: "phe/funnel_prop_outputs_with_axis_variation.csv", rows: rows.filter((r) => r.denominator < 31000)}
  ];
  for (const {file, rows: used} of cases) {
    describe(file, () => {
      const expected = readCsv(file);
      const limits = funnelLimits({statistic: "proportion", rows: used, multiplier: 100});

      it("reproduces PHE's 100 axis denominators exactly", () => {
        expect(expected).toHaveLength(100);
        expect(limits.points.map((p) => p.axis)).toEqual(expected.map((r) => req(r.Population)));
      });

      for (const [i, r] of expected.entries()) {
        it(`axis point ${i + 1} (n=${r.Population}): centre line and four limits match to 1e-6`, () => {
          const p = limits.points[i];
          expectClose(limits.baseline, req(r.baseline), CSV_REL, "baseline");
          for (const [col, key] of LIMITS) {
            const e = req(r[`${col}_limit`]);
            if (e === 0) expect(p[key].value).toBe(0);
            else expectClose(p[key].value, e, CSV_REL, col);
            expect(p[key].x).toBe(p.axis);
          }
        });
      }
    });
  }

  it("clamps the limits to 0% and 100%", () => {
    const l = funnelLimits({statistic: "proportion", rows, multiplier: 100, axis: [1, 2]});
    expect(l.points[0].upper95.value).toBe(100);
    expect(l.points[0].lower998.value).toBe(0);
  });

  it(`labels all ${inputs.length} areas exactly as PHE (phe/funnel_prop_inputs.csv)`, () => {
    expect(inputs).toHaveLength(303);
    expect(funnelSignificance({statistic: "proportion", rows})).toEqual(inputs.map((r) => r.significance));
  });

  it("rejects numerators above denominators, negative numerators and zero denominators", () => {
    expect(() => funnelSignificance({statistic: "proportion", rows: [{numerator: 65, denominator: 100}, {numerator: 30, denominator: 20}]})).toThrow(RangeError);
    expect(() => funnelSignificance({statistic: "proportion", rows: [{numerator: -80, denominator: 100}]})).toThrow(RangeError);
    expect(() => funnelSignificance({statistic: "proportion", rows: [{numerator: 30, denominator: 0}]})).toThrow(RangeError);
  });
});

describe("ratio funnels (phe/funnel_ratio_*.csv)", () => {
  const inputs = readCsv("phe/funnel_ratio_inputs.csv");
  const rows = inputs.map((r) => ({observed: req(r.obs), expected: req(r.expected)}));
  const expected = readCsv("phe/funnel_ratio_outputs.csv");
  const axisMax = req(expected[expected.length - 1].Observed_events);

  it(`labels all ${inputs.length} units exactly as PHE, comparing O with E (centre line 1)`, () => {
    expect(inputs).toHaveLength(300);
    expect(funnelSignificance({statistic: "ratio", rows})).toEqual(inputs.map((r) => r.significance));
  });

  it("places the default ratio axis at 1…ceil(1.05 × max E to 2 s.f.) = 750; PHE stops at 716 (pin it with axis.max)", () => {
    const def = funnelLimits({statistic: "ratio", rows});
    expect(def.points[0].axis).toBe(1);
    expect(def.points[99].axis).toBe(750);
    expect(axisMax).toBe(716);
  });

  const isr = funnelLimits({statistic: "ratio", rows, ratioType: "isr", multiplier: 100, axis: {max: axisMax}});
  const count = funnelLimits({statistic: "ratio", rows, ratioType: "count", axis: {max: axisMax}});

  it("reproduces PHE's 100 observed-event axis points exactly once the maximum is pinned", () => {
    expect(expected).toHaveLength(100);
    expect(isr.points.map((p) => p.axis)).toEqual(expected.map((r) => req(r.Observed_events)));
    expect(isr.baseline).toBe(100);
    expect(count.baseline).toBe(0);
  });

  for (const [i, r] of expected.entries()) {
    it(`axis point ${i + 1} (O=${r.Observed_events}): expected events, O/E − 1 and O/E × 100 on all four limits`, () => {
      const o = req(r.Observed_events);
      for (const [col, key] of LIMITS) {
        const pi: FunnelAxisPoint = isr.points[i];
        const pc: FunnelAxisPoint = count.points[i];
        const e = req(r[`${col}_exp_events`]);
        const tol = relTolForE(e);
        expectWithin(pi[key].x, e, tol * e, `${col} expected events`);
        expect(pc[key].x).toBe(pi[key].x);
        expectWithin(pi[key].value, req(r[`${col}_isr`]), tol * (o / e) * 100, `${col} isr`);
        expectWithin(pc[key].value, req(r[`${col}_count`]), tol * (o / e), `${col} count`);
      }
    });
  }
});

describe("rate funnels (phe/funnel_rate_*.csv)", () => {
  const funnelInputs = readCsv("phe/funnel_rate_input_funnels.csv");
  const ev = funnelInputs.map((r) => req(r.ev));
  const rate = funnelInputs.map((r) => req(r.rate));
  const maxEv = Math.max(...ev);
  const M = 1e5;

  const dsrRows = ev.map((e, i) => ({numerator: e, rate: rate[i]}));
  const crudeRows = ev.map((e, i) => ({numerator: e === maxEv ? 5 : e, rate: rate[i]}));
  // Third PHE test: pop derived from the original events, then the largest row zeroed, then only
  // rows with pop above half the largest kept.
  const pop = ev.map((e, i) => (M * e) / rate[i]);
  const maxPop = Math.max(...pop);
  const denomRows = ev
    .map((e, i) => ({numerator: e === maxEv ? 0 : e, rate: e === maxEv ? 0 : rate[i], denominator: pop[i]}))
    .filter((r) => r.denominator > maxPop / 2);

  const cases: {file: string; input: RateFunnelInput}[] = [
    {file: "phe/funnel_rate_outputs.csv", input: {statistic: "rate", rateType: "dsr", rows: dsrRows, multiplier: M, yearsOfData: 3}},
    {file: "phe/funnel_rate_outputs_2.csv", input: {statistic: "rate", rateType: "crude", rows: crudeRows, multiplier: M, yearsOfData: 3}},
    {file: "phe/funnel_rate_outputs_3.csv", input: {statistic: "rate", rateType: "crude", rows: denomRows, multiplier: M, yearsOfData: 3}}
  ];

  it("uses 50 input areas, 18 of them in the third (denominator) test", () => {
    expect(funnelInputs).toHaveLength(50);
    expect(denomRows).toHaveLength(18);
  });

  for (const {file, input} of cases) {
    describe(file, () => {
      const expected = readCsv(file);
      const limits = funnelLimits(input);

      it("reproduces PHE's 100 axis event counts exactly", () => {
        expect(expected).toHaveLength(100);
        expect(limits.points.map((p) => p.axis)).toEqual(expected.map((r) => req(r.Events)));
      });

      for (const [i, r] of expected.entries()) {
        it(`axis point ${i + 1} (${r.Events} events): centre line, one-year populations and rates on all four limits`, () => {
          expectClose(limits.baseline, req(r.baseline), CSV_REL, "baseline");
          const p = limits.points[i];
          const o = req(r.Events);
          for (const [col, key] of LIMITS) {
            const pop1 = req(r[`${col}_population_1_year`]);
            // E = pop1 × years × r̄ / M, so the population inherits E's tolerance.
            const e = (pop1 * 3 * limits.baseline) / M;
            const tol = relTolForE(e);
            expectWithin(p[key].x, pop1, tol * pop1, `${col} population`);
            expectWithin(p[key].value, req(r[`${col}_limit`]), tol * req(r[`${col}_limit`]) + CSV_REL * req(r[`${col}_limit`]), `${col} rate`);
            expect(o).toBe(p.axis);
          }
        });
      }
    });
  }

  describe("unit positions for charting (funnel_rate_input_funnels.csv chart columns)", () => {
    const variants = [
      {
        label: "DSR with the largest count replaced by 5 (DSRs under 10 events are not plotted)",
        input: {statistic: "rate", rateType: "dsr", rows: crudeRows, multiplier: M, yearsOfData: 3} as RateFunnelInput,
        rateCol: "rate_chart",
        denCol: "denominator_derived"
      },
      {
        label: "crude rates without denominators",
        input: {statistic: "rate", rateType: "crude", rows: dsrRows, multiplier: M, yearsOfData: 3} as RateFunnelInput,
        rateCol: "rate_chart_crude",
        denCol: "denominator_derived_crude"
      },
      {
        label: "crude rates with denominators over 5 years, largest count set to 0",
        input: {
          statistic: "rate",
          rateType: "crude",
          rows: funnelInputs.map((r) => ({numerator: req(r.ev) === maxEv ? 0 : req(r.ev), rate: req(r.rate), denominator: req(r.pop)})),
          multiplier: M,
          yearsOfData: 5
        } as RateFunnelInput,
        rateCol: "rate_chart_crude_with_denom",
        denCol: "denominator_derived_crude_with_denom"
      }
    ];
    for (const v of variants) {
      it(`${v.label}: all 50 rows`, () => {
        const pts = funnelPoints(v.input);
        funnelInputs.forEach((r, i) => {
          const value = num(r[v.rateCol]);
          const den = num(r[v.denCol]);
          if (value === null) expect(pts[i].value, `row ${i + 1}`).toBeNull();
          else expectClose(pts[i].value, value, CSV_REL, `row ${i + 1} rate`);
          if (den === null) expect(pts[i].x, `row ${i + 1}`).toBeNull();
          else expectClose(pts[i].x, den, CSV_REL, `row ${i + 1} one-year population`);
        });
      });
    }
  });

  describe("significance labels (phe/funnel_rate_dsr_inputs.csv, 8 label columns)", () => {
    const sig = readCsv("phe/funnel_rate_dsr_inputs.csv");
    it("has 40 areas, one with no events", () => {
      expect(sig).toHaveLength(40);
      expect(sig.filter((r) => req(r.count) === 0)).toHaveLength(1);
    });
    for (const type of ["dsr", "crude"] as const) {
      for (const [per, m] of [["100000", 1e5], ["100", 100]] as const) {
        for (const withZero of [true, false]) {
          const col = `${type}_per_${per}_${withZero ? "with" : "without"}_0`;
          it(`${col}: every label matches`, () => {
            const used = sig.filter((r) => withZero || req(r.count) !== 0);
            const rateCol = type === "dsr" ? "rate_dsr" : `rate_crude_per_${per}`;
            const labels = funnelSignificance({
              statistic: "rate",
              rateType: type,
              multiplier: m,
              rows: used.map((r) => ({numerator: req(r.count), denominator: req(r.pop), rate: num(r[rateCol]) ?? undefined}))
            });
            expect(labels).toEqual(used.map((r) => r[col]));
          });
        }
      }
    }
  });
});

describe("funnel axis", () => {
  it("grows geometrically, re-aimed at the maximum, with whole numbers at least 1 apart", () => {
    const axis = funnelAxis(1, 110000);
    expect(axis).toHaveLength(100);
    expect(axis.slice(0, 14)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(axis[99]).toBe(110000);
    for (let i = 1; i < axis.length; i++) expect(axis[i] - axis[i - 1]).toBeGreaterThanOrEqual(1);
  });

  it("accepts explicit axis points and rejects non-positive ones", () => {
    const l = funnelLimits({statistic: "ratio", rows: [{observed: 5, expected: 4}], axis: [1, 5, 10]});
    expect(l.points.map((p) => p.axis)).toEqual([1, 5, 10]);
    expect(() => funnelLimits({statistic: "ratio", rows: [{observed: 5, expected: 4}], axis: [0, 5]})).toThrow(RangeError);
  });
});
