// Numbers and dates the UK way, one place for every page and chart.
const count = new Intl.NumberFormat("en-GB");
const dateTime = new Intl.DateTimeFormat("en-GB", {dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London"});

export function formatCount(value) {
  return value === null || value === undefined ? "x" : typeof value === "string" ? value : count.format(value);
}

export function formatDateTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : "x";
}

/** 2012 → "2012/13": financial years as councils write them. */
export function financialYear(startYear) {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, "0")}`;
}
