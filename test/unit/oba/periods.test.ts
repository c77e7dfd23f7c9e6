import {describe, expect, it} from "vitest";
import {parseAsOf, parsePeriod, periodsAfter, periodsBetween, periodsWithin, populationYearOf} from "../../../api/oba/periods.js";

/** The one calendar: financial years, their quarters (Q1 = April to June), months and rolling 12 months. */

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

  it("steps forward from a period to the next ones of its type, across the financial-year end", () => {
    expect(periodsAfter("financial-year", parsePeriod("financial-year", "2012/13"), 2).map((p) => p.label)).toEqual(["2013/14", "2014/15"]);
    expect(periodsAfter("quarter", parsePeriod("quarter", "2012/13 Q3"), 3)).toEqual([
      {label: "2012/13 Q4", start: "2013-01-01", end: "2013-03-31"},
      {label: "2013/14 Q1", start: "2013-04-01", end: "2013-06-30"},
      {label: "2013/14 Q2", start: "2013-07-01", end: "2013-09-30"}
    ]);
    expect(periodsAfter("rolling-12-months", parsePeriod("rolling-12-months", "2013-12"), 2)).toEqual([
      {label: "2014-01", start: "2013-02-01", end: "2014-01-31"},
      {label: "2014-02", start: "2013-03-01", end: "2014-02-28"}
    ]);
  });
});
