import {describe, expect, it} from "vitest";
import {judgeAgainstBaseline} from "../../../api/oba/baseline.js";

/** The turn-the-curve verdict (METHODS §5) as a pure function of a forecast and later actuals. */

const band = (period: string, mean: number, lower80: number, upper80: number) => ({period, mean, lower80, upper80, lower95: lower80 - 1, upper95: upper80 + 1});

describe("judgeAgainstBaseline (pure)", () => {
  const forecast = [band("2013/14", 50, 45, 55), band("2014/15", 52, 46, 58), band("2015/16", 54, 47, 61)];

  it("places each actual against the 80% band and turns above/below into better/worse by polarity", () => {
    const v = judgeAgainstBaseline("low-is-good", forecast, [{period: "2013/14", value: 56}, {period: "2014/15", value: 50}, {period: "2015/16", value: 40}]);
    expect(v.points.map((p) => [p.position, p.judgement])).toEqual([["above", "worse"], ["within", "within"], ["below", "better"]]);
    const high = judgeAgainstBaseline("high-is-good", forecast, [{period: "2013/14", value: 56}]);
    expect(high.points[0].judgement).toBe("better");
  });

  it("calls the curve turned after 2 consecutive actuals on the good side of the band", () => {
    const v = judgeAgainstBaseline("low-is-good", forecast, [{period: "2013/14", value: 50}, {period: "2014/15", value: 40}, {period: "2015/16", value: 41}]);
    expect(v).toMatchObject({verdict: "turned", latestRun: 2, sustain: 2});
  });

  it("says not yet after a single good actual, or when the run is broken by the latest one", () => {
    expect(judgeAgainstBaseline("low-is-good", forecast, [{period: "2013/14", value: 50}, {period: "2014/15", value: 40}]).verdict).toBe("not yet");
    expect(judgeAgainstBaseline("low-is-good", forecast, [{period: "2013/14", value: 40}, {period: "2014/15", value: 40}, {period: "2015/16", value: 55}]).verdict).toBe("not yet");
  });

  it("honours a longer sustained period set by the user", () => {
    const actuals = [{period: "2014/15", value: 40}, {period: "2015/16", value: 41}];
    expect(judgeAgainstBaseline("low-is-good", forecast, actuals, {sustain: 3}).verdict).toBe("not yet");
  });

  it("calls it accelerated when the baseline was already improving and actuals beat it", () => {
    const falling = [band("2013/14", 50, 45, 55), band("2014/15", 48, 43, 53)];
    const v = judgeAgainstBaseline("low-is-good", falling, [{period: "2013/14", value: 40}, {period: "2014/15", value: 38}], {lastHistoryValue: 52});
    expect(v).toMatchObject({verdict: "accelerated", baselineImproving: true});
  });

  it("makes no judgement for an indicator with no good direction", () => {
    const v = judgeAgainstBaseline("no-judgement", forecast, [{period: "2013/14", value: 70}]);
    expect(v.verdict).toBe("no judgement");
    expect(v.points[0].judgement).toBe("above");
  });

  it("ignores actuals beyond the forecast horizon and says so when there are none", () => {
    expect(judgeAgainstBaseline("low-is-good", forecast, [{period: "2016/17", value: 1}]).verdict).toBe("no actuals yet");
  });
});
