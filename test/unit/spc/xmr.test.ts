import {describe, it, expect} from "vitest";
import {readFileSync} from "node:fs";
import {parse} from "csv-parse/sync";
import {
  xmr,
  sevenPointOneSideMean,
  partOfSevenTrend,
  sevenPointTrend,
  twoInThree,
  partOfTwoInThree,
  assuranceType,
  type ImprovementDirection,
  type XmrOptions
} from "../../../api/stats/spc.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/vectors/spc/${name}`, import.meta.url), "utf8");

interface XmrCase {
  id: string;
  source: string;
  input: {
    y: number[];
    improvement_direction: ImprovementDirection;
    screen_outliers: boolean;
    fix_after_n_points: number | null;
    rebase_idx: number[];
    target: number | null;
  };
  expected: {
    mean: number[];
    lpl: number[];
    upl: number[];
    rebase_group: number[];
    outside_limits: boolean[];
    relative_to_mean: number[];
    close_to_limits: boolean[];
    special_cause_type: string[];
    point_type: string[];
    short_group_warning: boolean[];
    variation_type_last_point: string;
    assurance_type: string | null;
  };
}

const cases: XmrCase[] = JSON.parse(fixture("xmr_cases.json")).cases;
const rules = JSON.parse(fixture("rule_unit_vectors.json"));
const pointRows: Record<string, string>[] = parse(fixture("xmr_points.csv"), {columns: true});
const summaryRows: Record<string, string>[] = parse(fixture("xmr_summary.csv"), {columns: true});

const optionsOf = (c: XmrCase["input"]): XmrOptions => ({
  improvement: c.improvement_direction,
  screenOutliers: c.screen_outliers,
  fixAfter: c.fix_after_n_points,
  // The NHS-py reference cases fix limits after 3 and 11 points; Curve refuses that unless asked.
  allowShortFix: true,
  rebaseAt: c.rebase_idx,
  target: c.target
});

