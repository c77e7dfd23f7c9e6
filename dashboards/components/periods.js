// Period labels as the API writes them, placed on a time axis. Charts position every period at its
// last day, so annotations (dated) and frozen forecasts (labels only) line up with the actuals. The
// labels are read by the one calendar the API writes them with (calendar.js, a link to shared/).

import {labelEnd} from "./calendar.js";

export {PERIOD_NAMES} from "./calendar.js";

/** "2012/13" (financial year), "2012/13 Q2" (April–June is Q1), "2013-03" (month or rolling 12) → its last day. */
export function periodEnd(label) {
  if (label instanceof Date) return label;
  const end = labelEnd(label);
  return end ? isoDate(end) : null;
}

/** An ISO date (YYYY-MM-DD) as a Date at midnight UTC. */
export function isoDate(iso) {
  return iso ? new Date(`${String(iso).slice(0, 10)}T00:00:00Z`) : null;
}

/** A Date → "YYYY-MM-DD". */
export function toIso(date) {
  return date.toISOString().slice(0, 10);
}
