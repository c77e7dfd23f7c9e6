// One rule for every CSV Curve writes — the API's `format=csv` answers (api/csv.ts) and the
// dashboards' downloads (export.js) — so a cell cannot run as a formula when the file is opened
// in Excel, LibreOffice or Google Sheets (OWASP "CSV injection"). Plain JavaScript with no imports,
// so the browser and the server load the same file.

/** Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, hide one). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number written as text ("-3", "-0.25", "1e-5"): a spreadsheet reads it as a number, never a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A cell value as it is safe to write: a string that starts with = + - @, a tab or a carriage
 * return gets a leading apostrophe (OWASP's advice), unless it is a plain number. Numbers, dates
 * and the GSS symbols (c, u, x, z) pass unchanged. Quoting for commas, quotes and newlines is the
 * writer's job, after this.
 * @param {unknown} value
 * @returns {unknown}
 */
export function neutraliseCsvCell(value) {
  if (typeof value !== "string" || !FORMULA_START.test(value) || PLAIN_NUMBER.test(value)) return value;
  return `'${value}`;
}
