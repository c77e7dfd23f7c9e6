import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {sign} from "hono/utils/jwt/jwt";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createApp} from "../../../api/app.js";
import {AuditLog} from "../../../api/auth/audit.js";
import {AuthConfigError, parseAuthConfig, type AuthConfig} from "../../../api/auth/config.js";
import {configuredAuthenticator, RateLimiter} from "../../../api/auth/middleware.js";
import {ROLES, ROUTE_POLICY, type Role} from "../../../api/auth/roles.js";
import {TokenStore} from "../../../api/auth/tokens.js";
import {Warehouse} from "../../../api/warehouse.js";
import {fixedAuthenticator, testAccess} from "../../helpers/app.js";
import {referralsCsv, scratch} from "../../helpers/warehouse.js";

const s = scratch("curve-access-");
const warehouse = new Warehouse(s.warehouseDir);
const dir = mkdtempSync(join(tmpdir(), "curve-auth-"));
const baseConfig: AuthConfig = {
  tokens: {enabled: true, store: join(dir, "tokens.json")}, oidc: null, localRole: "commissioner",
  rateLimit: {requestsPerMinute: 1000}, audit: {dir: join(dir, "audit"), retentionDays: 30}
};

beforeAll(async () => {
  s.put("referrals_821_2012-13.csv", referralsCsv(12));
  await s.run();
});
afterAll(() => warehouse.close_());

/** A concrete path for each policy pattern, so every rule is exercised. */
const concrete = (pattern: string) => pattern.replace("/**", "/sample").replace("/*", "/sample");

describe("route policy (role × endpoint)", () => {
  const cases = ROUTE_POLICY.flatMap((rule) => ROLES.map((role) => ({rule, role, allowed: rule.roles.includes(role)})));
  it.each(cases)("$role $rule.method $rule.path → allowed: $allowed", async ({rule, role, allowed}) => {
    const app = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access: testAccess(fixedAuthenticator(role as Role, role === "provider" ? "p1" : null))});
    const res = await app.request(concrete(rule.path), {method: rule.method, headers: {"content-type": "application/json"}, body: rule.method === "GET" ? undefined : "{}"});
    if (allowed) expect([401, 403]).not.toContain(res.status);
    else {
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
  });

  it("denies a route no rule mentions, for every role (default deny)", async () => {
    for (const role of ROLES) {
      const app = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access: testAccess(fixedAuthenticator(role))});
      expect((await app.request("/api/pipeline/rebuild", {method: "POST"})).status).toBe(403);
    }
  });

  it("refuses every request when no access control is configured (fails closed)", async () => {
    const app = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date()});
    const res = await app.request("/api/health");
    expect(res.status).toBe(401);
  });
});

describe("bearer tokens", () => {
  const store = new TokenStore(join(dir, "tokens-lifecycle.json"));
  const config = {...baseConfig, tokens: {enabled: true, store: store.path}, localRole: null};
  const app = () => createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(),
    access: {authenticator: configuredAuthenticator(config, store), limiter: new RateLimiter(1000), audit: new AuditLog(join(dir, "audit-tokens"), 30), clock: () => new Date()}});

  it("stores only a hash, and a created token opens the routes its role allows", async () => {
    const {token, record} = store.create({name: "strategy group", role: "viewer"});
    // The secret is everything after `curve_<id>_` (base64url, which may itself hold '_').
    expect(readFileSync(store.path, "utf8")).not.toContain(token.slice("curve_12345678_".length));
    expect((await app().request("/api/health", {headers: {authorization: `Bearer ${token}`}})).status).toBe(200);
    expect((await app().request("/api/pipeline/runs", {headers: {authorization: `Bearer ${token}`}})).status).toBe(403);
    expect(record.role).toBe("viewer");
  });

  it("refuses a missing, malformed, unknown, revoked or expired token with 401", async () => {
    const {token, record} = store.create({name: "x", role: "analyst"});
    const status = async (h?: string) => (await app().request("/api/health", {headers: h ? {authorization: h} : {}})).status;
    expect(await status()).toBe(401);
    expect(await status("Basic abc")).toBe(401);
    expect(await status(`Bearer curve_deadbeef_${"A".repeat(43)}`)).toBe(401);
    store.revoke(record.id);
    expect(await status(`Bearer ${token}`)).toBe(401);
    const expired = store.create({name: "old", role: "viewer", days: 1, now: new Date("2020-01-01")});
    const res = await app().request("/api/health", {headers: {authorization: `Bearer ${expired.token}`}});
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe("token expired");
  });

  it("binds a provider token to one provider, and refuses to create one without it", () => {
    expect(() => store.create({name: "p", role: "provider"})).toThrow(/--provider/);
    const {record} = store.create({name: "p", role: "provider", providerId: "home-start"});
    expect(store.verify("curve_" + record.id + "_" + "x".repeat(43))).toMatchObject({reason: "unknown token"});
  });

  it("gives the local role only to loopback requests: an in-process or proxied request is not local", async () => {
    const local = {...baseConfig, localRole: "viewer" as const};
    const auth = configuredAuthenticator(local, store);
    const a = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access: {authenticator: auth, limiter: new RateLimiter(100), audit: new AuditLog(join(dir, "a2"), 30), clock: () => new Date()}});
    expect((await a.request("/api/health")).status).toBe(401);
  });
});

