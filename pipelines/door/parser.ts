import {open} from "node:fs/promises";
import type {Family, Issue, Recognition, SourceRecord} from "./types.js";

/**
 * What every statutory-format parser offers the door: recognise a file from its first bytes, then
 * stream it as Curve records and issues, ending with one summary. Parsers hold no more than a
 * child (XML) or a row (CSV, xlsx) at a time, so a county's return parses in bounded memory.
 */

/** The first bytes of a file, enough to recognise its format without reading it all. */
export interface Probe {
  path: string;
  /** The file name, for messages (never used to decide the format: names are arbitrary). */
  name: string;
  /** The first 64 KiB (or the whole file when smaller). */
  head: Buffer;
}

export const PROBE_BYTES = 64 * 1024;

export async function readProbe(path: string): Promise<Probe> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(PROBE_BYTES);
    const {bytesRead} = await handle.read(buffer, 0, PROBE_BYTES, 0);
    return {path, name: path.split(/[\\/]/).pop() ?? path, head: buffer.subarray(0, bytesRead)};
  } finally {
    await handle.close();
  }
}

export interface ParseSummary {
  /** Source rows read: CSV/xlsx data rows; for CIN XML the <CINdetails> episodes. */
  rows: number;
  /** CIN XML only: <Child> elements read. */
  children?: number;
  /** False when the file could not be read to its end (not well-formed, truncated, not a workbook). */
  readable: boolean;
  /** Parts read but not turned into Curve records, each with the reason (e.g. "annex-a:list-1 contacts: Curve has no contacts extract"). */
  notMapped?: string[];
}

export type ParseItem = {record: SourceRecord} | {issue: Issue} | {summary: ParseSummary};

export interface Importer<O = undefined> {
  family: Family;
  recognise(probe: Probe): Recognition | null;
  parse(path: string, recognition: Recognition, options?: O): AsyncGenerator<ParseItem>;
}

/**
 * Fields whose source value is, or is built from, the council's own child or case identifiers
 * (e.g. a CIN referral has no id of its own, so it is `<LAchildID>/<referral date>`). The door must
 * replace each with the same keyed hash it gives `person.childId`, so they stay stable across returns
 * and years yet reveal nothing. Parsers put raw values here and nowhere else.
 */
export const IDENTITY_DERIVED_FIELDS = ["referral_id", "assessment_id", "enquiry_id", "plan_id", "episode_id", "caf_id"] as const;

/** Messages about values never quote them: anything with a digit or an @ is withheld. */
export function withholdValues(text: string): string {
  return text.replace(/\S*[\d@]\S*/g, "[value withheld]");
}
