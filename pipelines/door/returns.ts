import {statSync} from "node:fs";
import {basename, dirname, relative, sep} from "node:path";
import {parseFy} from "../../shared/calendar.js";
import type {Importer} from "./importer.js";
import {recognise} from "./registry.js";
import {probeFile, type Probe} from "./sniff.js";
import type {Recognition} from "./types.js";
import {IMPORTERS} from "./registry.js";

/**
 * Which return each statutory file belongs to: its family, authority and year. The authority comes
 * from the content (CIN census <LA>), else a 3-digit DfE number in the file name or its inbox folder
 * (inbox/821/...), else `laCode` in data/config.json; the year from the content, else the file name
 * (2013, 2012-13), else the data (the year ending 31 March after its latest date), else the other
 * files of the same return.
 */

export interface DoorFile {
  path: string;
  /** As shown in every message: the path under the inbox, or as given to validate. */
  display: string;
  probe: Probe;
  importer: Importer | null;
  recognition: Recognition | null;
  mtimeMs: number;
  /** Why the file cannot be used, or null. */
  problem: string | null;
}

export interface RecogniseOptions {
  inbox?: string;
  defaultLa?: string | null;
  importers?: Importer[];
}

/** 3-digit tokens standing alone (so "SSDA903" and "2013" are not authorities). */
function laTokens(text: string): string[] {
  return [...text.matchAll(/(?:^|[^A-Za-z0-9])(\d{3})(?=[^A-Za-z0-9]|$)/g)].map((m) => m[1]);
}

/** "2012-13", "2012_13", "201213" → 2013; a lone "2013" → 2013 (903 files are named by the year they end). */
export function yearFromName(name: string): number | null {
  const span = /(?:^|[^0-9])((?:19|20)\d{2})[-_ ]?(\d{2})(?=[^0-9]|$)/.exec(name);
  const fy = span && parseFy(`${span[1]}-${span[2]}`);
  if (fy !== null) return fy + 1;
  const lone = /(?:^|[^0-9])((?:19|20)\d{2})(?=[^0-9]|$)/.exec(name);
  return lone ? +lone[1] : null;
}

export async function recogniseFiles(paths: string[], options: RecogniseOptions = {}): Promise<DoorFile[]> {
  const files: DoorFile[] = [];
  for (const path of paths) {
    const display = options.inbox ? relative(options.inbox, path) : path;
    const probe = await probeFile(path);
    const mtimeMs = statSync(path).mtimeMs;
    const found = probe.kind === "empty" ? null : await recognise(probe, options.importers ?? IMPORTERS);
    if (!found) {
      files.push({path, display, probe, importer: null, recognition: null, mtimeMs, problem: unrecognised(probe)});
      continue;
    }
    const recognition = {...found.recognition};
    let problem: string | null = null;
    const folders = options.inbox ? dirname(relative(options.inbox, path)).split(sep).filter((s) => s !== ".") : [];
    const named = [...laTokens(basename(path)), ...folders.flatMap(laTokens)];
    const distinct = [...new Set(named)];
    if (recognition.la && distinct.some((la) => la !== recognition.la)) {
      problem = `this file is for authority ${recognition.la} but its name or folder says ${distinct.join("/")}: a file for another authority is not loaded`;
    } else if (!recognition.la && distinct.length > 1) {
      problem = `the file name and folder name different authorities (${distinct.join(", ")}); put it in one authority's folder`;
    } else if (!recognition.la) {
      recognition.la = distinct[0] ?? options.defaultLa ?? null;
      if (!recognition.la) problem = `cannot tell which authority this ${recognition.format} file is for: put it in an inbox folder named by its 3-digit DfE number (e.g. inbox/821/), or set laCode in data/config.json`;
    }
    // An extract of every year (SSD, Annex A) needs no year: its records go to their own dates' years.
    if (!found.importer.datedByRecord) {
      recognition.year ??= yearFromName(basename(path)) ?? (found.importer.inferYear ? await found.importer.inferYear(path, recognition) : null);
    }
    files.push({path, display, probe, importer: found.importer, recognition, mtimeMs, problem});
  }
  // A table with no dates of its own (the 903 Header) takes the year of the rest of its return.
  for (const f of files) {
    if (!f.recognition || f.recognition.year !== null || f.problem || f.importer?.datedByRecord) continue;
    const years = new Set(files.filter((o) => o !== f && o.recognition?.family === f.recognition!.family && o.recognition?.la === f.recognition!.la
      && dirname(o.path) === dirname(f.path) && o.recognition?.year).map((o) => o.recognition!.year));
    if (years.size === 1) f.recognition.year = [...years][0];
    else f.problem = `cannot tell which year's return this ${f.recognition.format} file is: put the year in its name (e.g. ${f.recognition.la}_2013_${basename(f.path)} for 2012-13)`;
  }
  return files;
}

function unrecognised(probe: Probe): string {
  if (probe.kind === "empty") return "the file is empty (0 bytes)";
  const what = probe.kind === "csv" ? `a CSV whose columns (${(probe.header ?? []).slice(0, 8).join(", ")}${(probe.header?.length ?? 0) > 8 ? ", ..." : ""}) match no known format`
    : probe.kind === "xml" ? `XML with root element <${probe.xmlRoot ?? "?"}>, not a known format`
    : probe.kind === "xlsx" ? "a spreadsheet (xlsx) no registered importer recognises"
    : probe.kind === "parquet" ? "a Parquet file no registered importer recognises"
    : "not a CSV, XML, xlsx or Parquet file";
  return `not recognised: ${what}. Curve reads SSDA903 tables${IMPORTERS.some((i) => i.family !== "ssda903") ? ", CIN census XML, Annex A and SSD extracts" : ""} by their content, and its own extracts named <type>_<la_code>_<YYYY-YY>.csv`;
}

export interface Return {
  key: string;
  family: string;
  la: string;
  /** The return year (ending 31 March), or null for an extract of every year (SSD, Annex A). */
  year: number | null;
  /** The file used for each format (the newest complete one when a return was sent twice). */
  files: DoorFile[];
  superseded: {file: DoorFile; by: DoorFile}[];
}

/** Groups usable files into returns; a format sent twice keeps the newest (by modification time, then name). */
export function groupReturns(files: DoorFile[], options: {evenWithProblems?: boolean} = {}): Return[] {
  const byKey = new Map<string, DoorFile[]>();
  for (const f of files) {
    if ((f.problem && !options.evenWithProblems) || !f.recognition) continue;
    const r = f.recognition;
    const key = `${r.family}|${r.la}|${f.importer?.datedByRecord ? "every-year" : r.year}`;
    byKey.set(key, [...(byKey.get(key) ?? []), f]);
  }
  return [...byKey.entries()].map(([key, list]) => {
    const [family, la, year] = key.split("|");
    const byFormat = new Map<string, DoorFile[]>();
    for (const f of list) byFormat.set(f.recognition!.format, [...(byFormat.get(f.recognition!.format) ?? []), f]);
    const files: DoorFile[] = [];
    const superseded: {file: DoorFile; by: DoorFile}[] = [];
    for (const candidates of byFormat.values()) {
      candidates.sort((a, b) => b.mtimeMs - a.mtimeMs || b.path.localeCompare(a.path));
      files.push(candidates[0]);
      for (const older of candidates.slice(1)) superseded.push({file: older, by: candidates[0]});
    }
    return {key, family, la, year: year === "every-year" ? null : Number(year), files, superseded};
  });
}
