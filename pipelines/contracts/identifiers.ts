import type {Field} from "./fields.js";

/**
 * Direct-identifier screening. Extracts must carry nothing beyond the pseudonymous key, the month of
 * birth and the ward; a file that carries a direct identifier is refused whole (not quarantined row by
 * row, because quarantining would store the identifier).
 */

export interface IdentifierFinding {
  column: string;
  reason: string;
}

const NAME_HEADER = /(^|_)(fore|sur|first|last|given|family|middle|full|child|mother|father|carer|parent)?_?names?($|_)/;
const HEADER_RULES: {test: RegExp; reason: string}[] = [
  {test: NAME_HEADER, reason: "the column name suggests a person's name"},
  {test: /(^|_)nhs(_?(no|num|number))?($|_)/, reason: "the column name suggests an NHS number"},
  {test: /(^|_)(upn|unique_pupil_number)($|_)/, reason: "the column name suggests a unique pupil number"},
  {test: /(^|_)post_?code($|_)/, reason: "the column name suggests a postcode"},
  {test: /(^|_)(dob|date_of_birth|birth_?date)($|_)/, reason: "the column name suggests a full date of birth"},
  {test: /(^|_)(address|street|house_?number)($|_)/, reason: "the column name suggests an address"}
];

function normaliseHeader(h: string): string {
  return h.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_");
}

/** Findings from column names alone. */
export function screenHeaders(headers: string[]): IdentifierFinding[] {
  const findings: IdentifierFinding[] = [];
  for (const h of headers) {
    const n = normaliseHeader(h);
    const rule = HEADER_RULES.find((r) => r.test.test(n));
    if (rule) findings.push({column: h, reason: rule.reason});
  }
  return findings;
}

/** NHS numbers are 10 digits whose last is a modulus-11 check digit over the first nine. */
export function isNhsNumber(text: string): boolean {
  const digits = text.replace(/\s/g, "");
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === Number(digits[9]);
}

export const FULL_POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i;

/**
 * Whether a contract field's *valid* values could spell a direct identifier. Free text and
 * identifiers can hold anything; a number that may run to ten digits could be an NHS number; a date
 * in a column about birth is a full date of birth. A pseudonymous key (16–64 hex), a month, a bounded
 * integer, a date of an event or a code from a list cannot: for those only the values that fail
 * typing need screening, because only they are stored as typed (in the quarantine and its message).
 */
export function mayHoldIdentifier(f: Field): boolean {
  const t = f.type;
  if (/birth/i.test(f.name) && t.kind !== "month") return true;
  switch (t.kind) {
    case "text": case "id": return true;
    case "int": case "number": return Math.max(Math.abs(t.min), Math.abs(t.max)) >= 1e9;
    case "enum": case "codes": return t.values.some((v) => isNhsNumber(v) || FULL_POSTCODE.test(v) || UPN.test(v) || DATE.test(v));
    default: return false;
  }
}

const UPN = /^[A-Z][0-9]{11}[0-9A-Z]$/i;
const DATE = /^(\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4})$/;

/** A column to screen: its trimmed raw text, and which of its values are candidates (SQL, true for all). */
export interface ScreenColumn {
  column: string;
  value: string;
  candidates: string;
}

/**
 * SQL that, over a table, finds the columns holding a direct identifier: one set-based pass that
 * gathers the candidate values of every column into one (column, value) set and tests each value once
 * against the NHS-number, postcode, UPN and date-of-birth patterns. Returns one row per finding
 * (`k` the check's index into `checks`, `f` the value of the `file` column, so one pass screens
 * several files staged together); the pipeline refuses a file on any of its findings.
 */
export function identifierScreenSql(table: string, columns: ScreenColumn[], file = "0"): {sql: string; checks: IdentifierFinding[]} {
  const checks: IdentifierFinding[] = [];
  const reasons = [
    "holds NHS numbers (10 digits passing the modulus-11 check)",
    "holds full postcodes",
    "holds unique pupil numbers",
    "holds full dates of birth (only the month and year may be extracted)"
  ];
  for (const c of columns) for (const reason of reasons) checks.push({column: c.column, reason});
  if (!columns.length) return {sql: "SELECT NULL::INTEGER AS f, NULL::INTEGER AS k WHERE false", checks};
  const values = columns.map((c, i) => `SELECT ${file} AS f, ${i} AS c, ${c.value} AS v FROM ${table} WHERE ${c.value} IS NOT NULL AND (${c.candidates})`);
  const birth = columns.map((c, i) => (/birth/i.test(c.column) ? i : -1)).filter((i) => i >= 0);
  // The modulus-11 sum is written out digit by digit: a list lambda per value is ~50× slower, and
  // CASE evaluates it only for values that are 10 digits in the first place.
  const digit = (i: number) => `(ascii(substr(d, ${i}, 1)) - 48)`;
  const weighted = Array.from({length: 9}, (_, i) => `${digit(i + 1)} * ${10 - i}`).join(" + ");
  const tests = [
    `CASE WHEN regexp_full_match(d, '\\d{10}') THEN (11 - ((${weighted}) % 11)) % 11 = ${digit(10)} ELSE false END`,
    `regexp_full_match(u, '[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}')`,
    `regexp_full_match(u, '[A-Z][0-9]{11}[0-9A-Z]')`,
    birth.length ? `c IN (${birth.join(", ")}) AND regexp_full_match(v, '\\d{4}-\\d{2}-\\d{2}|\\d{2}/\\d{2}/\\d{4}')` : "false"
  ];
  // Every pattern needs at least 5 characters (a postcode without its space): shorter values are never tested.
  const sql = `WITH v AS (${values.join("\nUNION ALL\n")}),
    w AS (SELECT f, c, v, upper(v) AS u, regexp_replace(v, '\\s', '', 'g') AS d FROM v WHERE length(v) >= 5),
    hits AS (SELECT f, c, ${tests.map((t, k) => `bool_or(${t}) AS h${k}`).join(", ")} FROM w GROUP BY f, c)
    ${tests.map((_, k) => `SELECT f, c * ${reasons.length} + ${k} AS k FROM hits WHERE h${k}`).join(" UNION ALL ")}
    ORDER BY f, k`;
  return {sql, checks};
}
