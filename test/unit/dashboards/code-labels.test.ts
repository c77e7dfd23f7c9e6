import {describe, expect, it} from "vitest";
// @ts-expect-error a browser module without types; groupLabel itself needs no DOM
import {groupLabel} from "../../../dashboards/components/palette.js";

describe("breakdown groups as a reader says them", () => {
  it("names stored codes and slugs instead of printing them raw", () => {
    expect(groupLabel("outcome", "nfa")).toBe("No further action");
    expect(groupLabel("provider", "dapp")).toBe("Domestic abuse perpetrator programme");
    expect(groupLabel("source", "3A")).toBe("GP");
    expect(groupLabel("category", "NEG")).toBe("Neglect");
  });

  it("reads ward slugs as ward names", () => {
    expect(groupLabel("ward", "lewsey")).toBe("Lewsey");
    expect(groupLabel("ward", "high-town")).toBe("High Town");
  });

  it("leaves ages as numbers even where a code list would claim them", () => {
    expect(groupLabel("age", "4")).toBe("4");
    expect(groupLabel("sex", "1")).toBe("Male");
  });
});
