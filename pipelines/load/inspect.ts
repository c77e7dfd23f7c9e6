import {isUtf8} from "node:buffer";
import {createHash} from "node:crypto";
import {createReadStream, createWriteStream} from "node:fs";
import {Transform, type Readable} from "node:stream";
import {pipeline} from "node:stream/promises";
import {createGunzip} from "node:zlib";
import iconv from "iconv-lite";
import {parse} from "csv-parse/sync";

/**
 * One streaming pass over an extract file before anything is loaded: its sha256 (for idempotent
 * re-loads), its size, whether it is valid UTF-8, its header line and how its lines end. A `.gz` file
 * is hashed as stored and read decompressed. Never holds the file in memory.
 */
export interface FileInspection {
  sha256: string;
  bytes: number;
  utf8: boolean;
  bom: boolean;
  header: string[] | null;
  /** A header line with nothing after it. */
  headerOnly: boolean;
  /** No line break in the first HEAD_LIMIT bytes of a longer file: the header is not a header. */
  headerTooLong: boolean;
  /** How the first line ends; "\r" alone is old Mac Excel, which DuckDB reads only when told. */
  newLine: "\n" | "\r\n" | "\r" | null;
}

export const HEAD_LIMIT = 64 * 1024;

/** The file's bytes as DuckDB will read them: decompressed when the name says gzip. */
export function openContent(path: string): Readable {
  const raw = createReadStream(path, {highWaterMark: 1 << 20});
  return /\.gz$/i.test(path) ? raw.pipe(createGunzip()) : raw;
}

export async function inspectFile(path: string): Promise<FileInspection> {
  const hash = createHash("sha256");
  let rawBytes = 0;
  const raw = createReadStream(path, {highWaterMark: 1 << 20});
  // The hash is over the bytes as stored, so a re-compressed copy of the same rows is a new file.
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      rawBytes += chunk.length;
      done(null, chunk);
    }
  });
  const content = /\.gz$/i.test(path) ? raw.pipe(tap).pipe(createGunzip()) : raw.pipe(tap);
  raw.on("error", (err) => content.destroy(err));
  const utf8Check = new Utf8Check();
  let utf8 = true;
  let bytes = 0;
  let head = Buffer.alloc(0);
  for await (const chunk of content as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (head.length < HEAD_LIMIT) head = Buffer.concat([head, chunk.subarray(0, HEAD_LIMIT - head.length)]);
    if (utf8) utf8 = utf8Check.push(chunk);
  }
  if (utf8) utf8 = utf8Check.end();
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const text = utf8 ? head.toString("utf8").replace(/^\uFEFF/, "") : iconv.decode(head, "win1252");
  const lineBreak = /\r\n|\r|\n/.exec(text);
  const firstBreak = lineBreak ? lineBreak.index : -1;
  const headerTooLong = firstBreak === -1 && bytes > HEAD_LIMIT;
  const headerLine = firstBreak === -1 ? text : text.slice(0, firstBreak);
  let header: string[] | null = null;
  if (headerLine.trim() !== "" && !headerTooLong) {
    const parsed = parse(headerLine, {relax_quotes: true}) as string[][];
    header = parsed[0]?.map((h) => h.trim()) ?? null;
  }
  const rest = firstBreak === -1 ? "" : text.slice(firstBreak).trim();
  return {
    sha256: hash.digest("hex"), bytes: rawBytes === 0 ? 0 : bytes, utf8, bom, header, headerTooLong,
    headerOnly: header !== null && rest === "" && bytes < HEAD_LIMIT,
    newLine: lineBreak ? (lineBreak[0] as FileInspection["newLine"]) : null
  };
}

/** The file's sha256, hashed once a run: `known` holds the files already hashed, by path. */
export async function sha256Once(known: Map<string, string>, path: string): Promise<string> {
  let sha256 = known.get(path);
  if (sha256 === undefined) known.set(path, (sha256 = (await inspectFile(path)).sha256));
  return sha256;
}

/**
 * Whether a stream of chunks is valid UTF-8, by node's validator (no strings built: a decoder
 * costs about 15× as much on every file loaded). A character split across two chunks is held
 * back and checked with the next.
 */
export class Utf8Check {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): boolean {
    const buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const cut = buf.length - incompleteTail(buf);
    this.#pending = buf.subarray(cut);
    return isUtf8(buf.subarray(0, cut));
  }

  /** The stream ended: a character left incomplete is invalid. */
  end(): boolean {
    return this.#pending.length === 0;
  }
}

/** How many bytes at the end begin a character the buffer does not finish (0–3). */
function incompleteTail(buf: Buffer): number {
  for (let k = 1; k <= Math.min(3, buf.length); k++) {
    const byte = buf[buf.length - k];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead byte is further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > k ? k : 0;
  }
  return 0;
}

/** Excel on Windows saves CSV as Windows-1252; DuckDB reads only UTF-8 (and Latin-1, which differs). */
export async function transcodeWindows1252(from: string, to: string): Promise<void> {
  await pipeline(openContent(from), iconv.decodeStream("win1252"), iconv.encodeStream("utf8"), createWriteStream(to));
}
