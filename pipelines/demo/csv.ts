import {closeSync, openSync, writeSync} from "node:fs";
import type {Cell, Row} from "./extracts.js";

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  const s = typeof value === "number" ? String(value) : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(row: Row): string {
  let line = "";
  for (let i = 0; i < row.length; i++) line += (i ? "," : "") + csvCell(row[i]);
  return `${line}\n`;
}

/**
 * Appends rows to a CSV file through a small buffer with synchronous writes: England-scale runs
 * stream millions of rows without ever holding a file's rows in memory, and the output is the
 * same bytes however the event loop is scheduled.
 */
export class CsvFileWriter {
  private fd: number;
  private buffer = "";
  rows = 0;

  constructor(
    readonly path: string,
    header: readonly string[]
  ) {
    this.fd = openSync(path, "w");
    this.buffer = `${header.join(",")}\n`;
  }

  write(row: Row): void {
    this.buffer += csvLine(row);
    this.rows++;
    if (this.buffer.length > 1 << 16) this.flush();
  }

  /** A line already formatted by the caller (England scale builds lines directly for speed). */
  writeLine(line: string): void {
    this.buffer += line + "\n";
    this.rows++;
    if (this.buffer.length > 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.buffer) writeSync(this.fd, this.buffer);
    this.buffer = "";
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
