import {createHash} from "node:crypto";
import {createReadStream, createWriteStream} from "node:fs";
import {pipeline} from "node:stream/promises";
import iconv from "iconv-lite";
import {parse} from "csv-parse/sync";

/**
 * One streaming pass over an extract file before anything is loaded: its sha256 (for idempotent
 * re-loads), its size, whether it is valid UTF-8, and its header line. Never holds the file in memory.
 */
export interface FileInspection {
  sha256: string;
  bytes: number;
  utf8: boolean;
  bom: boolean;
  header: string[] | null;
  /** A header line with nothing after it. */
  headerOnly: boolean;
}

export async function inspectFile(path: string): Promise<FileInspection> {
  const hash = createHash("sha256");
  const decoder = new TextDecoder("utf-8", {fatal: true});
  let utf8 = true;
  let bytes = 0;
  let head = Buffer.alloc(0);
  const HEAD_LIMIT = 64 * 1024;
  for await (const chunk of createReadStream(path, {highWaterMark: 1 << 20}) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (head.length < HEAD_LIMIT) head = Buffer.concat([head, chunk.subarray(0, HEAD_LIMIT - head.length)]);
    if (utf8) {
      try {
        decoder.decode(chunk, {stream: true});
      } catch {
        utf8 = false;
      }
    }
  }
  if (utf8) {
    try {
      decoder.decode();
    } catch {
      utf8 = false;
    }
  }
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const text = utf8 ? head.toString("utf8").replace(/^\uFEFF/, "") : iconv.decode(head, "win1252");
  const firstBreak = text.search(/\r?\n/);
  const headerLine = firstBreak === -1 ? text : text.slice(0, firstBreak);
  let header: string[] | null = null;
  if (headerLine.trim() !== "") {
    const parsed = parse(headerLine, {relax_quotes: true}) as string[][];
    header = parsed[0]?.map((h) => h.trim()) ?? null;
  }
  const rest = firstBreak === -1 ? "" : text.slice(firstBreak).trim();
  return {sha256: hash.digest("hex"), bytes, utf8, bom, header, headerOnly: header !== null && rest === "" && bytes < HEAD_LIMIT};
}

/** Excel on Windows saves CSV as Windows-1252; DuckDB reads only UTF-8 (and Latin-1, which differs). */
export async function transcodeWindows1252(from: string, to: string): Promise<void> {
  await pipeline(createReadStream(from), iconv.decodeStream("win1252"), iconv.encodeStream("utf8"), createWriteStream(to));
}
