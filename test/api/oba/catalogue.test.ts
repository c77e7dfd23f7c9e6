import {describe, expect, it} from "vitest";
import {parseCatalogue} from "../../../api/oba/catalogue.js";
import {Reference} from "../../../api/reference.js";
import {targetingMeasures} from "../../../api/targeting/measures.js";

const REQUIRED = [
  "cla-rate", "cla-started", "cp-rate", "cp-plans", "cp-repeat", "cp-toxic-trio", "referrals", "referral-rate", "re-referrals",
  "referral-to-assessment", "assessments-on-time", "caf-completed", "marac-cases", "infants-entering-care", "neet"
];

const base = {
  id: "x-count", name: "X", definition: "lay", technicalDefinition: "tech",
  numerator: {extract: "referrals", filter: [], date: "referral_date", kind: "event"},
  denominator: {kind: "none"}, unit: "count", polarity: "no-judgement", periods: ["financial-year"], geographies: ["borough"],
  tier: "development", power: {communication: "L", proxy: "L", data: "L"}
};
const one = (over: Record<string, unknown>) => ({indicators: [{...base, ...over}]});

describe("indicator catalogue", () => {
  it("ships every indicator the OBA work needs, each validated at load", () => {
    const c = new Reference().catalogue;
    expect(c.indicators.map((i) => i.id)).toEqual(expect.arrayContaining(REQUIRED));
    expect(c.byId.get("infants-entering-care")!.laCode).toBe("383");
    expect(c.byId.get("cla-rate")!.denominator).toEqual({kind: "population", ages: [0, 17]});
  });

  it("holds the ward-targeting measures as data: a targeting entry is a measure wards are compared on, not an indicator", () => {
    expect(new Reference().catalogue.targeting.map((i) => i.id)).toEqual(["cp-referrals", "dv-referrals", "cp-plan-starts"]);
    const c = parseCatalogue({indicators: [base], targeting: [{...base, id: "x-by-ward", geographies: ["borough", "ward"]}]});
    expect(c.byId.has("x-by-ward")).toBe(false);
    expect(targetingMeasures(c).map((m) => [m.indicator.id, m.source])).toEqual([["x-by-ward", "targeting"]]);
  });

  it("refuses a targeting measure whose id an indicator already uses, and checks it by the indicators' rules", () => {
    expect(() => parseCatalogue({indicators: [base], targeting: [base]})).toThrow(/targeting measure id 'x-count' is already used/);
    expect(() => parseCatalogue({indicators: [base], targeting: [{...base, id: "y", geographies: ["ward"], numerator: {...base.numerator, filter: [{field: "nope", op: "eq", value: "1"}]}}]})).toThrow(/indicator y.*no field 'nope'/);
  });

  it("accepts a new indicator as data alone", () => {
    const c = parseCatalogue(one({id: "police-referrals", numerator: {...base.numerator, filter: [{field: "source", op: "eq", value: "6"}]}}));
    expect(c.byId.get("police-referrals")!.numerator.filter).toHaveLength(1);
  });

  it("refuses raw SQL in a filter: only field/derived, op and value are allowed", () => {
    expect(() => parseCatalogue(one({numerator: {...base.numerator, filter: [{sql: "1=1; DROP TABLE referrals", op: "eq", value: 1}]}}))).toThrow(/x-count|sql|Unrecognized/i);
  });

  it("refuses a filter on a field the extract does not have, naming the indicator", () => {
    expect(() => parseCatalogue(one({numerator: {...base.numerator, filter: [{field: "nope", op: "eq", value: "1"}]}}))).toThrow(/indicator x-count.*no field 'nope'/);
  });

  it("refuses an enum value the contract does not allow", () => {
    expect(() => parseCatalogue(one({numerator: {...base.numerator, filter: [{field: "outcome", op: "eq", value: "assessed"}]}}))).toThrow(/'assessed' is not a value of outcome/);
  });

  it("refuses a derived value outside the whitelist or on the wrong extract", () => {
    expect(() => parseCatalogue(one({numerator: {...base.numerator, filter: [{derived: "anything", op: "eq", value: 1}]}}))).toThrow(/unknown derived value 'anything'/);
    expect(() => parseCatalogue(one({numerator: {...base.numerator, filter: [{derived: "plan_order", op: "eq", value: "first"}]}}))).toThrow(/applies only to cp_plans/);
  });

  it("refuses a percentage whose denominator is not a superset of its numerator", () => {
    expect(() => parseCatalogue(one({unit: "percent", denominator: {kind: "extract", filter: [{field: "source", op: "eq", value: "6"}]}}))).toThrow(/every denominator filter must also be a numerator filter/);
  });

  it("refuses a snapshot without an end date and a snapshot over rolling 12 months", () => {
    expect(() => parseCatalogue(one({numerator: {extract: "cp_plans", filter: [], date: "start_date", kind: "snapshot"}}))).toThrow(/snapshot needs numerator.end/);
    expect(() => parseCatalogue(one({numerator: {extract: "cp_plans", filter: [], date: "start_date", end: "end_date", kind: "snapshot"}, periods: ["rolling-12-months"]}))).toThrow(/rolling-12-months does not apply/);
  });

  it("refuses a ward geography for an extract with no ward (MARAC)", () => {
    expect(() => parseCatalogue(one({numerator: {extract: "marac", filter: [], date: "meeting_date", kind: "event"}, geographies: ["borough", "ward"]}))).toThrow(/needs a ward field/);
  });

  it("refuses a unit that does not match the denominator", () => {
    expect(() => parseCatalogue(one({unit: "per-10000"}))).toThrow(/without a denominator the unit must be count/);
  });
});

