import type {MiddlewareHandler} from "hono";
import type {Env} from "./context.js";
import {wantsCsv} from "./csv.js";

/**
 * Answers to read-only data routes, kept until the data under them change. A published warehouse
 * version never changes and user-authored data change only through the app store's writes, so an
 * answer keyed by (warehouse version, app-store revision, who asked, the full URL) stays right for as
 * long as it can be looked up. Who asked is part of the key because disclosure control depends on
 * role and provider, and the format because CSV may be asked for by header. It runs after access control, so every request is still authorised, rate-limited
 * and audited. Pipeline runs, health and the audit trail change without a new version: not cached.
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
  let bytes = 0;
  return async (c, next) => {
    if (c.req.method !== "GET" || !CACHED.some((p) => c.req.path === p || c.req.path.startsWith(`${p}/`))) return next();
    const {warehouse, appStore} = c.var.services;
    const version = await warehouse.currentVersion().catch(() => null);
    const who = c.var.principal;
    const key = `${version}|${appStore?.revision ?? 0}|${who?.role}|${who?.providerId ?? ""}|${wantsCsv(c) ? "csv" : "json"}|${c.req.url}`;
    const hit = entries.get(key);
    if (hit) {
      // Refresh its place: the map's order is the eviction order (least recently used first).
      entries.delete(key);
      entries.set(key, hit);
      const res = new Response(hit.body.slice(0), {status: hit.status, headers: hit.headers});
      res.headers.set("x-cache", "hit");
      return res;
    }
    await next();
    if (c.res.status !== 200 || version === null) return;
    const body = await c.res.clone().arrayBuffer();
    if (body.byteLength > maxBytes / 8) return;
    const headers: [string, string][] = [];
    c.res.headers.forEach((value, name) => headers.push([name, value]));
    entries.set(key, {status: c.res.status, headers, body});
    bytes += body.byteLength;
    for (const [k, e] of entries) {
      if (bytes <= maxBytes) break;
      entries.delete(k);
      bytes -= e.body.byteLength;
    }
    c.res.headers.set("x-cache", "miss");
  };
}
