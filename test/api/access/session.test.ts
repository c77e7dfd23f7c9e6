import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createApp} from "../../../api/app.js";
import {AuditLog} from "../../../api/auth/audit.js";
import {parseAuthConfig} from "../../../api/auth/config.js";
import {configuredAuthenticator, RateLimiter} from "../../../api/auth/middleware.js";
import type {Role} from "../../../api/auth/roles.js";
import {signInOptions} from "../../../api/auth/sign-in.js";
import {TokenStore} from "../../../api/auth/tokens.js";
import {resolvePolicies} from "../../../api/oba/policy.js";
import {Warehouse} from "../../../api/warehouse.js";
import {testApp} from "../../helpers/app.js";
import {csv, row} from "../../helpers/oba.js";
import {scratch} from "../../helpers/warehouse.js";

/**
 * What the dashboards learn about the caller (GET /api/me) and how a browser signs in (GET /api/sign-in),
 * and that a provider's browser is never sent another provider's id or name.
 */
const s = scratch("curve-session-");
const warehouse = new Warehouse(s.warehouseDir);
const app = testApp({warehouse, warehouseDir: s.warehouseDir});
// Two programmes: Triple P is delivered by three providers, the Family Nurse Partnership by one.
const episode = (id: string, provider: string, programme: string) =>
  row("service_episodes", {episode_id: id, child_key: Number(id.slice(1)), provider_id: provider, programme_id: programme, referral_date: "2012-05-01", start_date: "2012-05-08", end_date: "2012-09-03", end_reason: "completed", outcome_pre: 40, outcome_post: 45, unit_cost: 640});

beforeAll(async () => {
  s.put("service_episodes_821_2012-13.csv", csv("service_episodes", [
    episode("E1", "parenting-works", "triple-p"), episode("E2", "lbc-family-support", "triple-p"), episode("E3", "home-start", "triple-p"),
    episode("E4", "fnp-luton", "family-nurse-partnership")
  ]));
  expect((await s.run()).status).toBe("published");
});
afterAll(() => warehouse.close_());

const as = (role: Role, provider?: string) => ({headers: {"x-test-role": role, ...(provider ? {"x-test-provider": provider} : {})}});

describe("GET /api/me", () => {
  it("tells each role what the route policy lets it do, so pages hide what it cannot use", async () => {
    const can = async (role: Role, provider?: string) => {
      const res = await app.request("/api/me", as(role, provider));
      expect(res.status).toBe(200);
      return res.json() as Promise<{role: string; providerId: string | null; can: Record<string, boolean>}>;
    };
    expect(await can("viewer")).toMatchObject({role: "viewer", providerId: null, can: {saveWorkshop: false, providers: false, serviceMap: false, pipeline: false, audit: false}});
    expect(await can("provider", "parenting-works")).toMatchObject({role: "provider", providerId: "parenting-works", can: {saveWorkshop: false, providers: true, serviceMap: false, pipeline: false}});
    expect(await can("commissioner")).toMatchObject({role: "commissioner", can: {saveWorkshop: true, providers: true, serviceMap: true, pipeline: false, unsuppressed: false}});
    expect(await can("analyst")).toMatchObject({role: "analyst", can: {saveWorkshop: true, pipeline: true, audit: false, unsuppressed: true}});
    expect(await can("admin")).toMatchObject({role: "admin", can: {audit: true}});
  });

  it("tells each role its disclosure policy, so the dashboards' legends name the counts that are c", async () => {
    const strict = testApp({warehouse, warehouseDir: s.warehouseDir, disclosure: resolvePolicies({roles: {viewer: {primaryMax: 9, roundTo: 5}}})});
    const policy = async (role: Role, a = strict) => (await (await a.request("/api/me", as(role))).json()).disclosure;
    expect(await policy("viewer")).toEqual({suppressed: true, primaryMax: 9, roundTo: 5});
    expect(await policy("commissioner")).toEqual({suppressed: true, primaryMax: 5, roundTo: null});
    expect(await policy("analyst")).toMatchObject({suppressed: false, roundTo: null});
    expect(await policy("viewer", app)).toEqual({suppressed: true, primaryMax: 5, roundTo: null});
  });

  it("names a provider's own service, from the provider catalogue", async () => {
    const body = await (await app.request("/api/me", as("provider", "parenting-works"))).json();
    expect(body.provider).toEqual({id: "parenting-works", name: "Parenting Works Luton (voluntary sector)"});
  });
});

