import {describe, expect, it} from "vitest";
import {
  fyEndDate, fyFileLabel, fyLabel, fyOfDate, fyOfDay, fyOfMonth, fyQuarterOfMonth, fyStartDate, labelEnd, parseFy, periodEndingAt,
  parsePeriodEnd, quarterFirstMonth, readDate, readPeriod
} from "../../../shared/calendar.js";

/** The one calendar (shared/calendar.js), used by the API, the pipelines and the dashboards. */

describe("calendar", () => {
  it("puts 31 March in the financial year that began the April before, and 1 April in the next", () => {
    expect(fyOfDate("2013-03-31")).toBe(2012);
    expect(fyOfDate("2013-04-01")).toBe(2013);
    // A month alone (YYYY-MM, as birth months and periods are kept) is placed the same way.
    expect(fyOfDate("2013-03")).toBe(2012);
    expect(fyOfDate("2013-12")).toBe(2013);
    // A run's "today" is its UTC day: 23:30 on 31 March in UTC is still 2012-13.
    expect(fyOfDay(new Date("2013-03-31T23:30:00Z"))).toBe(2012);
    expect(fyOfDay(new Date("2013-04-01T00:00:00Z"))).toBe(2013);
    expect(fyOfMonth(2013, 1)).toBe(2012);
    expect(fyStartDate(2012)).toBe("2012-04-01");
    expect(fyEndDate(2012)).toBe("2013-03-31");
  });

  it("writes a financial year as 2012/13 for publication and 2012-13 in file names, and reads both back", () => {
    expect(fyLabel(2012)).toBe("2012/13");
    expect(fyLabel(1999)).toBe("1999/00");
    expect(fyFileLabel(2009)).toBe("2009-10");
    expect(parseFy("2012/13")).toBe(2012);
    expect(parseFy(" 2015-16 ")).toBe(2015);
    expect(parseFy("2012/14")).toBeNull();
  });

  it("counts quarters from April: Q1 is April to June and January to March is Q4 of the year before", () => {
    expect([4, 6, 7, 12, 1, 3].map(fyQuarterOfMonth)).toEqual([1, 1, 2, 3, 4, 4]);
    expect(periodEndingAt("quarter", quarterFirstMonth(2012, 4) + 2)).toEqual({label: "2012/13 Q4", start: "2013-01-01", end: "2013-03-31"});
  });

  it("reads a label only as the period type asked for, and refuses years that do not follow", () => {
    expect(readPeriod("financial-year", "2012/13")).toEqual({label: "2012/13", start: "2012-04-01", end: "2013-03-31"});
    expect(readPeriod("month", "2012/13")).toBeNull();
    expect(readPeriod("quarter", "2012/14 Q1")).toBeNull();
    expect(parsePeriodEnd("month", "2013-13")).toBeNull();
  });

  it("reads a date or a month (its last day, leap years included) and refuses days that do not exist", () => {
    expect(readDate("2012-02")).toBe("2012-02-29");
    expect(readDate("2013-02-28")).toBe("2013-02-28");
    expect(readDate("2013-02-29")).toBeNull();
  });

  it("finds the last day of any label without being told its type", () => {
    expect(labelEnd("2012/13")).toBe("2013-03-31");
    expect(labelEnd("2012/13 Q3")).toBe("2012-12-31");
    expect(labelEnd("2013-02")).toBe("2013-02-28");
    expect(labelEnd("2013-02-14")).toBe("2013-02-14");
    expect(labelEnd("last year")).toBeNull();
  });
});
