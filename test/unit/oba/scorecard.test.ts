import {describe, expect, it} from "vitest";
import {targetStatus} from "../../../api/oba/scorecard.js";
import {Reference} from "../../../api/reference.js";

describe("targetStatus (pure)", () => {
  it("meets a target at or on the good side of it by polarity", () => {
    const cp = new Reference().catalogue.byId.get("cp-rate")!;
    const ontime = new Reference().catalogue.byId.get("assessments-on-time")!;
    expect(targetStatus(cp, 9, 10)).toBe("met");
    expect(targetStatus(cp, 11, 10)).toBe("not met");
    expect(targetStatus(ontime, 78, 78)).toBe("met");
    expect(targetStatus(ontime, 70, 78)).toBe("not met");
    expect(targetStatus(cp, null, 10)).toBe("not assessed");
    expect(targetStatus(cp, 9, null)).toBe("no target");
  });
});
