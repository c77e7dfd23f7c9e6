import {realpathSync} from "node:fs";
import {resolve} from "node:path";
import {describe, expect, it} from "vitest";
// @ts-expect-error a browser module without types (its types are shared/calendar.d.ts)
import * as dashboardsCalendar from "../../../dashboards/components/calendar.js";
// @ts-expect-error as above
import {PERIOD_NAMES, periodEnd} from "../../../dashboards/components/periods.js";
import * as calendar from "../../../shared/calendar.js";
import {parsePeriod, periodsWithin} from "../../../api/oba/periods.js";

describe("dashboard periods", () => {
  it("come from the one calendar: the dashboards' calendar.js is shared/calendar.js itself, not a copy", () => {
    expect(realpathSync("dashboards/components/calendar.js")).toBe(resolve("shared/calendar.js"));
    expect(dashboardsCalendar).toBe(calendar);
    expect(PERIOD_NAMES).toBe(calendar.PERIOD_NAMES);
  });

  it("place every period label the API writes at that period's last day", () => {
    for (const type of calendar.PERIOD_TYPES) {
      for (const p of periodsWithin(type, "2011-04-01", "2013-03-31")) expect(periodEnd(p.label)?.toISOString().slice(0, 10)).toBe(p.end);
    }
    expect(periodEnd(parsePeriod("quarter", "2012/13 Q4").label)).toEqual(new Date("2013-03-31T00:00:00Z"));
    expect(periodEnd("not a period")).toBeNull();
  });
});
