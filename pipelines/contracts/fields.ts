import {z} from "zod";

/**
 * A field of an extract contract. Each kind knows how to read a raw CSV text value two ways:
 * as a zod schema (one row at a time: tests, error messages, the API's documentation) and as a
 * DuckDB SQL expression (whole files at once: the pipeline). Keeping both on the field kind is what
 * stops them drifting apart; `test/pipeline/contracts.test.ts` checks they agree.
 */
export type FieldKind =
  | {kind: "key"}
  | {kind: "id"}
  | {kind: "date"}
  | {kind: "month"}
  | {kind: "int"; min: number; max: number}
  | {kind: "number"; min: number; max: number}
  | {kind: "enum"; values: readonly string[]}
  | {kind: "codes"; values: readonly string[]}
  | {kind: "text"; maxLength: number};

export interface Field {
  name: string;
  required: boolean;
  description: string;
  type: FieldKind;
  /** A column added after files were first written: a file without it is read as if it were empty. */
  absentOk?: boolean;
}

export const PSEUDONYMOUS_KEY = /^[0-9a-f]{16,64}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_\-/.]{0,63}$/;

export const field = {
  key: (name: string, description: string): Field => ({name, required: true, description, type: {kind: "key"}}),
  id: (name: string, description: string, required = true): Field => ({name, required, description, type: {kind: "id"}}),
  date: (name: string, description: string, required = true): Field => ({name, required, description, type: {kind: "date"}}),
  month: (name: string, description: string, required = true): Field => ({name, required, description, type: {kind: "month"}}),
  int: (name: string, description: string, min: number, max: number, required = true): Field => ({
    name, required, description, type: {kind: "int", min, max}
  }),
  number: (name: string, description: string, min: number, max: number, required = true): Field => ({
    name, required, description, type: {kind: "number", min, max}
  }),
  enum: (name: string, description: string, values: readonly string[], required = true): Field => ({
    name, required, description, type: {kind: "enum", values}
  }),
  codes: (name: string, description: string, values: readonly string[], required = false): Field => ({
    name, required, description, type: {kind: "codes", values}
  }),
  text: (name: string, description: string, maxLength = 200, required = true): Field => ({
    name, required, description, type: {kind: "text", maxLength}
  })
};

/** What a value must look like, in words a council analyst would use in a data-quality email. */
export function expectation(f: Field): string {
  const t = f.type;
  switch (t.kind) {
    case "key": return "a pseudonymous key of 16–64 lowercase hex characters";
    case "id": return "an identifier of letters, digits, '-', '_', '/' or '.'";
    case "date": return "a date as YYYY-MM-DD or DD/MM/YYYY";
    case "month": return "a month as YYYY-MM or MM/YYYY";
    case "int": return `a whole number from ${t.min} to ${t.max}`;
    case "number": return `a number from ${t.min} to ${t.max}`;
    case "enum": return `one of ${t.values.join(", ")}`;
    case "codes": return `codes separated by ';' from ${t.values.join(", ")}`;
    case "text": return `text of at most ${t.maxLength} characters`;
  }
}

// ---------- row-at-a-time (zod) ----------

function isoDate(y: number, m: number, d: number): string | null {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return dt.toISOString().slice(0, 10);
}

/**
 * Dates already parsed: a return repeats a few thousand dates across hundreds of thousands of
 * records. Only strings as short as a date are kept, and the table is emptied when full, so a
 * file of odd values cannot grow it.
 */
const parsedDates = new Map<string, string | null>();
const PARSED_DATES_MAX = 50_000;

/** Parses the two date spellings councils' case systems export; anything else is null, never a guess. */
export function parseDate(text: string): string | null {
  if (text.length !== 10) return null;
  let parsed = parsedDates.get(text);
  if (parsed === undefined) {
    if (parsedDates.size >= PARSED_DATES_MAX) parsedDates.clear();
    parsedDates.set(text, (parsed = parseDateSpelling(text)));
  }
  return parsed;
}

function parseDateSpelling(text: string): string | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) return isoDate(+m[1], +m[2], +m[3]);
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (m) return isoDate(+m[3], +m[2], +m[1]);
  return null;
}

export function parseMonth(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})$/.exec(text);
  const uk = /^(\d{2})\/(\d{4})$/.exec(text);
  const [year, month] = iso ? [iso[1], iso[2]] : uk ? [uk[2], uk[1]] : [null, null];
  if (!year || !month || +month < 1 || +month > 12) return null;
  return `${year}-${month}`;
}

function parsedBy<T>(parse: (s: string) => T | null, what: string) {
  return z.string().transform((s, ctx) => {
    const v = parse(s);
    if (v === null) {
      ctx.addIssue({code: "custom", message: `expected ${what}, got '${s}'`});
      return z.NEVER;
    }
    return v;
  });
}

