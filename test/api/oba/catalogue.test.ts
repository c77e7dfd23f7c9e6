import {describe, expect, it} from "vitest";
import {loadCatalogue, parseCatalogue} from "../../../api/oba/catalogue.js";
import {parseAsOf, parsePeriod, periodsBetween, periodsWithin, populationYearOf} from "../../../api/oba/series.js";

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
    const c = loadCatalogue();
    expect(c.indicators.map((i) => i.id)).toEqual(expect.arrayContaining(REQUIRED));
    expect(c.byId.get("infants-entering-care")!.laCode).toBe("383");
    expect(c.byId.get("cla-rate")!.denominator).toEqual({kind: "population", ages: [0, 17]});
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

describe("periods", () => {
  it("labels financial-year quarters with Q1 = April to June", () => {
    expect(parsePeriod("quarter", "2012/13 Q1")).toEqual({label: "2012/13 Q1", start: "2012-04-01", end: "2012-06-30"});
    expect(parsePeriod("quarter", "2012/13-Q4")).toEqual({label: "2012/13 Q4", start: "2013-01-01", end: "2013-03-31"});
  });

  it("takes the population estimate of the financial year a period ends in (31 March uses the earlier year)", () => {
    expect(populationYearOf(parsePeriod("financial-year", "2012/13"))).toBe(2012);
    expect(populationYearOf(parsePeriod("month", "2013-03"))).toBe(2012);
    expect(populationYearOf(parsePeriod("month", "2013-04"))).toBe(2013);
  });

  it("gives rolling 12-month periods labelled by their last month", () => {
    expect(parsePeriod("rolling-12-months", "2013-03")).toEqual({label: "2013-03", start: "2012-04-01", end: "2013-03-31"});
    expect(periodsWithin("rolling-12-months", "2010-04-01", "2011-05-31").map((p) => p.label)).toEqual(["2011-03", "2011-04", "2011-05"]);
  });

  it("lists only whole periods inside the loaded years", () => {
    expect(periodsWithin("financial-year", "2010-04-01", "2013-03-31").map((p) => p.label)).toEqual(["2010/11", "2011/12", "2012/13"]);
    expect(periodsWithin("quarter", "2012-04-01", "2013-03-31")).toHaveLength(4);
    expect(periodsBetween("month", parsePeriod("month", "2012-11"), parsePeriod("month", "2013-02")).map((p) => p.label)).toEqual(["2012-11", "2012-12", "2013-01", "2013-02"]);
  });

  it("reads asOf as a month, a date or a period label, and refuses anything else with a 400", () => {
    expect(parseAsOf("financial-year", "2013-10")).toBe("2013-10-31");
    expect(parseAsOf("financial-year", "2012/13")).toBe("2013-03-31");
    expect(parseAsOf("quarter", "2013-02-28")).toBe("2013-02-28");
    expect(() => parseAsOf("financial-year", "October")).toThrow(/asOf 'October' is not a date/);
    expect(() => parsePeriod("financial-year", "2012/14")).toThrow(/not a financial-year period/);
  });
});
