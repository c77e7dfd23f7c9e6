import {createReadStream} from "node:fs";
import {parse} from "csv-parse";
import iconv from "iconv-lite";

/**
 * Streams a CSV file's data rows as objects keyed by the header (trimmed), with the 1-based data row
 * number. Encoding is UTF-8 (a byte-order mark is dropped) unless told Windows-1252. One row at a time:
 * a large return never sits in memory.
 */
export async function* csvRows(path: string, options: {windows1252?: boolean} = {}): AsyncGenerator<{row: number; values: Record<string, string>}> {
  const source = createReadStream(path);
  const text = options.windows1252 ? source.pipe(iconv.decodeStream("win1252")) : source;
  const parser = text.pipe(parse({
    columns: (header: string[]) => header.map((h) => h.trim()),
    bom: true, skip_empty_lines: true, relax_column_count: true, trim: false
  }));
  let row = 0;
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    row++;
    yield {row, values: record};
  }
}
