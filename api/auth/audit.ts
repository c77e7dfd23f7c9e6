import {appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync} from "node:fs";
import {open} from "node:fs/promises";
import {join} from "node:path";

/**
 * The audit trail: one JSON line per data request (who, role, when, route, parameters, rows
 * returned, outcome), in files per day that also roll over at a size cap (`audit-2026-11-23.jsonl`,
 * then `audit-2026-11-23.1.jsonl`, …), so no single file grows past what can be read back. Append-only
 * by construction (the API only appends); files older than the retention period are removed by `sweep`.
 *
 * What is written is bounded too (see `auditParams`): values are truncated and anything that looks
 * like a credential is redacted, so a request cannot write a token, or megabytes, into the trail.
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

export interface AuditQuery {
  from?: string;
  to?: string;
  principal?: string;
  route?: string;
  limit?: number;
}

/** Longest parameter value, parameter name and route kept in an entry, and most parameters kept. */
export const AUDIT_LIMITS = {value: 120, key: 60, route: 200, params: 20} as const;

const REDACTED = "[redacted]";
/** Parameter names that carry credentials (OAuth `code`, `access_token`, API keys…). */
const SECRET_NAME = /token|secret|passw|api[-_]?key|^key$|auth|^code$|session|signature|^sig$|cookie|credential/i;
/** A Curve bearer token or a JWT, wherever it turns up (a value, a path segment). */
const SECRET_VALUE = /curve_[0-9a-f]{8}_[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*)?/g;

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max)}…[+${s.length - max} chars]`);
const scrub = (s: string) => s.replace(SECRET_VALUE, REDACTED);

/** A request's query parameters as the audit trail keeps them: bounded and with credentials redacted. */
export function auditParams(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  let dropped = 0;
  for (const [key, value] of search) {
    const k = clip(scrub(key), AUDIT_LIMITS.key);
    if (k in out) continue; // first value of a repeated parameter, as the routes read it
    if (n >= AUDIT_LIMITS.params) {
      dropped++;
      continue;
    }
    out[k] = SECRET_NAME.test(key) ? REDACTED : clip(scrub(value), AUDIT_LIMITS.value);
    n++;
  }
  if (dropped) out["…"] = `${dropped} more parameter(s) not recorded`;
  return out;
}

/** A route as the audit trail keeps it. */
export const auditRoute = (path: string) => clip(scrub(path), AUDIT_LIMITS.route);

const FILE = /^audit-(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.jsonl$/;

/** Audit files oldest first: by day, then by roll-over number. */
function auditFiles(dir: string): {name: string; day: string; part: number}[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const m = FILE.exec(name);
    return m ? [{name, day: m[1], part: Number(m[2] ?? 0)}] : [];
  }).sort((a, b) => (a.day === b.day ? a.part - b.part : a.day < b.day ? -1 : 1));
}

/** The lines of a file from last to first, read backwards in chunks: a query for the newest entries reads only the end. */
async function* linesBackwards(path: string, read: (bytes: number) => void, chunk = 64 * 1024): AsyncGenerator<string> {
  const fh = await open(path, "r");
  try {
    let pos = (await fh.stat()).size;
    let tail = Buffer.alloc(0);
    while (pos > 0) {
      const size = Math.min(chunk, pos);
      pos -= size;
      const buf = Buffer.alloc(size);
      await fh.read(buf, 0, size, pos);
      read(size);
      const joined = Buffer.concat([buf, tail]);
      // Split on newline bytes (UTF-8 safe: 0x0a never occurs inside a multi-byte character).
      let end = joined.length;
      for (let i = joined.lastIndexOf(0x0a, end - 1); i >= 0; i = end > 0 ? joined.lastIndexOf(0x0a, end - 1) : -1) {
        if (end > i + 1) yield joined.toString("utf8", i + 1, end);
        end = i;
      }
      tail = joined.subarray(0, end);
    }
    if (tail.length) yield tail.toString("utf8");
  } finally {
    await fh.close();
  }
}

export class AuditLog {
  private current: {name: string; day: string; part: number; bytes: number} | null = null;
  /** Bytes the last query read from disk: what the drills check to show a query reads only what it returns. */
  lastQueryBytes = 0;

  /** @param maxFileBytes size at which the day's file rolls over to the next part (default 50 MB). */
  constructor(readonly dir: string, readonly retentionDays: number, readonly maxFileBytes = 50 * 1024 * 1024) {
    mkdirSync(dir, {recursive: true});
  }

  append(entry: AuditEntry): void {
    const line = JSON.stringify(entry) + "\n";
    const day = entry.at.slice(0, 10);
    if (this.current?.day !== day) {
      // On a new day (or the first write) continue the day's last part, as another process may have left it.
      const last = auditFiles(this.dir).filter((f) => f.day === day).at(-1);
      const name = last?.name ?? `audit-${day}.jsonl`;
      this.current = {name, day, part: last?.part ?? 0, bytes: last ? statSync(join(this.dir, name)).size : 0};
    }
    if (this.current.bytes > 0 && this.current.bytes + line.length > this.maxFileBytes) {
      const part = this.current.part + 1;
      this.current = {name: `audit-${day}.${part}.jsonl`, day, part, bytes: 0};
    }
    appendFileSync(join(this.dir, this.current.name), line);
    this.current.bytes += Buffer.byteLength(line);
  }

  /**
   * Entries newest first, filtered. Reads only the files whose day is in range, each from its end
   * and asynchronously, and stops at `limit`: the newest entries come back at once however large the
   * trail is, and a scan of a big day never holds up other requests.
   */
  async query(filter: AuditQuery = {}): Promise<AuditEntry[]> {
    const limit = filter.limit ?? 500;
    const out: AuditEntry[] = [];
    this.lastQueryBytes = 0;
    const read = (n: number) => (this.lastQueryBytes += n);
    for (const f of auditFiles(this.dir).reverse()) {
      if (filter.from && f.day < filter.from.slice(0, 10)) continue;
      if (filter.to && f.day > filter.to.slice(0, 10)) continue;
      for await (const line of linesBackwards(join(this.dir, f.name), read)) {
        let e: AuditEntry;
        try {
          e = JSON.parse(line) as AuditEntry;
        } catch {
          continue; // a line cut short by a crash mid-append
        }
        if (filter.principal && e.principal !== filter.principal) continue;
        if (filter.route && !e.route.startsWith(filter.route)) continue;
        out.push(e);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  sweep(now = new Date()): string[] {
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000).toISOString().slice(0, 10);
    const removed = auditFiles(this.dir).filter((f) => f.day < cutoff).map((f) => f.name);
    for (const f of removed) rmSync(join(this.dir, f));
    return removed;
  }
}
