import {open} from "node:fs/promises";
import {basename} from "node:path";
import iconv from "iconv-lite";
import {parse} from "csv-parse/sync";

/**
 * What a file is, from its first bytes, never its name: councils' case systems name exports
 * anything ("Export (3).csv"). Only the head of the file is read, so a 200 MB return costs 64 KB here.
 */

export type ContainerKind = "csv" | "xml" | "xlsx" | "parquet" | "empty" | "unknown";

export interface Probe {
  path: string;
  name: string;
  bytes: number;
  kind: ContainerKind;
  /** CSV: the header cells, trimmed, as written. */
  header: string[] | null;
  /** XML: the root element's local name. */
  xmlRoot: string | null;
  /** The first bytes (up to 64 KB), for importers that look further (xlsx sheet names, CSV first rows). */
  head: Buffer;
}

const HEAD = 64 * 1024;

export async function probeFile(path: string): Promise<Probe> {
  const handle = await open(path, "r");
  let head: Buffer;
  let bytes: number;
  try {
    bytes = (await handle.stat()).size;
    const buf = Buffer.alloc(Math.min(HEAD, bytes));
    const {bytesRead} = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const base = {path, name: basename(path), bytes, header: null, xmlRoot: null, head};
  if (bytes === 0) return {...base, kind: "empty"};
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return {...base, kind: "xlsx"};
  if (head.subarray(0, 4).toString("latin1") === "PAR1") return {...base, kind: "parquet"};
  const text = decodeHead(head);
  const trimmed = text.replace(/^\s+/, "");
  if (trimmed.startsWith("<")) return {...base, kind: "xml", xmlRoot: xmlRootOf(trimmed)};
  if (head.includes(0)) return {...base, kind: "unknown"}; // binary, not text
  const header = csvHeader(text);
  return header ? {...base, kind: "csv", header} : {...base, kind: "unknown"};
}

/** UTF-8 (with or without a byte-order mark), else Windows-1252, Excel's CSV encoding. */
export function decodeHead(head: Buffer): string {
  try {
    return new TextDecoder("utf-8", {fatal: true}).decode(head).replace(/^\uFEFF/, "");
  } catch {
    // A multi-byte character cut at the 64 KB boundary is not a decoding failure.
    try {
      return new TextDecoder("utf-8", {fatal: true}).decode(head.subarray(0, Math.max(0, head.length - 4))).replace(/^\uFEFF/, "");
    } catch {
      return iconv.decode(head, "win1252");
    }
  }
}

function xmlRootOf(text: string): string | null {
  // Skip the declaration, comments and doctype: the first element that opens is the root.
  const re = /<(\?[^>]*\?>|!--[\s\S]*?-->|![^>]*>|([A-Za-z_][\w.:-]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[2]) return m[2].replace(/^.*:/, "");
  }
  return null;
}

function csvHeader(text: string): string[] | null {
  const firstBreak = text.search(/\r?\n/);
  const line = firstBreak === -1 ? text : text.slice(0, firstBreak);
  if (!line.trim() || !line.includes(",")) return null;
  try {
    const cells = (parse(line, {relax_quotes: true}) as string[][])[0]?.map((h) => h.trim());
    return cells && cells.length > 1 ? cells : null;
  } catch {
    return null;
  }
}
