import type {Context, MiddlewareHandler} from "hono";
import {getConnInfo} from "@hono/node-server/conninfo";
import {errorBody} from "../errors.js";
import {auditParams, auditRoute, type AuditEntry, type AuditLog} from "./audit.js";
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

/**
 * Headers a reverse proxy (nginx, IIS/ARR, Apache, Caddy, Cloudflare, Azure Front Door…) adds to say
 * it forwarded the request. A proxy on this machine connects from loopback, so any of these, even
 * present and empty, means "not local": presence is the signal, never the value.
 */
export const PROXY_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip", "via", "x-client-ip", "true-client-ip", "cf-connecting-ip", "x-forwarded-host"] as const;

export function viaProxy(headers: Headers): boolean {
  return PROXY_HEADERS.some((h) => headers.has(h));
}

/** A loopback request that did not come through a proxy (a proxy on this machine would look local). */
export function isLoopback(c: Context): boolean {
  if (viaProxy(c.req.raw.headers)) return false;
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

/**
 * Fixed-window request counting per key (a principal, or a client address before authentication):
 * enough to stop a runaway script, a scrape or a flood of bad credentials.
 */
export class RateLimiter {
  private windows = new Map<string, {start: number; count: number; refused: number}>();
  constructor(readonly perMinute: number, private readonly clock: () => number = Date.now) {}

  private window(key: string, now: number) {
    let w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      // Forget finished windows now and then, so a flood from many addresses cannot grow the map without end.
      if (this.windows.size >= 10_000) for (const [k, old] of this.windows) if (now - old.start >= 60_000) this.windows.delete(k);
      w = {start: now, count: 0, refused: 0};
      this.windows.set(key, w);
    }
    return w;
  }

  /** Counts one request; refused once the window is full. `refused` numbers the refusals in this window (1 = first). */
  take(key: string): {ok: true} | {ok: false; retryAfter: number; refused: number} {
    const now = this.clock();
    const w = this.window(key, now);
    if (w.count >= this.perMinute) return {ok: false, retryAfter: Math.ceil((w.start + 60_000 - now) / 1000), refused: ++w.refused};
    w.count++;
    return {ok: true};
  }

  /** Whether the key's window is full, without counting a request (the refusal is counted). */
  full(key: string): {ok: true} | {ok: false; retryAfter: number; refused: number} {
    const now = this.clock();
    const w = this.window(key, now);
    return w.count >= this.perMinute ? {ok: false, retryAfter: Math.ceil((w.start + 60_000 - now) / 1000), refused: ++w.refused} : {ok: true};
  }
}

/** Requests that fail authentication, per client, allowed in a minute unless configured: a person mistyping a token never gets near it. */
export const DEFAULT_UNAUTHENTICATED_PER_MINUTE = 60;

/**
 * The client a request comes from, for limits applied before anyone is authenticated: the socket's
 * address and, through a proxy, the client the proxy names (else every user behind one proxy would
 * share one limit). A direct caller can forge that name to get fresh limits, which is why what
 * unauthenticated requests write to the audit trail is also capped in total (accessControl).
 */
