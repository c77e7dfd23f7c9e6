import {describe, expect, it} from "vitest";
import {z} from "zod";
import {firstIssue, issueLine} from "../../../shared/issues.js";

const Schema = z.object({roles: z.object({analyst: z.object({threshold: z.number()})})});
const errorOf = (value: unknown) => {
  const r = Schema.safeParse(value);
  if (r.success) throw new Error("expected a failure");
  return r.error;
};

describe("firstIssue", () => {
  it("names the field of the first problem by its path, under a section when given", () => {
    const error = errorOf({roles: {analyst: {threshold: "five"}}});
    expect(firstIssue(error).field).toBe("roles.analyst.threshold");
    expect(firstIssue(error, {under: "disclosure"}).field).toBe("disclosure.roles.analyst.threshold");
    expect(issueLine("data/config.json", error)).toBe(`data/config.json: roles.analyst.threshold: ${error.issues[0].message}`);
  });

  it("says what stands for the whole value when the problem is not in a field", () => {
    const error = errorOf("not an object");
    expect(firstIssue(error, {top: "?"}).field).toBe("?");
    expect(firstIssue(error, {under: "auth"}).field).toBe("auth");
  });
});
