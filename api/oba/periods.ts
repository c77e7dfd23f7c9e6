import {badRequest} from "./errors.js";
import type {PeriodType} from "./catalogue.js";

/**
 * The one calendar of the API: financial years (April to March, written 2012/13), their quarters
 * (Q1 is April to June, written 2012/13 Q1), months and rolling 12 months (written by their last
 * month, 2013-03), each a labelled span of whole days. Parse a label, label a span, list the periods
 * between two, and step forward from one. Months are counted as an index (year × 12 + month − 1) so
 * that every period type is "the period ending at month i".
 */

export interface Period {
  label: string;
  /** First and last day (inclusive), ISO dates. */
  start: string;
  end: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
/** An ISO date from year, month (1-12) and day. */
export const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const monthEnd = (y: number, m: number) => iso(y, m, lastDay(y, m));
/** Month index (months since year 0) ↔ year/month. */
const mIndex = (y: number, m: number) => y * 12 + (m - 1);
const fromIndex = (i: number): [number, number] => [Math.floor(i / 12), (i % 12) + 1];

export const fyLabel = (startYear: number) => `${startYear}/${pad((startYear + 1) % 100)}`;
/** The financial year (its starting calendar year) a date falls in: April–March. */
export const fyOf = (date: string) => {
  const [y, m] = date.split("-").map(Number);
  return m >= 4 ? y : y - 1;
};

/** A period of `type` identified by the month index of its last month. */
function periodEndingAt(type: PeriodType, endIdx: number): Period {
  const [ey, em] = fromIndex(endIdx);
  switch (type) {
    case "month":
      return {label: `${ey}-${pad(em)}`, start: iso(ey, em, 1), end: monthEnd(ey, em)};
    case "rolling-12-months": {
      const [sy, sm] = fromIndex(endIdx - 11);
      return {label: `${ey}-${pad(em)}`, start: iso(sy, sm, 1), end: monthEnd(ey, em)};
    }
    case "quarter": {
      const [sy, sm] = fromIndex(endIdx - 2);
      const fy = fyOf(iso(sy, sm, 1));
      const q = Math.floor((mIndex(sy, sm) - mIndex(fy, 4)) / 3) + 1;
      return {label: `${fyLabel(fy)} Q${q}`, start: iso(sy, sm, 1), end: monthEnd(ey, em)};
    }
    case "financial-year": {
      const fy = ey - 1;
      return {label: fyLabel(fy), start: iso(fy, 4, 1), end: iso(ey, 3, 31)};
    }
  }
}

/** Month index of the last month of the period written `text`, or null when it is not one. */
function parsePeriodEnd(type: PeriodType, text: string): number | null {
  const t = text.trim();
  if (type === "month" || type === "rolling-12-months") {
    const m = /^(\d{4})-(\d{2})$/.exec(t);
    return m && +m[2] >= 1 && +m[2] <= 12 ? mIndex(+m[1], +m[2]) : null;
  }
  if (type === "quarter") {
    const m = /^(\d{4})\/(\d{2})[ \-_]?Q([1-4])$/i.exec(t);
    if (!m || (+m[1] + 1) % 100 !== +m[2]) return null;
    return mIndex(+m[1], 4) + 3 * +m[3] - 1;
  }
  const m = /^(\d{4})\/(\d{2})$/.exec(t);
  if (!m || (+m[1] + 1) % 100 !== +m[2]) return null;
  return mIndex(+m[1] + 1, 3);
}

export const PERIOD_FORMATS: Record<PeriodType, string> = {
  month: "a month as YYYY-MM (e.g. 2013-03)",
  "rolling-12-months": "the last month of the 12 as YYYY-MM (e.g. 2013-03 for April 2012 to March 2013)",
  quarter: "a financial-year quarter such as 2012/13 Q4 (Q1 is April to June)",
  "financial-year": "a financial year such as 2012/13"
};

export function parsePeriod(type: PeriodType, text: string, param = "period"): Period {
  const idx = parsePeriodEnd(type, text);
  if (idx === null) throw badRequest(`${param} '${text}' is not a ${type} period: expected ${PERIOD_FORMATS[type]}`, {field: param});
  return periodEndingAt(type, idx);
}

const step = (type: PeriodType) => (type === "quarter" ? 3 : type === "financial-year" ? 12 : 1);
const endIdxOf = (p: Period) => {
  const [y, m] = p.end.split("-").map(Number);
  return mIndex(y, m);
};

/** Every period of `type` from `from` to `to` inclusive. */
export function periodsBetween(type: PeriodType, from: Period, to: Period): Period[] {
  const out: Period[] = [];
  for (let i = endIdxOf(from); i <= endIdxOf(to); i += step(type)) out.push(periodEndingAt(type, i));
  return out;
}

/** Periods of `type` lying wholly inside [start, end] (ISO dates, end a month end). */
export function periodsWithin(type: PeriodType, start: string, end: string): Period[] {
  const [sy, sm] = start.split("-").map(Number);
  const [ey, em] = end.split("-").map(Number);
  const out: Period[] = [];
  let i = mIndex(sy, sm);
  // Align to the period grid: quarters end in Jun/Sep/Dec/Mar, years in March.
  const span = type === "rolling-12-months" ? 12 : step(type);
  i += span - 1;
  if (type === "quarter") while ((fromIndex(i)[1] % 3) !== 0) i++;
  if (type === "financial-year") while (fromIndex(i)[1] !== 3) i++;
  for (; i <= mIndex(ey, em); i += step(type)) out.push(periodEndingAt(type, i));
  return out;
}

/**
 * The date an `asOf` means: YYYY-MM (the month's last day), YYYY-MM-DD, or a period label of the
 * series' type (its last day).
 */
export function parseAsOf(type: PeriodType, text: string): string {
  const t = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m && +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= lastDay(+m[1], +m[2])) return t;
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m && +m[2] >= 1 && +m[2] <= 12) return monthEnd(+m[1], +m[2]);
  const idx = parsePeriodEnd(type, t);
  if (idx !== null) return periodEndingAt(type, idx).end;
  throw badRequest(`asOf '${text}' is not a date: expected YYYY-MM, YYYY-MM-DD or ${PERIOD_FORMATS[type]}`, {field: "asOf"});
}

/** Population year for a period: the mid-year estimate of the financial year its last day falls in. */
export const populationYearOf = (p: Period) => fyOf(p.end);

/** The next `h` periods of `type` after `last`. */
export function periodsAfter(type: PeriodType, last: Period, h: number): Period[] {
  const out: Period[] = [];
  for (let k = 1; k <= h; k++) out.push(periodEndingAt(type, endIdxOf(last) + k * step(type)));
  return out;
}
