import {readFileSync} from "node:fs";
import {resolve} from "node:path";
import {AuditLog} from "./audit.js";
import {parseAuthConfig} from "./config.js";
import {configuredAuthenticator, DEFAULT_UNAUTHENTICATED_PER_MINUTE, RateLimiter, type AccessControl} from "./middleware.js";
import {signInOptions} from "./sign-in.js";
import {TokenStore} from "./tokens.js";

/** Access control from the config file; throws AuthConfigError (the server refuses to start) when it is broken. */
export function buildAccessControl(configPath: string, clock: () => Date = () => new Date()): {control: AccessControl; describe: string} {
  const raw = JSON.parse(readFileSync(configPath, "utf8"));
  const config = parseAuthConfig(raw.auth, configPath);
  const tokens = new TokenStore(resolve(process.env.CURVE_TOKENS ?? config.tokens.store));
  tokens.list(); // a corrupt token file stops the start, with its message
  const audit = new AuditLog(resolve(process.env.CURVE_AUDIT ?? config.audit.dir), config.audit.retentionDays, (config.audit.maxFileMB ?? 50) * 1024 * 1024);
  audit.sweep(clock());
  const control: AccessControl = {
    authenticator: configuredAuthenticator(config, tokens, clock), limiter: new RateLimiter(config.rateLimit.requestsPerMinute),
    clientLimits: {
      unauthenticated: new RateLimiter(config.rateLimit.unauthenticatedPerMinute ?? DEFAULT_UNAUTHENTICATED_PER_MINUTE),
      requests: new RateLimiter(config.rateLimit.clientRequestsPerMinute ?? 5 * config.rateLimit.requestsPerMinute)
    },
    audit, clock, signIn: signInOptions(config)
  };
  const ways = [config.tokens.enabled && "bearer tokens", config.oidc && `OpenID Connect (${config.oidc.issuer})`].filter(Boolean).join(" and ");
  const describe = [
    `Access control: ${ways || "no credentials"}; default deny; audit in ${config.audit.dir} (kept ${config.audit.retentionDays} days).`,
    config.localRole ? `Requests from this machine (loopback, no proxy) without a token act as '${config.localRole}' — the dashboards on localhost need no login.` : "",
    config.tokens.enabled ? "Get a token for other clients: npm run tokens -- create --role viewer   (roles: viewer, provider --provider <id>, commissioner, analyst, admin)" : ""
  ].filter(Boolean).join("\n");
  return {control, describe};
}
