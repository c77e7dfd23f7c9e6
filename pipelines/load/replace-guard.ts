import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows} from "../warehouse/store.js";

/**
 * The replace guard. A file for a period already published replaces that period's rows, so a bad file
 * (another authority's data under this name, dates Excel turned into serial numbers) used to wipe a
 * published year. Now: a file that would publish no row is refused, whether it replaces a period or
 * starts one; a file that would lose more than `maxLossShare` of the period's published rows is held
 * until someone confirms it by name (`npm run pipeline -- run --accept <file>`). Either way the
 * previous rows stay published. Judged from the file's quarantine before the file writes anything.
 */

export interface ReplaceGuard {
  /** Share of the period's published rows a replacement may lose without confirmation (0.2 = 20%). */
  maxLossShare: number;
  /** File names confirmed with --accept for this run. */
  accepted: ReadonlySet<string>;
}

export {DEFAULT_MAX_LOSS_SHARE} from "../config.js";

export interface Candidate {
  file: string;
  period: string;
  loadId: string;
  rowsIn: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  /** Rows the period has published now, or null when the period is new. */
  previousRows: number | null;
}

export interface Verdict {
  outcome: "refused" | "held";
  message: string;
}

/** Null when the file may be published; else why not, naming file, period, rows and the commonest rule. */
export async function judgeReplacement(conn: DuckDBConnection, c: Candidate, guard: ReplaceGuard, quarantine = "quarantine"): Promise<Verdict | null> {
  const counts = `${c.rowsIn} rows in, ${c.rowsQuarantined} quarantined`;
  if (c.rowsLoaded === 0) {
    const rule = await dominantRule(conn, c.loadId, quarantine);
    const kept = c.previousRows === null ? `nothing was published for ${c.period}` : `the ${c.previousRows} published ${c.period} rows stay`;
    return {outcome: "refused", message: `${c.file} was refused: it would publish no row for ${c.period} (${counts}${rule ? `, most for ${rule}` : ""}); ${kept}.` +
      (await firstIssue(conn, c.loadId, quarantine))};
  }
  if (c.previousRows === null || c.previousRows === 0) return null;
  const loss = (c.previousRows - c.rowsLoaded) / c.previousRows;
  if (loss <= guard.maxLossShare || guard.accepted.has(c.file)) return null;
  const rule = c.rowsQuarantined ? await dominantRule(conn, c.loadId, quarantine) : null;
  return {outcome: "held", message: `${c.file} is held: it would take ${c.period} from ${c.previousRows} to ${c.rowsLoaded} rows ` +
    `(${Math.round(loss * 100)}% fewer; ${counts}${rule ? `, most for ${rule}` : ""}), more than the ${Math.round(guard.maxLossShare * 100)}% ` +
    `a replacement may lose unconfirmed (replaceGuard.maxLossShare). The published rows stay. If the smaller file is right, confirm it: ` +
    `npm run pipeline -- run --accept ${c.file}`};
}

/** The first quarantined row's message: a refused file's quarantine is never written, so say one here. */
async function firstIssue(conn: DuckDBConnection, loadId: string, quarantine: string): Promise<string> {
  const [q] = await queryRows<{row: number | null; line: number | null; message: string}>(conn, `
    SELECT source_row AS row, line, message FROM ${quarantine} WHERE load_id = $1 ORDER BY source_row NULLS LAST, line, field LIMIT 1`, [loadId]);
  if (!q) return "";
  return ` For example, ${q.row !== null ? `row ${q.row}` : `line ${q.line}`}: ${q.message}.`;
}

/**
 * The rules that quarantined the most rows of this load, with their row counts: up to three, since a
 * wrong file usually breaks several at once (another authority's rows are wrong-authority and
 * unknown-ward alike).
 */
async function dominantRule(conn: DuckDBConnection, loadId: string, quarantine: string): Promise<string | null> {
  const top = await queryRows<{rule: string; n: number}>(conn, `
    SELECT rule, count(DISTINCT coalesce(source_row, -line))::INTEGER AS n FROM ${quarantine} WHERE load_id = $1
    GROUP BY rule ORDER BY n DESC, rule LIMIT 3`, [loadId]);
  return top.length ? top.map((r) => `${r.rule} (${r.n} rows)`).join(", ") : null;
}