export function clientOf(c: Context): string {
  let address: string;
  try {
    address = getConnInfo(c).remote.address ?? "unknown";
  } catch {
    address = "in-process";
  }
  const h = c.req.raw.headers;
  const named = h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip")?.trim() || /for="?([^;,"]+)/i.exec(h.get("forwarded") ?? "")?.[1] || "";
  return named ? `${address} for ${named.slice(0, 64)}` : address;
}

/** Unauthenticated and rate-limited requests recorded one by one per minute, all clients together; the rest are counted in one line. */
export const UNAUTHENTICATED_AUDIT_PER_MINUTE = 600;

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
  /** Requests per authenticated principal. */
  limiter: RateLimiter;
  /**
   * Before authentication, per client address: failed authentications (default
   * DEFAULT_UNAUTHENTICATED_PER_MINUTE) and, when set, all requests. A client over either is refused
   * without its credentials being checked, and only its first refusal in a minute is audited.
   */
  clientLimits?: {unauthenticated?: RateLimiter; requests?: RateLimiter};
  audit: AuditLog;
  clock: () => Date;
  /** How a browser may sign in (GET /api/sign-in); bearer tokens only when absent. */
  signIn?: SignInOptions;
}

export type AccessVariables = {principal: Principal};

/** Rate-limit the client, authenticate, authorise against the route policy (default deny), rate-limit the principal, and audit — every /api request. */
export function accessControl(ac: AccessControl): MiddlewareHandler<{Variables: AccessVariables}> {
  const failures = ac.clientLimits?.unauthenticated ?? new RateLimiter(DEFAULT_UNAUTHENTICATED_PER_MINUTE);
  const requests = ac.clientLimits?.requests ?? null;
  const anonymousLines = new RateLimiter(UNAUTHENTICATED_AUDIT_PER_MINUTE);
  return async (c, next) => {
    // Bounded and with credentials redacted: what a request can make the trail hold (audit.ts).
    const params = auditParams(new URL(c.req.url).searchParams);
    const route = auditRoute(c.req.path);
    const entry = (principal: Principal | null, status: number, outcome: AuditEntry["outcome"], rows: number | null) =>
      ac.audit.append({
        at: ac.clock().toISOString(), principal: principal?.id ?? "anonymous", role: principal?.role ?? "none", provider_id: principal?.providerId ?? null,
        method: c.req.method, route, params, status, outcome, rows
      });
    /** A line for a request nobody is authenticated for: while the minute's budget lasts, then one line saying the rest are not recorded. */
    const anonymousEntry = (status: number, outcome: AuditEntry["outcome"]) => {
      const budget = anonymousLines.take("all");
      if (budget.ok) entry(null, status, outcome, null);
      else if (budget.refused === 1) {
        ac.audit.append({at: ac.clock().toISOString(), principal: "anonymous", role: "none", provider_id: null, method: "*", route: "*",
          params: {note: `over ${UNAUTHENTICATED_AUDIT_PER_MINUTE} unauthenticated or rate-limited requests this minute: the rest of the minute's are not recorded one by one`},
          status, outcome, rows: null});
      }
    };
    const refuse = (limit: {retryAfter: number; refused: number}, principal: Principal | null) => {
      // A flood is recorded once a minute per client, not once a request.
      if (limit.refused === 1) {
        if (principal) entry(principal, 429, "rate-limited", null);
        else anonymousEntry(429, "rate-limited");
      }
      c.header("Retry-After", String(limit.retryAfter));
      return c.json(errorBody("rate-limited", `too many requests; try again in ${limit.retryAfter}s`), 429);
    };
    // Before authentication: a client flooding the API (with or without credentials) is turned away
    // before its credentials cost anything to check or its requests anything to record.
    const client = clientOf(c);
    const gate = requests?.take(client) ?? {ok: true as const};
    if (!gate.ok) return refuse(gate, null);
    const failed = failures.full(client);
    if (!failed.ok) return refuse(failed, null);
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
      failures.take(client);
      anonymousEntry(401, "unauthenticated");
      c.header("WWW-Authenticate", 'Bearer realm="curve"');
      return c.json(errorBody("unauthenticated", who.reason), 401);
    }
    if (!allowed(who, c.req.method, c.req.path)) {
      entry(who, 403, "denied", null);
      const known = ruleFor(c.req.method, c.req.path) !== null;
      return c.json(errorBody("forbidden", known ? `the ${who.role} role may not ${c.req.method} ${route}` : `no access rule allows ${c.req.method} ${route}`), 403);
    }
    const limit = ac.limiter.take(who.id);
    if (!limit.ok) return refuse(limit, who);
    c.set("principal", who);
    await next();
    entry(who, c.res.status, c.res.status >= 500 ? "error" : c.res.status >= 400 ? "denied" : "allowed", c.res.status < 400 ? await rowsReturned(c.res) : 0);
  };
}
