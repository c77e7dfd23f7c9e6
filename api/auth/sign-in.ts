import type {AuthConfig} from "./config.js";

/**
 * What the dashboards' sign-in page may offer. Nothing here is secret: an OIDC issuer, client id and
 * authorisation endpoint are public by design, and "tokens are accepted" tells nothing about any token.
 */
export interface SignInOptions {
  token: boolean;
  oidc: {issuer: string; clientId: string; authorizationEndpoint: string | null; scope: string} | null;
}

export function signInOptions(config: AuthConfig): SignInOptions {
  const o = config.oidc;
  return {
    token: config.tokens.enabled,
    oidc: o ? {issuer: o.issuer, clientId: o.clientId ?? o.audience, authorizationEndpoint: o.authorizationEndpoint ?? null, scope: o.scope} : null
  };
}
