import {describe, expect, it} from "vitest";
import {compareWithBenchmark, type Polarity} from "../../../api/stats/benchmark.js";
import {readJson} from "./csv.js";

interface Case {
  polarity: "HighIsGood" | "LowIsGood" | "NoJudgement";
  value: number;
  lower_ci: number;
  upper_ci: number;
  benchmark_value: number;
  expected: string;
}

const POLARITY: Record<Case["polarity"], Polarity> = {
  HighIsGood: "high-is-good",
  LowIsGood: "low-is-good",
  NoJudgement: "no-judgement"
};

describe("benchmark comparison (fingertips/benchmark_comparison_cases.json)", () => {
  const {cases} = readJson<{cases: Case[]}>("fingertips/benchmark_comparison_cases.json");

  it("has the 12 gold cases", () => expect(cases).toHaveLength(12));

  for (const c of cases) {
    it(`${c.polarity}: CI ${c.lower_ci}–${c.upper_ci} vs benchmark ${c.benchmark_value} is ${c.expected}`, () => {
      const result = compareWithBenchmark({lower: c.lower_ci, upper: c.upper_ci}, c.benchmark_value, POLARITY[c.polarity]);
      expect(result).toBe(c.expected.toLowerCase());
    });
  }

  it("compares the area's interval with the benchmark's value, ignoring the benchmark's own interval", () => {
    // The benchmark value is all the function accepts: 10 is outside 4–6 even if the benchmark's CI were 5–15.
    expect(compareWithBenchmark({lower: 4, upper: 6}, 10, "high-is-good")).toBe("worse");
  });

  it("treats an interval that touches the benchmark as similar", () => {
    expect(compareWithBenchmark({lower: 2, upper: 3}, 3, "low-is-good")).toBe("similar");
    expect(compareWithBenchmark({lower: 3, upper: 5}, 3, "low-is-good")).toBe("similar");
  });

  it("says higher/lower, never better/worse, when the indicator has no judgement", () => {
    expect(compareWithBenchmark({lower: 5, upper: 6}, 1, "no-judgement")).toBe("higher");
    expect(compareWithBenchmark({lower: 0, upper: 0.5}, 1, "no-judgement")).toBe("lower");
  });

  it("never colour-codes without a complete interval and a benchmark (not-compared)", () => {
    expect(compareWithBenchmark(null, 3, "high-is-good")).toBe("not-compared");
    expect(compareWithBenchmark(undefined, 3, "high-is-good")).toBe("not-compared");
    expect(compareWithBenchmark({lower: 1, upper: 2}, null, "high-is-good")).toBe("not-compared");
    expect(compareWithBenchmark({lower: 1, upper: 2}, Number.NaN, "high-is-good")).toBe("not-compared");
    expect(compareWithBenchmark({lower: null, upper: 2}, 3, "high-is-good")).toBe("not-compared");
  });

  it("rejects an unknown polarity", () => {
    expect(() => compareWithBenchmark({lower: 1, upper: 2}, 3, "up" as Polarity)).toThrow(RangeError);
  });
});
