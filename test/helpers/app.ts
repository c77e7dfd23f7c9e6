import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Context} from "hono";
import {createApp} from "../../api/app.js";
import type {Services} from "../../api/context.js";
import {AuditLog} from "../../api/auth/audit.js";
import {RateLimiter, type AccessControl, type Authenticator} from "../../api/auth/middleware.js";
import type {Principal, Role} from "../../api/auth/roles.js";

/**
 * A test-only authenticator that answers with a fixed principal, or reads `x-test-role` /
 * `x-test-provider`. It exists only under test/: the server builds its authenticator from
 * data/config.json and cannot reach this one.
 */
export function fixedAuthenticator(role: Role = "analyst", providerId: string | null = null): Authenticator {
  return {
    async authenticate(c: Context) {
      const r = (c.req.header("x-test-role") as Role | undefined) ?? role;
      const p = c.req.header("x-test-provider") ?? providerId;
      return {id: `test:${r}${p ? `:${p}` : ""}`, role: r, providerId: r === "provider" ? p : null, via: "token"} satisfies Principal;
    }
  };
}

export function testAccess(authenticator: Authenticator = fixedAuthenticator(), perMinute = 100_000): AccessControl {
  return {authenticator, limiter: new RateLimiter(perMinute), audit: new AuditLog(join(mkdtempSync(join(tmpdir(), "curve-audit-")), "audit"), 30), clock: () => new Date()};
}

/**
 * The API as tests call it, with `app.request()`. Route tests use this one constructor so that
 * cross-cutting concerns (access control, audit) are wired in one place. Default: an analyst.
 */
export function testApp(services: Pick<Services, "warehouse" | "warehouseDir"> & Partial<Services>, role: Role = "analyst") {
  return createApp({log: () => undefined, clock: () => new Date(), access: testAccess(fixedAuthenticator(role)), ...services});
}
