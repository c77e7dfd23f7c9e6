import {closeSync, mkdirSync, openSync, writeSync} from "node:fs";
import {join} from "node:path";
import {contractFor, type ExtractContract, type ExtractType} from "../contracts/extracts.js";
import {fyFileLabel, fyOfDate, fyOfDay} from "../../shared/calendar.js";

/**
 * Converted rows are written as Curve-layout CSVs, one per (type, authority, collection year), and
 * loaded by the existing loader, so statutory data passes the same contract validation, quarantine
 * and lineage as Curve's own extracts. Two extra columns carry the original file and row, which
 * the loader puts in the quarantine and lineage instead of the staged file's.
 */

export const ORIGIN_FILE = "_origin_file";
export const ORIGIN_ROW = "_origin_row";

const fy = fyFileLabel;

const quote = (v: string | null | undefined) => (v == null ? "" : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

interface Writer {
  fd: number;
  path: string;
  contract: ExtractContract;
  buffer: string[];
  rows: number;
}

export interface StagedGroup {
  path: string;
  type: ExtractType;
  la: string;
  collectionYear: number;
  period: string;
  rows: number;
}

/** Staged CSV writers for one return, keyed by (type, authority, collection year). */
export class Stage {
  readonly #writers = new Map<string, Writer>();
  constructor(readonly dir: string) {
    mkdirSync(dir, {recursive: true});
  }

  write(type: ExtractType, la: string, collectionYear: number, values: Record<string, string | null>, origin: {file: string; row: number}): void {
    const key = `${type}_${la}_${fy(collectionYear)}`;
    let w = this.#writers.get(key);
    if (!w) {
      const contract = contractFor(type, collectionYear);
      const path = join(this.dir, `${key}.csv`);
      const fd = openSync(path, "w");
      writeSync(fd, [...contract.fields.map((f) => f.name), ORIGIN_FILE, ORIGIN_ROW].join(",") + "\n");
      w = {fd, path, contract, buffer: [], rows: 0};
      this.#writers.set(key, w);
    }
    w.buffer.push([...w.contract.fields.map((f) => quote(values[f.name])), quote(origin.file), String(origin.row)].join(","));
    w.rows++;
    if (w.buffer.length >= 2000) this.#flush(w);
  }

  #flush(w: Writer): void {
    if (w.buffer.length) writeSync(w.fd, w.buffer.join("\n") + "\n");
    w.buffer = [];
  }

  close(): StagedGroup[] {
    const groups: StagedGroup[] = [];
    for (const [key, w] of this.#writers) {
      this.#flush(w);
      closeSync(w.fd);
      const [, la, period] = /^[a-z0-9_]+_(\d{3})_(\d{4}-\d{2})$/.exec(key)!;
      groups.push({path: w.path, type: w.contract.type, la, collectionYear: +period.slice(0, 4), period, rows: w.rows});
    }
    this.#writers.clear();
    return groups.sort((a, b) => a.path.localeCompare(b.path));
  }
}

/**
 * The collection years a record belongs to. In a return of known year, every record is that year's
 * (episodes were open in it; events dated outside it belong to another return and are skipped). In a
 * whole-history extract (SSD), events go to their date's year and episodes to every year they are open.
 */
export function yearsOf(contract: ExtractContract, values: Record<string, string | null>, returnYear: number | null, asOf: Date): number[] | "outside" | "undated" {
  const start = values[contract.periodField];
  if (!start || !/^\d{4}-\d{2}-\d{2}$/.test(start)) return returnYear !== null ? [returnYear - 1] : "undated";
  if (returnYear !== null) {
    const collection = returnYear - 1;
    if (contract.periodEnd) return [collection];
    return fyOfDate(start) === collection ? [collection] : "outside";
  }
  const first = fyOfDate(start);
  if (!contract.periodEnd) return [first];
  const end = values[contract.periodEnd];
  const last = end && /^\d{4}-\d{2}-\d{2}$/.test(end) ? fyOfDate(end) : fyOfDay(asOf);
  return Array.from({length: Math.max(1, last - first + 1)}, (_, i) => first + i);
}
