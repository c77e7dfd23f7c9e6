import {closeSync, openSync, readdirSync, readSync, statSync} from "node:fs";
import {join} from "node:path";
import {constants, gunzipSync} from "node:zlib";
import {parseExtractName} from "../contracts/extracts.js";
import {refusedResult, type LoadResult} from "./extract.js";

/**
 * The inbox screen: before anything is opened for loading, every entry that looks like an extract is
 * checked on its own, so one bad entry is refused by name and the rest of the inbox still loads.
 * Refused here: entries that are not readable regular files (a directory named like an extract, a
 * broken link, no read permission), binary content, a `.gz` that does not hold a CSV, an authority
 * code the reference data does not know, and two files for one type, authority and period (neither
 * wins silently: a leftover `.old.csv` must not replace the real return, nor the other way round).
 */

export interface InboxScreen {
  /** Paths to load, sorted by name. */
  files: string[];
  /** One refusal per entry that will not be loaded, each naming its file. */
  refused: LoadResult[];
}

/** Names the loader picks up. */
export const EXTRACT_FILE = /\.csv(\.gz)?$/i;
const SNIFF_BYTES = 8192;

export function screenInbox(inbox: string, knownAuthorities: ReadonlySet<string>): InboxScreen {
  let names: string[];
  try {
    // Only names in Curve's own layout are screened here; any other file goes to the door
    // (pipelines/door), which recognises statutory returns by content and refuses the rest by name.
    names = readdirSync(inbox).filter((f) => EXTRACT_FILE.test(f) && !("error" in parseExtractName(f))).sort();
  } catch {
    return {files: [], refused: []}; // no inbox yet: nothing to load
  }
  const refused: LoadResult[] = [];
  const candidates: {file: string; target: string}[] = [];
  for (const file of names) {
    const problem = entryProblem(join(inbox, file), file, knownAuthorities);
    if (problem) {
      refused.push(refusedResult(file, problem));
      continue;
    }
    const name = parseExtractName(file);
    if ("error" in name) continue; // entryProblem refused it
    candidates.push({file, target: `${name.type}/${name.laCode}/${name.period}`});
  }
  const byTarget = new Map<string, typeof candidates>();
  for (const c of candidates) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c]);
  const files: string[] = [];
  for (const group of byTarget.values()) {
    if (group.length === 1) {
      files.push(join(inbox, group[0].file));
      continue;
    }
    const listed = group.map((c) => c.file).join(" and ");
    for (const {file} of group) {
      refused.push(refusedResult(file, `${listed} are both for ${group[0].target.replaceAll("/", " ")}: neither was loaded and the published data for that period stays; remove the one that is not the return`));
    }
  }
  return {files: files.sort(), refused: refused.sort((a, b) => a.file.localeCompare(b.file))};
}

/** Why this inbox entry cannot be loaded, in words naming it; null when it may be. */
function entryProblem(path: string, file: string, knownAuthorities: ReadonlySet<string>): string | null {
  const name = parseExtractName(file);
  if ("error" in name) return name.error;
  if (!knownAuthorities.has(name.laCode)) {
    return `${file}: '${name.laCode}' is not a known authority (data/reference/authorities.csv); nothing was loaded`;
  }
  let head: Buffer;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return `${file} is a directory, not an extract file; nothing in it was loaded`;
    if (!stat.isFile()) return `${file} is not a regular file (a pipe, socket or device); it was not read`;
    head = readHead(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    return `${file} cannot be read (${code === "EACCES" ? "permission denied" : code === "ENOENT" ? "it is a link to nothing" : code}); nothing was loaded`;
  }
  if (/\.gz$/i.test(file)) {
    if (!isGzip(head)) return `${file} is not a gzip-compressed CSV (it does not start with the gzip signature)`;
    let inner: Buffer;
    try {
      inner = gunzipSync(head, {finishFlush: constants.Z_SYNC_FLUSH}); // only the head was read: a cut stream is expected
    } catch {
      return `${file} is not a gzip-compressed CSV (it cannot be decompressed)`;
    }
    return looksBinary(inner) ? `${file} is not a gzip-compressed CSV (it decompresses to binary content)` : null;
  }
  if (isGzip(head)) return `${file} is not a CSV/XML/xlsx file: it is gzip-compressed (name it ${file}.gz to have it read)`;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return `${file} is UTF-16 text ("Unicode text" in Excel), not a CSV file: save it as "CSV UTF-8" or "CSV (Comma delimited)"`;
  }
  if (looksBinary(head)) return `${file} is not a CSV/XML/xlsx file (it holds binary content); nothing was loaded`;
  return null;
}

function readHead(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Text files (UTF-8 or Windows-1252) never hold NUL; zip containers (a renamed xlsx) start with PK. */
function looksBinary(b: Buffer): boolean {
  return b.includes(0) || (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04);
}
