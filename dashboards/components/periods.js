// Period labels as the API writes them, placed on a time axis. Charts position every period at its
// last day, so annotations (dated) and frozen forecasts (labels only) line up with the actuals.

const monthEnd = (y, m) => new Date(Date.UTC(y, m, 0)); // m is 1-12: day 0 of the next month

/** "2012/13" (financial year), "2012/13 Q2" (April–June is Q1), "2013-03" (month or rolling 12) → its last day. */
export function periodEnd(label) {
  if (label instanceof Date) return label;
  const t = String(label).trim();
  let m = /^(\d{4})\/(\d{2})\s*Q([1-4])$/i.exec(t);
  if (m) {
    const months = 4 + 3 * Number(m[3]) - 1; // last month of the quarter counted from January of the start year
    const y = Number(m[1]) + Math.floor((months - 1) / 12);
    return monthEnd(y, ((months - 1) % 12) + 1);
  }
  m = /^(\d{4})\/(\d{2})$/.exec(t);
  if (m) return monthEnd(Number(m[1]) + 1, 3);
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) return monthEnd(Number(m[1]), Number(m[2]));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return null;
}

export const PERIOD_NAMES = {
  "financial-year": "Financial year",
  quarter: "Quarter",
  month: "Month",
  "rolling-12-months": "Rolling 12 months"
};

/** An ISO date (YYYY-MM-DD) as a Date at midnight UTC. */
export function isoDate(iso) {
  return iso ? new Date(`${String(iso).slice(0, 10)}T00:00:00Z`) : null;
}

/** A Date → "YYYY-MM-DD". */
export function toIso(date) {
  return date.toISOString().slice(0, 10);
}
