// The one calendar of Curve, shared by the API (api/oba/periods.ts), the pipelines and the dashboards
// (dashboards/components/calendar.js links here, because Framework serves only files under its root).
// Plain, dependency-free JavaScript so that the browser can run it as it stands: it imports nothing
// (test/unit/layering.test.ts), and it throws nothing; callers decide what an unreadable label means.
//
// Financial years run April to March and are named by their first calendar year (2012 = 2012/13,
// the form DfE and councils publish; files use 2012-13). Quarters are of the financial year (Q1 is
// April to June). Months are counted as an index (year × 12 + month − 1) so that every period type is
// "the period ending at month i", and a period is a label with its first and last day (ISO dates).

/** The month (1–12) a financial year starts in. */
export const FY_FIRST_MONTH = 4;

export const PERIOD_TYPES = ["month", "quarter", "financial-year", "rolling-12-months"];

/** How each period type reads in a heading or a picker. */
export const PERIOD_NAMES = {
  "financial-year": "Financial year",
  quarter: "Quarter",
  month: "Month",
  "rolling-12-months": "Rolling 12 months"
};

/** How each period type is written, for messages that refuse a label. */
export const PERIOD_FORMATS = {
  month: "a month as YYYY-MM (e.g. 2013-03)",
  "rolling-12-months": "the last month of the 12 as YYYY-MM (e.g. 2013-03 for April 2012 to March 2013)",
  quarter: "a financial-year quarter such as 2012/13 Q4 (Q1 is April to June)",
  "financial-year": "a financial year such as 2012/13"
};

const pad2 = (n) => (n < 10 ? `0${n}` : `${n}`);

/** An ISO date from year, month (1–12) and day. */
export const iso = (year, month, day) => `${year}-${pad2(month)}-${pad2(day)}`;
/** Days in a month (1–12). */
export const daysInMonth = (year, month) => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** The ISO date of a month's last day. */
export const monthEnd = (year, month) => iso(year, month, daysInMonth(year, month));

/** Month index (months since year 0) ↔ year and month. */
export const monthIndex = (year, month) => year * 12 + (month - 1);
export const monthOfIndex = (i) => [Math.floor(i / 12), (i % 12) + 1];

// ---- Financial years -----------------------------------------------------------------------------

/** The financial year (its first calendar year) that a month (1–12) of a calendar year falls in. */
export const fyOfMonth = (year, month) => (month >= FY_FIRST_MONTH ? year : year - 1);
/** The financial year an ISO date (or YYYY-MM) falls in. */
export function fyOfDate(date) {
  // Called for every staged record: slices, not split's array (same result for any string).
  const first = date.indexOf("-");
  if (first === -1) return fyOfMonth(Number(date), NaN);
  const second = date.indexOf("-", first + 1);
  return fyOfMonth(Number(date.slice(0, first)), Number(second === -1 ? date.slice(first + 1) : date.slice(first + 1, second)));
}
/** The financial year a moment falls in, by its UTC day (a run's "today"). */
export const fyOfDay = (moment) => fyOfDate(moment.toISOString().slice(0, 10));
/** Publication form: 2012 → "2012/13". */
export const fyLabel = (fy) => `${fy}/${pad2((fy + 1) % 100)}`;
/** File-name form: 2012 → "2012-13". */
export const fyFileLabel = (fy) => `${fy}-${pad2((fy + 1) % 100)}`;
/** The financial year "2012/13" or "2012-13" names, or null when the two years do not follow. */
export function parseFy(text) {
  const m = /^(\d{4})[-/](\d{2})$/.exec(String(text).trim());
  return m && (Number(m[1]) + 1) % 100 === Number(m[2]) ? Number(m[1]) : null;
}
/** First and last day of a financial year (ISO dates). */
export const fyStartDate = (fy) => iso(fy, FY_FIRST_MONTH, 1);
export const fyEndDate = (fy) => monthEnd(fy + 1, FY_FIRST_MONTH - 1);

/** Quarter 1–4 of the financial year that a month (1–12) falls in. */
export const fyQuarterOfMonth = (month) => Math.floor(((month + 12 - FY_FIRST_MONTH) % 12) / 3) + 1;
/** "2012/13 Q1". */
export const quarterLabel = (fy, quarter) => `${fyLabel(fy)} Q${quarter}`;
/** Month index of the first month of quarter `quarter` of financial year `fy`. */
export const quarterFirstMonth = (fy, quarter) => monthIndex(fy, FY_FIRST_MONTH) + 3 * (quarter - 1);

// ---- Periods: label ↔ span -------------------------------------------------------------------------