describe("GET /api/sign-in", () => {
  const dir = mkdtempSync(join(tmpdir(), "curve-sign-in-"));
  const config = parseAuthConfig({
    tokens: {enabled: true, store: join(dir, "tokens.json")}, localRole: null, rateLimit: {requestsPerMinute: 100}, audit: {dir: join(dir, "audit"), retentionDays: 30},
    oidc: {issuer: "https://login.example.org/tenant/v2.0", audience: "api://curve", jwks: "https://login.example.org/tenant/discovery/v2.0/keys", roleMap: {"Curve.Viewer": "viewer"},
      authorizationEndpoint: "https://login.example.org/tenant/oauth2/v2.0/authorize", clientId: "curve-dashboards", scope: "openid api://curve/read"}
  });
  const served = createApp({warehouse, warehouseDir: s.warehouseDir, log: () => undefined, clock: () => new Date(), access: {
    authenticator: configuredAuthenticator(config, new TokenStore(config.tokens.store)), limiter: new RateLimiter(100), audit: new AuditLog(config.audit.dir, 30), clock: () => new Date(), signIn: signInOptions(config)
  }});

  it("answers a browser with no credentials how it may sign in (token, and OIDC when configured), and nothing else", async () => {
    const res = await served.request("/api/sign-in");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({token: true, oidc: {issuer: "https://login.example.org/tenant/v2.0", clientId: "curve-dashboards", authorizationEndpoint: "https://login.example.org/tenant/oauth2/v2.0/authorize", scope: "openid api://curve/read"}});
    // Everything else still needs credentials.
    expect((await served.request("/api/me")).status).toBe(401);
    expect((await served.request("/api/health")).status).toBe(401);
  });

  it("lets a token just created sign in: /api/me answers with its role", async () => {
    const {token} = new TokenStore(config.tokens.store).create({role: "provider", providerId: "home-start", name: "sign-in test"});
    const res = await served.request("/api/me", {headers: {authorization: `Bearer ${token}`}});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({role: "provider", providerId: "home-start", via: "token"});
  });
});

describe("a provider sees its own service only", () => {
  // Ids quoted, as JSON has them: a programme id such as home-start-visiting is not a provider's.
  const others = ['"lbc-family-support"', "LBC Family Support Team", '"home-start"', '"fnp-luton"', "Luton Family Nurse Partnership"];

  it("the provider catalogue lists its own provider and no other provider's id or name", async () => {
    const res = await app.request("/api/providers", as("provider", "parenting-works"));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.providers.map((p: {id: string}) => p.id)).toEqual(["parenting-works"]);
    const text = JSON.stringify(body);
    for (const other of others) expect(text, other).not.toContain(other);
    // It still learns how many providers share its programme (that is what "pooled" means).
    expect(body.programmes.find((g: {id: string}) => g.id === "triple-p")).toMatchObject({providers: ["parenting-works"], providerCount: 3});
  });

  it("value for money and a shared programme's report card name no other provider", async () => {
    for (const path of ["/api/providers/value-for-money?period=2012/13", "/api/providers/programmes/triple-p/report-card?period=2012/13"]) {
      const res = await app.request(path, as("provider", "parenting-works"));
      expect(res.status, path).toBe(200);
      const text = await res.text();
      for (const other of others) expect(text, `${path}: ${other}`).not.toContain(other);
    }
  });

  it("a commissioner still sees every provider", async () => {
    const body = await (await app.request("/api/providers", as("commissioner"))).json();
    expect(body.providers.map((p: {id: string}) => p.id)).toEqual(expect.arrayContaining(["parenting-works", "lbc-family-support", "fnp-luton"]));
  });
});
