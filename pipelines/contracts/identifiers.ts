import {sqlIdent} from "./fields.js";

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
 * SQL that, over a staging table of raw text columns, counts the values in each column that look like
 * a direct identifier. One query, one scan: the pipeline refuses the file if any count is non-zero.
 */
export function valueScreenSql(table: string, columns: string[]): {sql: string; checks: {column: string; reason: string}[]} {
  const checks: {column: string; reason: string}[] = [];
  const selects: string[] = [];
  for (const col of columns) {
    const v = `trim(${sqlIdent(col)})`;
    const digits = `regexp_replace(${v}, '\\s', '', 'g')`;
    // The modulus-11 sum is written out digit by digit: a list lambda per value is ~50× slower, and
    // CASE evaluates it only for values that are 10 digits in the first place.
    const digit = (i: number) => `(ascii(substr(${digits}, ${i}, 1)) - 48)`;
    const weighted = Array.from({length: 9}, (_, i) => `${digit(i + 1)} * ${10 - i}`).join(" + ");
    selects.push(
      `count(*) FILTER (WHERE CASE WHEN regexp_full_match(${digits}, '\\d{10}') THEN (11 - ((${weighted}) % 11)) % 11 = ${digit(10)} ELSE false END)`
    );
    checks.push({column: col, reason: "holds NHS numbers (10 digits passing the modulus-11 check)"});
    selects.push(`count(*) FILTER (WHERE regexp_full_match(upper(${v}), '[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}'))`);
    checks.push({column: col, reason: "holds full postcodes"});
    selects.push(`count(*) FILTER (WHERE regexp_full_match(upper(${v}), '[A-Z][0-9]{11}[0-9A-Z]'))`);
    checks.push({column: col, reason: "holds unique pupil numbers"});
    if (/birth/i.test(col)) {
      selects.push(`count(*) FILTER (WHERE regexp_full_match(${v}, '\\d{4}-\\d{2}-\\d{2}|\\d{2}/\\d{2}/\\d{4}'))`);
      checks.push({column: col, reason: "holds full dates of birth (only the month and year may be extracted)"});
    }
  }
  return {sql: `SELECT ${selects.map((s, i) => `(${s})::INTEGER AS c${i}`).join(", ")} FROM ${table}`, checks};
}
