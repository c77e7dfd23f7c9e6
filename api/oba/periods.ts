import {PERIOD_FORMATS, fyOfDate, readDate, readPeriod, type Period} from "../../shared/calendar.js";
import {badRequest} from "./errors.js";
import type {PeriodType} from "./catalogue.js";

/**
 * The API's side of the one calendar (shared/calendar.js, also used by the pipelines and the
 * dashboards): financial years (April to March, written 2012/13), their quarters (Q1 is April to
 * June, written 2012/13 Q1), months and rolling 12 months (written by their last month, 2013-03).
 * Here a label the calendar cannot read becomes a 400 that says what was expected.
 */

export {PERIOD_FORMATS, fyLabel, fyOfDate, fyStartDate, fyEndDate, periodsAfter, periodsBetween, periodsWithin} from "../../shared/calendar.js";
export type {Period};

export function parsePeriod(type: PeriodType, text: string, param = "period"): Period {
  const period = readPeriod(type, text);
  if (!period) throw badRequest(`${param} '${text}' is not a ${type} period: expected ${PERIOD_FORMATS[type]}`, {field: param});
  return period;
}

/**
 * The date an `asOf` means: YYYY-MM (the month's last day), YYYY-MM-DD, or a period label of the
 * series' type (its last day).
 */
export function parseAsOf(type: PeriodType, text: string): string {
  const date = readDate(text) ?? readPeriod(type, text)?.end;
  if (date) return date;
  throw badRequest(`asOf '${text}' is not a date: expected YYYY-MM, YYYY-MM-DD or ${PERIOD_FORMATS[type]}`, {field: "asOf"});
}

/** Population year for a period: the mid-year estimate of the financial year its last day falls in. */
export const populationYearOf = (p: Period) => fyOfDate(p.end);
