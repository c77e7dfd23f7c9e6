import {FY_FIRST_MONTH, fyFileLabel, fyLabel as calendarFyLabel, fyOfMonth, fyQuarterOfMonth, parseFy, quarterFirstMonth} from "../../shared/calendar.js";

/**
 * Dates as whole days since 1970-01-01 (UTC) and months as year*12 + month-1: integers keep the
 * generator fast and free of time-zone surprises.
 */

export type Day = number;
export type MonthIndex = number;

export function dayOf(year: number, month: number, day: number): Day {
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

export function parseIsoDay(iso: string): Day {
  return dayOf(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}

/** Civil date from a day number (Howard Hinnant's algorithm), so formatting needs no Date object. */
export function civil(day: Day): {year: number; month: number; day: number} {
  civilInto(day);
  return {year: scratch.year, month: scratch.month, day: scratch.day};
}

// Hot paths (millions of calls) read the civil date from here instead of allocating an object.
const scratch = {year: 0, month: 0, day: 0};

function civilInto(day: Day): typeof scratch {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  scratch.year = yoe + era * 400 + (m <= 2 ? 1 : 0);
  scratch.month = m;
  scratch.day = d;
  return scratch;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

const ISO_BASE = -10_000;
const isoCache: string[] = [];

export function isoDay(day: Day): string {
  const i = day - ISO_BASE;
  const cached = isoCache[i];
  if (cached !== undefined) return cached;
  const c = civilInto(day);
  const s = `${c.year}-${pad2(c.month)}-${pad2(c.day)}`;
  if (i >= 0 && i < 40_000) isoCache[i] = s;
  return s;
}

export function monthOfDay(day: Day): MonthIndex {
  const c = civilInto(day);
  return c.year * 12 + c.month - 1;
}

export function monthIndex(year: number, month: number): MonthIndex {
  return year * 12 + month - 1;
}

export function isoMonth(month: MonthIndex): string {
  return `${Math.floor(month / 12)}-${pad2((month % 12) + 1)}`;
}

export function firstDayOfMonth(month: MonthIndex): Day {
  return dayOf(Math.floor(month / 12), (month % 12) + 1, 1);
}

export function lastDayOfMonth(month: MonthIndex): Day {
  return firstDayOfMonth(month + 1) - 1;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * Whole years of age on `day` for a child born in `birthMonth`. Only the anniversary month is
 * ambiguous when the day of birth is unknown: callers that calibrate ages avoid it (see
 * `isAgeAmbiguous`), and month-end snapshots are never ambiguous.
 */
export function ageOn(birthMonth: MonthIndex, day: Day): number {
  const c = civilInto(day);
  const months = c.year * 12 + c.month - 1 - birthMonth;
  return Math.floor(months / 12);
}

export function isAgeAmbiguous(birthMonth: MonthIndex, day: Day): boolean {
  const months = monthOfDay(day) - birthMonth;
  return months >= 12 && months % 12 === 0;
}

// ---- Financial years (April–March): the rules are the one calendar's (shared/calendar.js) -------

/** Financial year named by its starting calendar year: 2012 = 2012/13. */
export type FinancialYear = number;

export function fyOf(day: Day): FinancialYear {
  const c = civilInto(day);
  return fyOfMonth(c.year, c.month);
}

export function fyStart(fy: FinancialYear): Day {
  return dayOf(fy, FY_FIRST_MONTH, 1);
}

export function fyEnd(fy: FinancialYear): Day {
  return fyStart(fy + 1) - 1;
}

/** File-name form, e.g. 2012 → "2012-13". */
export const fyLabel: (fy: FinancialYear) => string = fyFileLabel;

/** Publication form, e.g. 2012 → "2012/13". */
export const fyPeriod: (fy: FinancialYear) => string = calendarFyLabel;

export function parseFyLabel(label: string): FinancialYear {
  const fy = parseFy(label);
  if (fy === null) throw new Error(`not a financial year: "${label}" (expected e.g. 2015-16)`);
  return fy;
}

/** Financial quarter 1–4 (Q1 = April–June). */
export function fyQuarter(day: Day): number {
  return fyQuarterOfMonth(civilInto(day).month);
}

export function quarterStart(fy: FinancialYear, quarter: number): Day {
  return firstDayOfMonth(quarterFirstMonth(fy, quarter));
}

export function quarterEnd(fy: FinancialYear, quarter: number): Day {
  return lastDayOfMonth(quarterFirstMonth(fy, quarter) + 2);
}

// ---- Working days (England and Wales bank holidays) ------------------------------------------

function easterSunday(year: number): Day {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayOf(year, month, day);
}

function firstMonday(year: number, month: number): Day {
  const d = dayOf(year, month, 1);
  return d + ((8 - weekday(d)) % 7);
}

function lastMonday(year: number, month: number): Day {
  const d = lastDayOfMonth(monthIndex(year, month));
  return d - ((weekday(d) + 6) % 7);
}

function bankHolidays(year: number): Day[] {
  const out: Day[] = [];
  const jan1 = dayOf(year, 1, 1);
  out.push(weekday(jan1) === 6 ? jan1 + 2 : weekday(jan1) === 0 ? jan1 + 1 : jan1);
  const easter = easterSunday(year);
  out.push(easter - 2, easter + 1);
  out.push(firstMonday(year, 5));
  if (year === 2012) out.push(dayOf(2012, 6, 4), dayOf(2012, 6, 5));
  else out.push(lastMonday(year, 5));
  if (year === 2011) out.push(dayOf(2011, 4, 29));
  out.push(lastMonday(year, 8));
  const xmas = dayOf(year, 12, 25);
  const wd = weekday(xmas);
  if (wd === 6) out.push(xmas + 2, xmas + 3);
  else if (wd === 0) out.push(xmas + 1, xmas + 2);
  else if (wd === 5) out.push(xmas, xmas + 3);
  else out.push(xmas, xmas + 1);
  return out;
}

const holidaySet = new Set<Day>();
for (let y = 1995; y <= 2035; y++) for (const d of bankHolidays(y)) holidaySet.add(d);

export function isBankHoliday(day: Day): boolean {
  return holidaySet.has(day);
}

export function isWorkingDay(day: Day): boolean {
  const wd = weekday(day);
  return wd !== 0 && wd !== 6 && !holidaySet.has(day);
}

/** The `n`th working day after `day` (n ≥ 0; n = 0 moves a non-working day forward). */
export function addWorkingDays(day: Day, n: number): Day {
  let d = day;
  while (!isWorkingDay(d)) d++;
  let left = n;
  while (left > 0) {
    d++;
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/** Working days after `from` up to and including `to`. */
export function workingDaysBetween(from: Day, to: Day): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (isWorkingDay(d)) n++;
  return n;
}

/** The `n`th working day before `day`. */
export function subtractWorkingDays(day: Day, n: number): Day {
  let d = day;
  while (!isWorkingDay(d)) d--;
  let left = n;
  while (left > 0) {
    d--;
    if (isWorkingDay(d)) left--;
  }
  return d;
}
