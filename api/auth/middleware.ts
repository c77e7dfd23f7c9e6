import type {Context, MiddlewareHandler} from "hono";
import {getConnInfo} from "@hono/node-server/conninfo";
import {errorBody} from "../errors.js";
import type {AuditLog} from "./audit.js";
import type {AuthConfig} from "./config.js";
import {looksLikeJwt, verifyOidc} from "./oidc.js";
import {allowed, ruleFor, type Principal} from "./roles.js";
import type {SignInOptions} from "./sign-in.js";
import type {TokenStore} from "./tokens.js";

/**
 * Who is asking: from a bearer token, an OIDC access token, or (only when configured) a request from
 * this machine's own loopback interface with no credentials. Anything else is unauthenticated.
 */
export interface Authenticator {
  authenticate(c: Context): Promise<Principal | {status: 401; reason: string}>;
}

/** A loopback request that did not come through a proxy (a proxy on this machine would look local). */
export function isLoopback(c: Context): boolean {
  if (c.req.header("x-forwarded-for") || c.req.header("forwarded") || c.req.header("x-real-ip")) return false;
  try {
    const address = getConnInfo(c).remote.address ?? "";
    return /^127\./.test(address) || address === "::1" || /^::ffff:127\./.test(address);
  } catch {
    return false; // no socket (e.g. an in-process request): never local
  }
}

export function configuredAuthenticator(config: AuthConfig, tokens: TokenStore, clock: () => Date = () => new Date()): Authenticator {
  return {
    async authenticate(c) {
      const header = c.req.header("authorization");
      if (header) {
        const m = /^Bearer\s+(\S+)$/i.exec(header);
        if (!m) return {status: 401, reason: "the Authorization header must be 'Bearer <token>'"};
        const token = m[1];
        if (config.tokens.enabled && token.startsWith("curve_")) {
          const p = tokens.verify(token, clock());
          return "reason" in p ? {status: 401, reason: p.reason} : p;
        }
        if (config.oidc && looksLikeJwt(token)) {
          const p = await verifyOidc(token, config.oidc);
          return "reason" in p ? {status: 401, reason: p.reason} : p;
        }
        return {status: 401, reason: "token not recognised"};
      }
      if (config.localRole && isLoopback(c)) return {id: "local", role: config.localRole, providerId: null, via: "local"};
      return {status: 401, reason: "authentication required: send 'Authorization: Bearer <token>' (npm run tokens -- create --role viewer)"};
    }
  };
}

/** Fixed-window request counting per principal: enough to stop a runaway script or a scrape. */
export class RateLimiter {
  private windows = new Map<string, {start: number; count: number}>();
  constructor(readonly perMinute: number, private readonly clock: () => number = Date.now) {}

  take(key: string): {ok: true} | {ok: false; retryAfter: number} {
    const now = this.clock();
    const w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      this.windows.set(key, {start: now, count: 1});
      return {ok: true};
    }
    if (w.count >= this.perMinute) return {ok: false, retryAfter: Math.ceil((w.start + 60_000 - now) / 1000)};
    w.count++;
    return {ok: true};
  }
}

const ROW_FIELDS = ["rows", "points", "wards", "providers", "runs", "indicators", "entries", "baselines", "measures", "groups", "history"];

async function rowsReturned(res: Response): Promise<number | null> {
  const type = res.headers.get("content-type") ?? "";
  try {
    if (type.includes("text/csv")) return Math.max(0, (await res.clone().text()).trimEnd().split("\n").length - 1);
    if (!type.includes("application/json")) return null;
    const body = await res.clone().json();
    if (Array.isArray(body)) return body.length;
    for (const f of ROW_FIELDS) if (Array.isArray(body?.[f])) return body[f].length;
    return body?.error ? 0 : 1;
  } catch {
    return null;
  }
}

export interface AccessControl {
  authenticator: Authenticator;
  limiter: RateLimiter;
  audit: AuditLog;
  clock: () => Date;
  /** How a browser may sign in (GET /api/sign-in); bearer tokens only when absent. */
  signIn?: SignInOptions;
}

export type AccessVariables = {principal: Principal};

/** Authenticate, authorise against the route policy (default deny), rate-limit, and audit — every /api request. */
export function accessControl(ac: AccessControl): MiddlewareHandler<{Variables: AccessVariables}> {
  return async (c, next) => {
    const params = Object.fromEntries(new URL(c.req.url).searchParams);
    const entry = (principal: Principal | null, status: number, outcome: "allowed" | "denied" | "unauthenticated" | "rate-limited" | "error", rows: number | null) =>
      ac.audit.append({
        at: ac.clock().toISOString(), principal: principal?.id ?? "anonymous", role: principal?.role ?? "none", provider_id: principal?.providerId ?? null,
        method: c.req.method, route: c.req.path, params, status, outcome, rows
      });
    const who = await ac.authenticator.authenticate(c);
    if ("status" in who && ruleFor(c.req.method, c.req.path)?.public) {
      // Someone not yet signed in asking how to sign in: answered, rate-limited and audited as anonymous.
      const limit = ac.limiter.take("anonymous");
      if (!limit.ok) {
        entry(null, 429, "rate-limited", null);
        c.header("Retry-After", String(limit.retryAfter));
        return c.json(errorBody("rate-limited", `too many requests; try again in ${limit.retryAfter}s`), 429);
      }
      await next();
      entry(null, c.res.status, c.res.status < 400 ? "allowed" : "error", null);
      return;
    }
    if ("status" in who) {
      entry(null, 401, "unauthenticated", null);
      c.header("WWW-Authenticate", 'Bearer realm="curve"');
      return c.json(errorBody("unauthenticated", who.reason), 401);
    }
    if (!allowed(who, c.req.method, c.req.path)) {
      entry(who, 403, "denied", null);
      const known = ruleFor(c.req.method, c.req.path) !== null;
      return c.json(errorBody("forbidden", known ? `the ${who.role} role may not ${c.req.method} ${c.req.path}` : `no access rule allows ${c.req.method} ${c.req.path}`), 403);
    }
    const limit = ac.limiter.take(who.id);
    if (!limit.ok) {
      entry(who, 429, "rate-limited", null);
      c.header("Retry-After", String(limit.retryAfter));
      return c.json(errorBody("rate-limited", `too many requests; try again in ${limit.retryAfter}s`), 429);
    }
    c.set("principal", who);
    await next();
    entry(who, c.res.status, c.res.status >= 500 ? "error" : c.res.status >= 400 ? "denied" : "allowed", c.res.status < 400 ? await rowsReturned(c.res) : 0);
  };
}