export function fieldSchema(f: Field): z.ZodType {
  const t = f.type;
  const what = expectation(f);
  let schema: z.ZodType;
  switch (t.kind) {
    case "key": schema = parsedBy((s) => (PSEUDONYMOUS_KEY.test(s) ? s : null), what); break;
    case "id": schema = parsedBy((s) => (ID.test(s) ? s : null), what); break;
    case "date": schema = parsedBy(parseDate, what); break;
    case "month": schema = parsedBy(parseMonth, what); break;
    case "int": schema = parsedBy((s) => (/^-?\d+$/.test(s) && +s >= t.min && +s <= t.max ? +s : null), what); break;
    case "number": schema = parsedBy((s) => {
      const n = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
      return Number.isFinite(n) && n >= t.min && n <= t.max ? n : null;
    }, what); break;
    case "enum": schema = parsedBy((s) => (t.values.includes(s) ? s : null), what); break;
    case "codes": schema = parsedBy((s) => {
      const codes = s.split(";").map((c) => c.trim()).filter(Boolean);
      return codes.every((c) => t.values.includes(c)) ? codes : null;
    }, what); break;
    case "text": schema = parsedBy((s) => (s.length <= t.maxLength ? s : null), what); break;
  }
  // An empty cell is "missing": allowed for optional fields (null), a named error for required ones.
  return z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v),
    f.required
      ? z.any().refine((v) => v !== undefined, {message: `${f.name} is required: expected ${what}`}).pipe(schema)
      : schema.optional().transform((v) => (v === undefined ? null : v))
  );
}

// ---------- whole-file (DuckDB SQL) ----------

export const sqlIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** Text values as the items of an SQL `IN (…)` list. */
export const sqlList = (values: Iterable<string>) => [...values].map(sqlString).join(", ");

/** The trimmed raw text, with empty cells as NULL. */
export function sqlRaw(f: Field): string {
  return `nullif(trim(${sqlIdent(f.name)}), '')`;
}

/**
 * SQL expression giving the typed value, or NULL when the raw text does not parse. `raw` is the
 * trimmed text with empty cells as NULL: the pipeline stages it once per value (trimming is the
 * costly part, and each expression below reads it several times).
 */
export function sqlValue(f: Field, raw = sqlRaw(f)): string {
  const t = f.type;
  switch (t.kind) {
    case "key": return `CASE WHEN regexp_full_match(${raw}, '[0-9a-f]{16,64}') THEN ${raw} END`;
    case "id": return `CASE WHEN regexp_full_match(${raw}, '[A-Za-z0-9][A-Za-z0-9_\\-/.]{0,63}') THEN ${raw} END`;
    case "date":
      // try_strptime accepts some sloppy input (single digits), so the shape is checked first.
      return `CASE WHEN regexp_full_match(${raw}, '\\d{4}-\\d{2}-\\d{2}') THEN try_strptime(${raw}, '%Y-%m-%d')::DATE
                   WHEN regexp_full_match(${raw}, '\\d{2}/\\d{2}/\\d{4}') THEN try_strptime(${raw}, '%d/%m/%Y')::DATE END`;
    case "month":
      return `CASE WHEN regexp_full_match(${raw}, '\\d{4}-(0[1-9]|1[0-2])') THEN ${raw}
                   WHEN regexp_full_match(${raw}, '(0[1-9]|1[0-2])/\\d{4}') THEN substr(${raw}, 4, 4) || '-' || substr(${raw}, 1, 2) END`;
    case "int":
      return `CASE WHEN regexp_full_match(${raw}, '-?\\d{1,9}') AND ${raw}::INTEGER BETWEEN ${t.min} AND ${t.max} THEN ${raw}::INTEGER END`;
    case "number":
      return `CASE WHEN regexp_full_match(${raw}, '-?\\d{1,12}(\\.\\d+)?') AND ${raw}::DOUBLE BETWEEN ${t.min} AND ${t.max} THEN ${raw}::DOUBLE END`;
    case "enum": return `CASE WHEN ${raw} IN (${sqlList(t.values)}) THEN ${raw} END`;
    case "codes":
      return `CASE WHEN list_bool_and(list_transform(string_split(${raw}, ';'), c -> trim(c) IN (${sqlList(t.values)}))) THEN list_filter(list_transform(string_split(${raw}, ';'), c -> trim(c)), c -> c <> '') END`;
    case "text": return `CASE WHEN length(${raw}) <= ${t.maxLength} THEN ${raw} END`;
  }
}

export function sqlType(f: Field): string {
  switch (f.type.kind) {
    case "date": return "DATE";
    case "int": return "INTEGER";
    case "number": return "DOUBLE";
    case "codes": return "VARCHAR[]";
    default: return "VARCHAR";
  }
}