function expectClose(actual: number, expected: number, rel = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

const bool = (s: string) => s === "True" || s === "true" || s === "TRUE";

describe("XmR reference cases (xmr_cases.json)", () => {
  it("has all 28 cases", () => expect(cases.length).toBe(28));
  for (const c of cases) {
    it(`reproduces ${c.id} (${c.source})`, () => {
      const r = xmr(c.input.y, optionsOf(c.input));
      const e = c.expected;
      expect(r.points.length).toBe(c.input.y.length);
      r.points.forEach((p, i) => {
        expectClose(p.mean, e.mean[i]);
        expectClose(p.lpl, e.lpl[i]);
        expectClose(p.upl, e.upl[i]);
        expect(p.group).toBe(e.rebase_group[i]);
        expect(p.outsideLimits).toBe(e.outside_limits[i]);
        expect(p.relativeToMean).toBe(e.relative_to_mean[i]);
        expect(p.closeToLimits).toBe(e.close_to_limits[i]);
        expect(p.specialCauseType).toBe(e.special_cause_type[i]);
        expect(p.pointType).toBe(e.point_type[i]);
        expect(p.shortGroup).toBe(e.short_group_warning[i]);
      });
      expect(r.variationIcon).toBe(e.variation_type_last_point);
      expect(r.assuranceIcon).toBe(e.assurance_type);
      expect(r.trial).toBe(e.short_group_warning.some(Boolean));
    });
  }
});

describe("XmR flattened points (xmr_points.csv) and summary (xmr_summary.csv)", () => {
  const byCase = new Map<string, Record<string, string>[]>();
  for (const row of pointRows) byCase.set(row.case_id, [...(byCase.get(row.case_id) ?? []), row]);

  it("matches every point row", () => {
    expect(byCase.size).toBe(28);
    for (const [id, rows] of byCase) {
      const first = rows[0];
      const rebase = first.rebase_idx ? first.rebase_idx.split(/[;| ]/).filter(Boolean).map(Number) : [];
      const r = xmr(
        rows.map((row) => Number(row.y)),
        {
          improvement: first.improvement_direction as ImprovementDirection,
          screenOutliers: bool(first.screen_outliers),
          fixAfter: first.fix_after_n_points ? Number(first.fix_after_n_points) : null,
          allowShortFix: true,
          rebaseAt: rebase,
          target: first.target ? Number(first.target) : null
        }
      );
      rows.forEach((row, k) => {
        const p = r.points[Number(row.i)];
        expect(p.index, id).toBe(Number(row.i));
        expect(p.group, id).toBe(Number(row.rebase_group));
        expectClose(p.mean, Number(row.mean), 1e-9);
        expectClose(p.lpl, Number(row.lpl), 1e-9);
        expectClose(p.upl, Number(row.upl), 1e-9);
        expect(p.outsideLimits, `${id}[${k}]`).toBe(bool(row.outside_limits));
        expect(p.relativeToMean, `${id}[${k}]`).toBe(Number(row.relative_to_mean));
        expect(p.closeToLimits, `${id}[${k}]`).toBe(bool(row.close_to_limits));
        expect(p.specialCauseType, `${id}[${k}]`).toBe(row.special_cause_type);
        expect(p.pointType, `${id}[${k}]`).toBe(row.point_type);
      });
    }
  });

  it("matches every variation and assurance icon", () => {
    expect(summaryRows.length).toBe(28);
    for (const s of summaryRows) {
      const c = cases.find((x) => x.id === s.case_id)!;
      const r = xmr(c.input.y, optionsOf(c.input));
      expect(r.variationIcon, s.case_id).toBe(s.variation_type_last_point);
      expect(r.assuranceIcon ?? "", s.case_id).toBe(s.assurance_type);
    }
  });
});

describe("XmR rule helpers (NHSRplotthedots unit vectors)", () => {
  it("shift: flags the 7th and later points of a run on one side of the mean", () => {
    for (const v of rules.seven_point_one_side_mean) expect(sevenPointOneSideMean(v.in)).toEqual(v.out);
  });
  it("spreads a run signal back over all 7 points of the run", () => {
    for (const v of rules.part_of_seven_trend) expect(partOfSevenTrend(v.in)).toEqual(v.out);
  });
  it("trend: 7 strictly increasing or decreasing points, and a tie breaks a trend", () => {
    for (const v of rules.seven_point_trend) expect(sevenPointTrend(v.in)).toEqual(v.out);
  });
  it("two-in-three: a window of 3 same-side points with 2 close to the limits", () => {
    for (const v of rules.two_in_three) expect(twoInThree(v.close.map(Boolean), v.rtm)).toEqual(v.out);
  });
  it("two-in-three flags only the close points", () => {
    for (const v of rules["part_of_two_in_three(two_in_three(close,rtm), close)"]) {
      const close = v.close.map(Boolean);
      expect(partOfTwoInThree(twoInThree(close, v.rtm), close)).toEqual(v.out);
    }
  });
  it("assurance compares the target with the process limits by improvement direction", () => {
    for (const v of rules.assurance) expect(assuranceType(v.lpl, v.upl, v.target, v.direction)).toBe(v.out);
  });
});

describe("XmR rules on whole charts", () => {
  const flat = [4, 16, 10, 4, 16, 10, 4, 16, 10, 4, 16, 10];
  it("flags all seven points of a strictly increasing run", () => {
    const r = xmr([...flat, 7, 8, 9, 10, 11, 12, 13, 9], {improvement: "increase"});
    const flagged = r.points.filter((p) => p.rule === "trend").map((p) => p.index);
    expect(flagged).toEqual([12, 13, 14, 15, 16, 17, 18]);
    expect(r.points[12].pointType).toBe("special_cause_improvement"); // below the mean, but part of an improving trend
  });
  it("a tie breaks a trend", () => {
    const r = xmr([...flat, 7, 8, 9, 9, 10, 11, 12, 9], {improvement: "increase"});
    expect(r.points.some((p) => p.rule === "trend")).toBe(false);
  });
  it("a point on the mean breaks a shift", () => {
    // Mean is exactly 10; without the 10 at index 7 there would be 7 points above it.
    const r = xmr([8, 8, 9, 9, 11, 11, 11, 10, 11, 11, 11, 10, 10], {improvement: "increase"});
    expect(r.points[7].relativeToMean).toBe(0);
    expect(r.points.some((p) => p.rule === "shift")).toBe(false);
  });
  it("puts a point equal to the mean on it: the mean is summed with compensation, as R's mean() has it", () => {
    // Plain left-to-right summing gives 0.1 + 0.2 + 0.3 = 0.6000000000000001 and a mean just above 0.2.
    const r = xmr([0.1, 0.2, 0.3], {improvement: "increase"});
    expect(r.groups[0].mean).toBe(0.2);
    expect(r.points[1].relativeToMean).toBe(0);
    const ys = [1e16, 1, -1e16, 1, 0.5];
    expect(xmr(ys, {improvement: "increase"}).groups[0].mean).toBe(0.5);
    expect(xmr(ys, {improvement: "increase"}).points[4].relativeToMean).toBe(0);
  });
  it("refuses to fix limits after fewer than 12 points, naming the rule", () => {
    expect(() => xmr([1, 2, 3, 4, 5, 6, 7, 8], {improvement: "increase", fixAfter: 5})).toThrow(/fix limits after 5 points: at least 12 are needed/);
    expect(() => xmr(Array.from({length: 20}, (_, i) => i % 3), {improvement: "increase", fixAfter: 12})).not.toThrow();
  });
  it("a point outside the limits takes precedence over every other rule", () => {
    const r = xmr([1, 2, 3, 4, 5, 6, 7, 8], {improvement: "increase", fixAfter: 3, allowShortFix: true});
    expect(r.points.map((p) => p.rule)).toEqual(["trend", "trend", "trend", "trend", "outside_limits", "outside_limits", "outside_limits", "outside_limits"]);
  });
  it("maps special causes to concern when the direction is decrease, and to high/low when neutral", () => {
    const y = [50, 52, 48, 51, 49, 50, 52, 48, 51, 49, 50, 70, 50, 51, 49];
    expect(xmr(y, {improvement: "decrease"}).points[11].pointType).toBe("special_cause_concern");
    expect(xmr(y, {improvement: "neutral"}).points[11].pointType).toBe("special_cause_neutral_high");
  });
  it("does not let rules cross a rebase", () => {
    // 1..8 rises across index 12: one 8-point trend without the rebase, two 4-point runs with it.
    const y = [4, 16, 10, 4, 16, 10, 4, 16, 1, 2, 3, 4, 5, 6, 7, 8, 4, 10, 4, 16, 10, 4, 16, 10];
    expect(xmr(y, {improvement: "increase"}).points.filter((p) => p.rule === "trend").length).toBe(8);
    const r = xmr(y, {improvement: "increase", rebaseAt: [12]});
    expect(r.groups.map((g) => [g.start, g.end])).toEqual([[0, 11], [12, 23]]);
    expect(r.points.some((p) => p.rule === "trend")).toBe(false);
  });
  it("marks limits from fewer than 13 points as trial and says so", () => {
    const r = xmr([412, 398, 430, 455, 441, 470, 462, 488, 495, 510], {improvement: "decrease", target: 400});
    expect(r.trial).toBe(true);
    expect(r.message).toMatch(/trial limits/i);
    expect(xmr([...flat, 10], {improvement: "increase"}).trial).toBe(false);
  });
  it("keeps MR̄ = 0 for a constant series instead of screening every range away", () => {
    const r = xmr([3, 3, 3, 3, 3], {improvement: "increase"});
    expect(r.groups[0].mrBar).toBe(0);
    expect(r.points.every((p) => p.pointType === "common_cause")).toBe(true);
  });
});
