import {existsSync} from "node:fs";
import {resolve} from "node:path";
import {z} from "zod";
import {ROLES} from "./roles.js";
import {firstIssue} from "../../shared/issues.js";

/**
 * Access-control configuration (the `auth` section of data/config.json). It fails closed: a missing
 * section, an OIDC block without issuer/audience/keys, or no way at all to authenticate stops the
 * server at start with a message, instead of starting open.
 */
export const AuthConfig = z.object({
  tokens: z.object({enabled: z.boolean(), store: z.string().min(1)}),
  oidc: z.object({
    issuer: z.string().url("oidc.issuer must be the issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0"),
    audience: z.string().min(1, "oidc.audience is required (the application's client id)"),
    jwks: z.string().min(1, "oidc.jwks is required: a JWKS URL or a local JSON file of keys"),
    algorithms: z.array(z.enum(["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"])).min(1).default(["RS256"]),
    roleClaim: z.string().default("roles"),
    roleMap: z.record(z.string(), z.enum(ROLES)).refine((m) => Object.keys(m).length > 0, "oidc.roleMap must map at least one claim value to a role"),
    providerClaim: z.string().default("curve_provider"),
    /** The identity provider's authorisation endpoint: with it, the sign-in page offers "sign in with your organisation". */
    authorizationEndpoint: z.string().url().refine((u) => u.startsWith("https://"), "oidc.authorizationEndpoint must be an https URL").optional(),
    /** The client id registered for the dashboards (default: the audience). */
    clientId: z.string().min(1).optional(),
    scope: z.string().default("openid")
  }).nullable().default(null),
  /** The role given to requests from this machine's loopback interface with no credentials (demo). */
  localRole: z.enum(ROLES).nullable(),
  rateLimit: z.object({
    /** Per authenticated principal. */
    requestsPerMinute: z.number().int().min(1),
    /** Per client address, before authentication: requests that fail it (default 60). */
    unauthenticatedPerMinute: z.number().int().min(1).optional(),
    /** Per client address, before authentication: all requests (default 5 × requestsPerMinute; behind a proxy every client shares its address). */
    clientRequestsPerMinute: z.number().int().min(1).optional()
  }),
  audit: z.object({
    dir: z.string().min(1),
    retentionDays: z.number().int().min(1),
    /** A day's audit file rolls over to a new part at this size (default 50). */
    maxFileMB: z.number().min(1).optional()
  })
}).refine((c) => c.tokens.enabled || c.oidc !== null || c.localRole !== null, {
  message: "no way to authenticate is enabled (tokens, oidc or localRole): every request would be refused"
});
export type AuthConfig = z.infer<typeof AuthConfig>;

export class AuthConfigError extends Error {}

export function parseAuthConfig(raw: unknown, source = "data/config.json"): AuthConfig {
  if (raw === undefined || raw === null) {
    throw new AuthConfigError(`${source} has no "auth" section: Curve will not start without access control (see README, Access control).`);
  }
  const result = AuthConfig.safeParse(raw);
  if (!result.success) {
    const i = firstIssue(result.error, {under: "auth"});
    throw new AuthConfigError(`${source}: ${i.field}: ${i.message}. Curve will not start with broken access control.`);
  }
  const c = result.data;
  if (c.oidc && !/^https:\/\//.test(c.oidc.jwks) && !existsSync(resolve(c.oidc.jwks))) {
    throw new AuthConfigError(`${source}: auth.oidc.jwks: ${c.oidc.jwks} is neither an https URL nor an existing key file. Curve will not start with broken access control.`);
  }
  return c;
}
