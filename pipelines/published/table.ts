import {createReadStream, openSync, readSync, closeSync} from "node:fs";
import {basename} from "node:path";
import {parse} from "csv-parse";

/**
 * Published reference tables (ONS, MHCLG, DfE) arrive as CSV or as the xlsx the publisher ships.
 * Either way they are read here as rows of text cells, streamed, with the 1-based row number of the
 * file, so every layout error can name the file, row and column. Publishers put title lines above
 * the header (ONS) and notes below the data: the header is the first row that has every column a
 * layout needs, and blank rows are skipped.
 */

export class LayoutError extends Error {
  constructor(readonly file: string, readonly row: number | null, readonly column: string | null, detail: string) {
    super(`${file}${row !== null ? ` row ${row}` : ""}${column ? `, column '${column}'` : ""}: ${detail}`);
  }
}

export interface Row {
  /** 1-based row of the file (of the sheet, for xlsx). */
  row: number;
  cells: string[];
}

/** Generous for real releases (IoD File 7 is ~33,000 rows), bounded so one file cannot exhaust memory. */
export const MAX_ROWS = 500_000;
const MAX_CELL = 10_000;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export function isXlsx(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(ZIP_MAGIC);
  } finally {
    closeSync(fd);
  }
}

const text = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") {
    const o = v as {result?: unknown; text?: unknown; richText?: {text: string}[]};
    if (o.richText) return o.richText.map((r) => r.text).join("");
    if ("result" in o) return text(o.result);
    if ("text" in o) return text(o.text);
    if (v instanceof Date) return v.toISOString().slice(0, 10);
  }
  return String(v).trim();
};

async function* csvRows(path: string): AsyncGenerator<Row> {
  const parser = createReadStream(path).pipe(parse({bom: true, relax_column_count: true, skip_empty_lines: false, max_record_size: MAX_CELL * 200}));
  let row = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    row++;
    yield {row, cells: record.map((c) => c.trim())};
  }
}

/** Sheet chosen by `pickSheet` from the sheet names (e.g. ONS's "Mid-2020 Persons"). */
async function* xlsxRows(path: string, pickSheet: (names: string[]) => string | null): AsyncGenerator<Row & {sheet: string}> {
  const {default: ExcelJS} = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const names = wb.worksheets.map((w) => w.name);
  const name = pickSheet(names);
  if (!name) throw new LayoutError(basename(path), null, null, `no sheet this layout reads (sheets: ${names.join(", ")})`);
  const sheet = wb.getWorksheet(name)!;
  const rows: (Row & {sheet: string})[] = [];
  sheet.eachRow({includeEmpty: false}, (r, n) => {
    const values = (r.values as unknown[]).slice(1);
    rows.push({row: n, sheet: name, cells: values.map(text)});
  });
  yield* rows;
}

export interface TableOptions {
  /** Columns that must all be present for a row to be the header (matched after normalising). */
  required: RegExp[];
  pickSheet?: (names: string[]) => string | null;
}

export interface Table {
  file: string;
  header: string[];
  headerRow: number;
  /** The sheet read, or null for CSV. */
  sheet: string | null;
  /** Non-blank rows above the header (publishers' titles, e.g. "Mid-2020 ward population estimates"). */
  preamble: string[][];
  /** Index of the first header cell matching each required pattern. */
  index: (pattern: RegExp) => number;
  rows: AsyncGenerator<Row>;
}

/** Opens a table and finds its header; throws LayoutError naming the columns it could not find. */
export async function openTable(path: string, options: TableOptions): Promise<Table> {
  const file = basename(path);
  let sheet: string | null = null;
  const source = isXlsx(path)
    ? (async function* () {
      for await (const r of xlsxRows(path, options.pickSheet ?? ((n) => n[0] ?? null))) {
        sheet = r.sheet;
        yield r;
      }
    })()
    : csvRows(path);
  let scanned = 0;
  const preamble: string[][] = [];
  for (;;) {
    const next = await source.next();
    if (next.done) break;
    const {row, cells} = next.value;
    if (++scanned > 50) break;
    if (options.required.every((p) => cells.some((c) => p.test(c)))) {
      const header = cells;
      const index = (p: RegExp) => header.findIndex((h) => p.test(h));
      const rows = (async function* () {
        let n = 0;
        for (;;) {
          const r = await source.next();
          if (r.done) return;
          if (r.value.cells.every((c) => c === "")) continue;
          if (++n > MAX_ROWS) throw new LayoutError(file, r.value.row, null, `more than ${MAX_ROWS} rows: not a table this layout reads`);
          yield r.value;
        }
      })();
      return {file, header, headerRow: row, sheet, preamble, index, rows};
    }
    if (cells.some((c) => c !== "")) preamble.push(cells);
  }
  await source.return(undefined);
  throw new LayoutError(file, null, null, `no header row with the columns this layout needs (${options.required.map((p) => p.source.replace(/[\\^$]/g, "")).join("; ")}) in its first 50 rows`);
}

/** Reads just enough of a CSV to see its first rows (recognition by content). */
export async function peekRows(path: string, n = 30): Promise<string[][]> {
  if (isXlsx(path)) return [];
  const out: string[][] = [];
  for await (const r of csvRows(path)) {
    out.push(r.cells);
    if (out.length >= n) break;
  }
  return out;
}