describe("OpenID Connect", () => {
  let privateJwk: JsonWebKey;
  let oidcConfig: AuthConfig;
  beforeAll(async () => {
    const pair = await crypto.subtle.generateKey({name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256"}, true, ["sign", "verify"]);
    privateJwk = {...(await crypto.subtle.exportKey("jwk", pair.privateKey)), kid: "k1", alg: "RS256"} as JsonWebKey;
    const publicJwk = {...(await crypto.subtle.exportKey("jwk", pair.publicKey)), kid: "k1", alg: "RS256", use: "sig"};
    writeFileSync(join(dir, "jwks.json"), JSON.stringify({keys: [publicJwk]}));
    oidcConfig = parseAuthConfig({...baseConfig, tokens: {enabled: false, store: join(dir, "none.json")}, localRole: null,
      oidc: {issuer: "https://login.example.org/tenant/v2.0", audience: "curve-api", jwks: join(dir, "jwks.json"), roleMap: {"Curve.Analyst": "analyst", "Curve.Viewer": "viewer", "Curve.Provider": "provider"}}});
  });
  const request = async (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await sign({iss: "https://login.example.org/tenant/v2.0", aud: "curve-api", sub: "u1", iat: now, exp: now + 600, ...claims}, privateJwk as never, "RS256");
    const app = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(),
      access: {authenticator: configuredAuthenticator(oidcConfig, new TokenStore(join(dir, "none.json"))), limiter: new RateLimiter(100), audit: new AuditLog(join(dir, "a3"), 30), clock: () => new Date()}});
    return app.request("/api/pipeline/runs", {headers: {authorization: `Bearer ${jwt}`}});
  };

  it("maps a verified token's role claim to a Curve role", async () => {
    expect((await request({roles: ["Curve.Analyst"]})).status).toBe(200);
    expect((await request({roles: ["Curve.Viewer"]})).status).toBe(403);
  });

  it("refuses a token for another audience, an expired token, or one with no mapped role", async () => {
    expect((await request({roles: ["Curve.Analyst"], aud: "someone-else"})).status).toBe(401);
    expect((await request({roles: ["Curve.Analyst"], exp: Math.floor(Date.now() / 1000) - 10})).status).toBe(401);
    expect((await request({roles: ["Finance.Reader"]})).status).toBe(401);
    expect((await request({roles: ["Curve.Provider"]})).status).toBe(401); // a provider needs its provider claim
  });
});

describe("broken configuration stops the server", () => {
  it("names what is wrong in the auth section", () => {
    expect(() => parseAuthConfig(undefined)).toThrow(AuthConfigError);
    expect(() => parseAuthConfig(undefined)).toThrow(/has no "auth" section/);
    expect(() => parseAuthConfig({...baseConfig, tokens: {enabled: false, store: "x"}, localRole: null})).toThrow(/no way to authenticate/);
    expect(() => parseAuthConfig({...baseConfig, oidc: {issuer: "https://i", audience: "a", jwks: "/nope/keys.json", roleMap: {a: "viewer"}}})).toThrow(/auth.oidc.jwks: \/nope\/keys.json is neither/);
    expect(() => parseAuthConfig({...baseConfig, localRole: "superuser"})).toThrow(/auth.localRole/);
  });

  it("npm start refuses to start, with the message, when the auth section is missing", () => {
    const config = JSON.parse(readFileSync("data/config.json", "utf8"));
    delete config.auth;
    const path = join(dir, "broken-config.json");
    writeFileSync(path, JSON.stringify(config));
    const run = spawnSync(process.execPath, ["--import", "tsx", "api/main.ts"], {encoding: "utf8", env: {...process.env, CURVE_CONFIG: path}, timeout: 60_000});
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/has no "auth" section: Curve will not start without access control/);
  });
});

describe("rate limits, audit and headers", () => {
  it("limits requests per token and says when to retry", async () => {
    const app = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access: testAccess(fixedAuthenticator("viewer"), 3)});
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.request("/api/health")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("records who asked what, with parameters, rows returned and outcome, readable only by admin", async () => {
    const access = testAccess(fixedAuthenticator("analyst"));
    const app = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access});
    await app.request("/api/pipeline/quarantine?limit=7");
    await app.request("/api/pipeline/quarantine", {headers: {"x-test-role": "viewer"}});
    const asAnalyst = await app.request("/api/audit");
    expect(asAnalyst.status).toBe(403);
    const body = await (await app.request("/api/audit", {headers: {"x-test-role": "admin"}})).json();
    const entries = body.entries.filter((e: {route: string}) => e.route === "/api/pipeline/quarantine");
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({principal: "test:analyst", role: "analyst", params: {limit: "7"}, status: 200, outcome: "allowed", rows: 0});
    expect(entries[0]).toMatchObject({role: "viewer", status: 403, outcome: "denied"});
  });

  it("sends a strict content security policy on every API response", async () => {
    const app = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access: testAccess()});
    const res = await app.request("/api/health");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
