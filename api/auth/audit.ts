import {appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {join} from "node:path";

/**
 * The audit trail: one JSON line per authenticated data request (who, role, when, route, parameters,
 * rows returned, outcome), in a file per day. Append-only by construction (the API only appends);
 * files older than the retention period are removed by `sweep`.
 */
export interface AuditEntry {
  at: string;
  principal: string;
  role: string;
  provider_id: string | null;
  method: string;
  route: string;
  params: Record<string, string>;
  status: number;
  outcome: "allowed" | "denied" | "unauthenticated" | "rate-limited" | "error";
  rows: number | null;
}

export class AuditLog {
  constructor(readonly dir: string, readonly retentionDays: number) {
    mkdirSync(dir, {recursive: true});
  }

  append(entry: AuditEntry): void {
    appendFileSync(join(this.dir, `audit-${entry.at.slice(0, 10)}.jsonl`), JSON.stringify(entry) + "\n");
  }

  /** Entries newest first, filtered; reads only the files whose day is in range. */
  query(filter: {from?: string; to?: string; principal?: string; route?: string; limit?: number} = {}): AuditEntry[] {
    if (!existsSync(this.dir)) return [];
    const files = readdirSync(this.dir).filter((f) => /^audit-\d{4}-\d{2}-\d{2}\.jsonl$/.test(f)).sort().reverse();
    const out: AuditEntry[] = [];
    for (const f of files) {
      const day = f.slice(6, 16);
      if (filter.from && day < filter.from.slice(0, 10)) continue;
      if (filter.to && day > filter.to.slice(0, 10)) continue;
      const lines = readFileSync(join(this.dir, f), "utf8").split("\n").filter(Boolean).reverse();
      for (const line of lines) {
        const e = JSON.parse(line) as AuditEntry;
        if (filter.principal && e.principal !== filter.principal) continue;
        if (filter.route && !e.route.startsWith(filter.route)) continue;
        out.push(e);
        if (out.length >= (filter.limit ?? 500)) return out;
      }
    }
    return out;
  }

  sweep(now = new Date()): string[] {
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000).toISOString().slice(0, 10);
    const removed = readdirSync(this.dir).filter((f) => /^audit-(\d{4}-\d{2}-\d{2})\.jsonl$/.test(f) && f.slice(6, 16) < cutoff);
    for (const f of removed) rmSync(join(this.dir, f));
    return removed;
  }
}
