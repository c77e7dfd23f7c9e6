import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {CIN_NEED_CONCERNS_FILE, CONCERNS, NEED_CODE_BY_CONCERN, OTHER_NEED_CODES, assessmentType, concernFromNeedCode, loadNeedConcerns, planFactors, referralOutcome, s47Outcome} from "../../pipelines/door/cin-concern-map.js";

describe("the CIN census mapping shared by the demo writer and the CIN importer", () => {
  it("reads every concern back from the need code written for it, and any other need code as 'other'", () => {
    for (const c of CONCERNS) if (c !== "other") expect(concernFromNeedCode(NEED_CODE_BY_CONCERN[c])).toBe(c);
    for (const n of OTHER_NEED_CODES) expect(concernFromNeedCode(n)).toBe("other");
    expect(concernFromNeedCode(null)).toBe("other");
    expect(concernFromNeedCode(" n5 ")).toBe("domestic_violence");
    expect(new Set(Object.values(NEED_CODE_BY_CONCERN)).size).toBe(4);
  });

  it("takes the need → concern table from data/reference/cin-need-concerns.json, with no assessment factor overriding it", () => {
    const table = JSON.parse(readFileSync(CIN_NEED_CONCERNS_FILE, "utf8"));
    expect(table.concernByNeedCode).toEqual({N1: "child_protection", N4: "general_childcare", N5: "domestic_violence", N8: "homeless"});
    for (const [need, concern] of Object.entries(table.concernByNeedCode)) expect(concernFromNeedCode(need)).toBe(concern);
    expect(OTHER_NEED_CODES).toEqual(["N2", "N3", "N6", "N7", "N9", "N0"]);
    expect(concernFromNeedCode.length).toBe(1);
  });

  it("passes a code that is no need code at all through, for the referrals contract to quarantine", () => {
    expect(concernFromNeedCode("N12")).toBe("N12");
  });

  it("refuses a table with a concern Curve does not know, naming the file and the need code", () => {
    const path = join(mkdtempSync(join(tmpdir(), "curve-need-")), "cin-need-concerns.json");
    writeFileSync(path, JSON.stringify({concernByNeedCode: {N1: "abuse"}, default: "other"}));
    expect(() => loadNeedConcerns(path)).toThrow(/cin-need-concerns\.json: concernByNeedCode\.N1: .*concerns general_childcare/);
  });

  it("gives a referral with ReferralNFA 'nfa', else an initial assessment before 1 April 2014 and a single one from it", () => {
    expect(referralOutcome(true, "2013-05-01")).toBe("nfa");
    expect(referralOutcome(false, "2014-03-31")).toBe("initial_assessment");
    expect(referralOutcome(false, "2014-04-01")).toBe("single_assessment");
  });

  it("types the first assessment of a pre-2014 episode initial and later ones core; single from April 2014", () => {
    expect([0, 1, 2].map((i) => assessmentType("2012-06-01", i))).toEqual(["initial", "core", "core"]);
    expect(assessmentType("2014-04-01", 0)).toBe("single");
  });

  it("calls an enquiry 'plan' only when a plan starts on its conference day, 'pending' while nothing is recorded", () => {
    expect(s47Outcome({icpcDate: "2013-02-01", icpcNotRequired: false}, ["2013-02-01"])).toBe("plan");
    expect(s47Outcome({icpcDate: "2013-02-01", icpcNotRequired: false}, ["2013-02-02"])).toBe("no_plan");
    expect(s47Outcome({icpcDate: null, icpcNotRequired: true}, [])).toBe("no_plan");
    expect(s47Outcome({icpcDate: null, icpcNotRequired: false}, [])).toBe("pending");
  });

  it("takes a plan's factors from the latest assessment that started by the plan's start, never a later one", () => {
    const a = [
      {start: "2013-01-02", factors: ["4B"]},
      {start: "2013-01-10", factors: ["3B", "21"]},
      {start: "2013-03-01", factors: ["1B"]}
    ];
    expect(planFactors(a, "2013-02-01")).toEqual(["3B", "21"]);
    expect(planFactors(a, "2012-12-01")).toEqual([]);
  });
});
