import type {Probe} from "./sniff.js";
import type {Issue, Recognition, SourceRecord} from "./types.js";

/**
 * The contract between the door and a statutory format. An importer recognises its files by content
 * and streams them as Curve rows (`SourceRecord`s, identity still raw in `person`) and `Issue`s.
 * It never degrades identity, never touches the warehouse, and never puts an identifier value in an
 * issue message: the door does the first two and tests the third.
 */

/** How many rows (and, for XML, children) a file held: yielded once, at the end. */
export interface Tally {
  tally: {
    rows: number;
    children?: number;
    /**
     * False when the reader could not read the file to its end (XML not well-formed or truncated, a
     * CSV or workbook that breaks part-way): validate exits 2, and a run refuses the file whole,
     * discarding what was read before the break. Absent means true.
     */
    readable?: boolean;
    /** Parts read and checked but not turned into Curve records, each with the reason (Annex A lists 1, 2, 6, 9-11). */
    notMapped?: string[];
  };
}

export type ImportItem = SourceRecord | Issue | Tally;

export const isTally = (i: ImportItem): i is Tally => "tally" in i;
export const isIssue = (i: ImportItem): i is Issue => "rule" in i && !("values" in i);
export const isRecord = (i: ImportItem): i is SourceRecord => "values" in i;

export interface ReadContext {
  /** The other files of the same return (same family, authority and year), recognised. */
  companions: {path: string; recognition: Recognition}[];
  /** "Today", for future-date rules. */
  asOf: Date;
}

export interface Importer {
  family: Recognition["family"];
  /** A one-line description for `validate` and the README (e.g. "SSDA903 Episodes table (CSV)"). */
  describe: string;
  /** From the head of a file: what it is, or null when this importer does not read it. */
  recognise(probe: Probe): Recognition | null | Promise<Recognition | null>;
  /** The return year from the data when neither the content's header nor the file name says. */
  inferYear?(path: string, recognition: Recognition): Promise<number | null>;
  /**
   * Streams the file's records and issues, ending with one Tally. Throwing means the file cannot be
   * read at all (validate exits 2; a run refuses the file and keeps the earlier data).
   */
  read(path: string, recognition: Recognition, ctx: ReadContext): AsyncIterable<ImportItem>;
  /** Its checks compare dates with `ctx.asOf` (future dates): what it reads from a file may change from one day to the next. */
  readsToday?: boolean;
  /**
   * The formats (Recognition.format) a return must hold for this file's records to be loaded: a 903
   * Episodes table needs the Header of the same return (sex, date of birth, ethnicity).
   */
  needs?: (recognition: Recognition) => string[];
  /**
   * The record types this file's rows become (903 Episodes → looked_after). A file that feeds records
   * and cannot be read makes its whole return incomplete, so nothing of the return replaces earlier data.
   */
  feeds?: (recognition: Recognition) => string[];
  /**
   * The format is an extract of every year, not one year's return (SSD tables, Annex A lists): its
   * files are grouped by authority alone and each record goes to the collection year of its own date
   * (an episode to every year it is open), so no return year is needed or inferred.
   */
  datedByRecord?: boolean;
}
