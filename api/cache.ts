import type {MiddlewareHandler} from "hono";
import type {Env} from "./context.js";
import {wantsCsv} from "./csv.js";
import {disclosureFor} from "./auth/disclosure.js";
import {policyKey} from "./oba/policy.js";

/**
 * Answers to read-only data routes, kept until the data under them change. A published warehouse
 * version never changes and user-authored data change only through the app store's writes, so an
 * answer keyed by (warehouse version, app-store revision, who asked, the full URL) stays right for as
 * long as it can be looked up. Who asked is part of the key because disclosure control depends on
 * role, its disclosure policy (api/oba/policy.ts) and provider, and the format because CSV may be asked for by header. It runs after access
 * control, so every request is still authorised, rate-limited and audited. Pipeline runs, health and
 * the audit trail change without a new version: not cached. A data route missing from this list is
 * simply computed every time.
 */
const CACHED = ["/api/indicators", "/api/scorecards", "/api/wards", "/api/target-wards", "/api/providers", "/api/services",
  "/api/baselines", "/api/targets", "/api/annotations", "/api/narratives", "/api/allocations"];

interface Entry {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

export function responseCache({maxBytes = 64 * 1024 * 1024}: {maxBytes?: number} = {}): MiddlewareHandler<Env> {
  const entries = new Map<string, Entry>();
  // Misses being computed: identical requests arriving meanwhile (every viewer of a page just after a
  // pipeline run) wait for the one computation instead of each starting their own.
  const pending = new Map<string, Promise<Entry | null>>();
  let bytes = 0;

  const replay = (entry: Entry, how: "hit" | "shared") => {
    const res = new Response(entry.body.slice(0), {status: entry.status, headers: entry.headers});
    res.headers.set("x-cache", how);
    return res;
  };

  const keep = (key: string, entry: Entry) => {
    entries.set(key, entry);
    bytes += entry.body.byteLength;
    // The map's order is the eviction order: least recently used first.
    for (const [k, e] of entries) {
      if (bytes <= maxBytes) break;
      entries.delete(k);
      bytes -= e.body.byteLength;
    }
  };

  return async (c, next) => {
    if (c.req.method !== "GET" || !CACHED.some((p) => c.req.path === p || c.req.path.startsWith(`${p}/`))) return next();
    const {warehouse, appStore} = c.var.services;
    const version = await warehouse.currentVersion().catch(() => null);
    const who = c.var.principal;
    // The role's disclosure policy too (its hash): two audiences never share an answer, even when a
    // configuration change gives one role another threshold or rounding.
    const key = `${version}|${appStore?.revision ?? 0}|${who?.role}|${policyKey(disclosureFor(c))}|${who?.providerId ?? ""}|${wantsCsv(c) ? "csv" : "json"}|${c.req.url}`;
    const hit = entries.get(key);
    if (hit) {
      entries.delete(key);
      entries.set(key, hit);
      return replay(hit, "hit");
    }
    const inFlight = pending.get(key);
    if (inFlight) {
      const shared = await inFlight;
      if (shared) return replay(shared, "shared");
      return next(); // the first request's answer could not be kept (an error, say): compute our own
    }
    let settle: (entry: Entry | null) => void = () => undefined;
    pending.set(key, new Promise((resolve) => (settle = resolve)));
    let entry: Entry | null = null;
    try {
      await next();
      if (c.res.status === 200 && version !== null) {
        const body = await c.res.clone().arrayBuffer();
        const headers: [string, string][] = [];
        c.res.headers.forEach((value, name) => headers.push([name, value]));
        entry = {status: c.res.status, headers, body};
        if (body.byteLength <= maxBytes / 8) keep(key, entry);
        c.res.headers.set("x-cache", "miss");
      }
    } finally {
      pending.delete(key);
      settle(entry);
    }
  };
}