/** Months from one period of `type` to the next. */
export const periodStep = (type) => (type === "quarter" ? 3 : type === "financial-year" ? 12 : 1);
/** Months a period of `type` spans. */
const periodSpan = (type) => (type === "rolling-12-months" ? 12 : periodStep(type));

/** The period of `type` whose last month has index `endIdx`: {label, start, end}. */
export function periodEndingAt(type, endIdx) {
  const [ey, em] = monthOfIndex(endIdx);
  const [sy, sm] = monthOfIndex(endIdx - periodSpan(type) + 1);
  const span = {start: iso(sy, sm, 1), end: monthEnd(ey, em)};
  switch (type) {
    case "month":
    case "rolling-12-months":
      return {label: `${ey}-${pad2(em)}`, ...span};
    case "quarter":
      return {label: quarterLabel(fyOfMonth(sy, sm), fyQuarterOfMonth(sm)), ...span};
    case "financial-year":
      return {label: fyLabel(fyOfMonth(sy, sm)), ...span};
  }
  throw new TypeError(`unknown period type ${type}`);
}

/** Month index of the last month of the period of `type` written `text`, or null when it is not one. */
export function parsePeriodEnd(type, text) {
  const t = String(text).trim();
  if (type === "month" || type === "rolling-12-months") {
    const m = /^(\d{4})-(\d{2})$/.exec(t);
    return m && +m[2] >= 1 && +m[2] <= 12 ? monthIndex(+m[1], +m[2]) : null;
  }
  if (type === "quarter") {
    const m = /^(\d{4})\/(\d{2})[ \-_]?Q([1-4])$/i.exec(t);
    if (!m || (+m[1] + 1) % 100 !== +m[2]) return null;
    return quarterFirstMonth(+m[1], +m[3]) + 2;
  }
  const m = /^(\d{4})\/(\d{2})$/.exec(t);
  if (!m || (+m[1] + 1) % 100 !== +m[2]) return null;
  return quarterFirstMonth(+m[1], 4) + 2;
}

/** The period of `type` written `text` ({label, start, end}), or null when it is not one. */
export function readPeriod(type, text) {
  const idx = parsePeriodEnd(type, text);
  return idx === null ? null : periodEndingAt(type, idx);
}

const endIdxOf = (p) => monthIndex(Number(p.end.slice(0, 4)), Number(p.end.slice(5, 7)));

/** Every period of `type` from `from` to `to` inclusive. */
export function periodsBetween(type, from, to) {
  const out = [];
  for (let i = endIdxOf(from); i <= endIdxOf(to); i += periodStep(type)) out.push(periodEndingAt(type, i));
  return out;
}

/** Periods of `type` lying wholly inside [start, end] (ISO dates, end a month end). */
export function periodsWithin(type, start, end) {
  let i = monthIndex(Number(start.slice(0, 4)), Number(start.slice(5, 7))) + periodSpan(type) - 1;
  // Align to the period grid: quarters end in Jun/Sep/Dec/Mar, years in March.
  if (type === "quarter") while (monthOfIndex(i)[1] % 3 !== 0) i++;
  if (type === "financial-year") while (monthOfIndex(i)[1] !== FY_FIRST_MONTH - 1) i++;
  const out = [];
  for (const last = monthIndex(Number(end.slice(0, 4)), Number(end.slice(5, 7))); i <= last; i += periodStep(type)) out.push(periodEndingAt(type, i));
  return out;
}

/** The next `h` periods of `type` after `last`. */
export function periodsAfter(type, last, h) {
  const out = [];
  for (let k = 1; k <= h; k++) out.push(periodEndingAt(type, endIdxOf(last) + k * periodStep(type)));
  return out;
}

/** A real date written YYYY-MM-DD, or a month written YYYY-MM (its last day), as an ISO date; else null. */
export function readDate(text) {
  const t = String(text).trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m && +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= daysInMonth(+m[1], +m[2])) return t;
  m = /^(\d{4})-(\d{2})$/.exec(t);
  return m && +m[2] >= 1 && +m[2] <= 12 ? monthEnd(+m[1], +m[2]) : null;
}

/**
 * The last day (ISO date) of whatever a label names, when its type is not known: a quarter
 * ("2012/13 Q2"), a financial year ("2012/13"), a month or rolling 12 months ("2013-03") or a date.
 * Charts place every period at its last day, so dated annotations line up with the actuals.
 */
export function labelEnd(label) {
  const t = String(label).trim();
  for (const type of ["quarter", "financial-year"]) {
    const idx = parsePeriodEnd(type, t);
    if (idx !== null) return periodEndingAt(type, idx).end;
  }
  return readDate(t);
}
