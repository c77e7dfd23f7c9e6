// Numbers and dates the UK way, one place for every page and chart.
const count = new Intl.NumberFormat("en-GB");
const oneDp = new Intl.NumberFormat("en-GB", {minimumFractionDigits: 1, maximumFractionDigits: 1});
const twoDp = new Intl.NumberFormat("en-GB", {minimumFractionDigits: 2, maximumFractionDigits: 2});
const money = new Intl.NumberFormat("en-GB", {style: "currency", currency: "GBP", maximumFractionDigits: 0});
const dateTime = new Intl.DateTimeFormat("en-GB", {dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London"});
const dateOnly = new Intl.DateTimeFormat("en-GB", {day: "numeric", month: "short", year: "numeric", timeZone: "UTC"});

/** GSS symbols for values that are not numbers (never a numeric sentinel). */
export const SYMBOLS = {
  c: "confidential: a small count of children (1–5 by default; the council sets the threshold for each audience), or a figure that would reveal one",
  u: "low reliability: fewer than 10 events, read with caution",
  x: "not available",
  z: "not applicable"
};

export function formatCount(value) {
  return value === null || value === undefined ? "x" : typeof value === "string" ? value : count.format(Math.round(value));
}

export function formatDateTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : "x";
}

/** "2013-03-31" → "31 Mar 2013". */
export function formatDate(iso) {
  return iso ? dateOnly.format(new Date(`${String(iso).slice(0, 10)}T00:00:00Z`)) : "x";
}

/** The unit as a reader says it. */
export function unitLabel(unit) {
  return unit === "per-10000" ? "per 10,000 children" : unit === "percent" ? "%" : unit === "count" ? "number" : unit === "ratio" ? "ratio" : unit === "gbp" ? "£" : unit ?? "";
}

/**
 * A published value in its unit: rates and percentages to one decimal place, counts whole, money in
 * pounds. Strings are GSS symbols (`c`, `x`, `z`) and are shown as they are.
 */
export function formatValue(value, unit, {suffix = true} = {}) {
  if (value === null || value === undefined) return "x";
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return "x";
  if (unit === "percent") return `${oneDp.format(value)}${suffix ? "%" : ""}`;
  if (unit === "per-10000") return oneDp.format(value);
  if (unit === "ratio") return twoDp.format(value);
  if (unit === "gbp") return money.format(value);
  if (unit === "count") return count.format(Math.round(value));
  return oneDp.format(value);
}

/** A signed change: "+3.2" / "−1.0" (a real minus sign). */
export function formatChange(value, unit) {
  if (value === null || value === undefined || typeof value === "string") return "x";
  const text = formatValue(Math.abs(value), unit === "percent" ? "percent-points" : unit, {suffix: false});
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  return `${sign}${text}${unit === "percent" ? " pts" : ""}`;
}

/** "41.5 to 64.9" (the 95% interval), or "" when there is none. */
export function formatInterval(lower, upper, unit) {
  const ok = (v) => typeof v === "number" && Number.isFinite(v);
  if (!ok(lower) && !ok(upper)) return "";
  return `${ok(lower) ? formatValue(lower, unit, {suffix: false}) : "undefined"} to ${ok(upper) ? formatValue(upper, unit, {suffix: false}) : "undefined"}`;
}

/** "about 45 per 10,000" / "about 45%" / "about 1,200": a forecast said the way a reader says it. */
export function roughly(value, unit) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "x";
  const v = Math.abs(value) >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  const text = count.format(v);
  return unit === "per-10000" ? `${text} per 10,000` : unit === "percent" ? `${text}%` : unit === "gbp" ? money.format(v) : text;
}

/**
 * The forecast in one sentence a commissioner can read: "If nothing changes, we expect about 45 per
 * 10,000 by 2016/17 (likely between 38 and 52)". "Likely" is the 80% band.
 */
export function forecastSentence(forecast, unit) {
  const last = forecast?.points?.at(-1);
  if (!last) return "There is no forecast for this series.";
  const band = typeof last.lower80 === "number" && typeof last.upper80 === "number"
    ? ` (likely between ${roughly(last.lower80, unit === "per-10000" ? "count" : unit)} and ${roughly(last.upper80, unit === "per-10000" ? "count" : unit)})` : "";
  return `If nothing changes, we expect about ${roughly(last.mean, unit)} by ${last.period}${band}.`;
}

/** A ratio as "1.23". */
export function formatRatio(value) {
  return formatValue(value, "ratio");
}

export function formatMoney(value) {
  return formatValue(value, "gbp");
}

/** kebab or snake case → "Sentence case". */
export function humanise(text) {
  if (text === null || text === undefined) return "";
  const s = String(text).replaceAll(/[_-]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function formatBytes(n) {
  return n >= 1024 * 1024 ? `${oneDp.format(n / 1024 / 1024)} MB` : `${count.format(Math.round(n / 1024))} kB`;
}
