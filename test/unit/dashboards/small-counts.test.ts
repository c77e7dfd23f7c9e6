import {describe, expect, it} from "vitest";
// @ts-expect-error a browser module without types; its text needs no DOM
import {setSmallCounts, smallCounts} from "../../../dashboards/components/small-counts.js";

describe("the dashboards' legends name the counts the caller's policy shows as c", () => {
  it("say 1–5 until GET /api/me answers, then the role's threshold; an unsuppressed role or a missing policy leaves it", () => {
    expect(smallCounts()).toBe("1–5");
    setSmallCounts(undefined);
    setSmallCounts({suppressed: false, primaryMax: 5, roundTo: null});
    expect(smallCounts()).toBe("1–5");
    setSmallCounts({suppressed: true, primaryMax: 9, roundTo: 5});
    expect(smallCounts()).toBe("1–9");
  });
});
