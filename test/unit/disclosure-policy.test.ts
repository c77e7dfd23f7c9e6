import {describe, expect, it} from "vitest";
import {planKey, resolvePolicies, roundCount, sharedPolicy, SUPPRESSED_DEFAULT} from "../../api/oba/policy.js";
import {suppress} from "../../api/stats/suppress.js";

describe("disclosure policy by audience", () => {
  const viewer = resolvePolicies({roles: {viewer: {primaryMax: 9, roundTo: 5}}}).viewer;

  it("rounds shown counts to the nearest multiple (halves up), never a count to 0, and leaves 0 and unrounded policies alone", () => {
    expect([1, 2, 3, 7, 12, 13, 23, 160].map((n) => roundCount(viewer, n))).toEqual([5, 5, 5, 5, 10, 15, 25, 160]);
    expect(roundCount(viewer, 0)).toBe(0);
    expect(roundCount(SUPPRESSED_DEFAULT, 23)).toBe(23);
  });

  it("gives plans a key by what they hide (threshold, published figures), not by rounding", () => {
    expect(planKey(viewer)).not.toBe(planKey(SUPPRESSED_DEFAULT));
    expect(planKey({...SUPPRESSED_DEFAULT, roundTo: 5})).toBe(planKey(SUPPRESSED_DEFAULT));
    expect(planKey({...SUPPRESSED_DEFAULT, showPublished: false})).not.toBe(planKey(SUPPRESSED_DEFAULT));
  });

  it("makes shared records under the strictest configured policy", () => {
    const policies = resolvePolicies({roles: {viewer: {primaryMax: 9, roundTo: 5}, provider: {showPublished: false}}});
    expect(sharedPolicy(policies)).toEqual({disclosure: "suppressed", primaryMax: 9, roundTo: 5, showPublished: false});
    expect(sharedPolicy(resolvePolicies(undefined))).toEqual(SUPPRESSED_DEFAULT);
  });
});

describe("a count the reader already knows (keep)", () => {
  it("is never hidden, even when small, and the other cells are protected knowing it", () => {
    // Wards A (3, published by the council), B (2) and C (40) of a 45 borough.
    const r = suppress({cells: [{id: "A", count: 3, keep: true}, {id: "B", count: 2}, {id: "C", count: 40}, {id: "borough", count: 45}], groups: [{parts: ["A", "B", "C"], total: "borough"}]});
    expect(r.primary).toEqual(["B"]);
    expect(r.secondary).not.toContain("A");
    // B cannot be worked out: 45 − 3 − C needs C, so C (or the borough) is hidden too.
    expect(r.secondary.some((id) => id === "C" || id === "borough")).toBe(true);
    expect(r.unprotected).toEqual([]);
  });
});
