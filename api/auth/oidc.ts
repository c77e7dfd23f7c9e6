import {readFileSync} from "node:fs";
import {decode, verifyWithJwks} from "hono/utils/jwt/jwt";
import type {AuthConfig} from "./config.js";
import type {Principal, Role} from "./roles.js";

/**
 * OpenID Connect access tokens (e.g. Entra ID): signature checked against the configured JWKS, issuer,
 * audience and expiry verified, and a claim mapped to a Curve role. A token whose claims map to no
 * role is refused, never defaulted.
 */
export async function verifyOidc(token: string, oidc: NonNullable<AuthConfig["oidc"]>): Promise<Principal | {reason: string}> {
  let payload: Record<string, unknown>;
  try {
    const keys = /^https:\/\//.test(oidc.jwks) ? undefined : JSON.parse(readFileSync(oidc.jwks, "utf8")).keys;
    payload = (await verifyWithJwks(token, {
      keys, jwks_uri: keys ? undefined : oidc.jwks, allowedAlgorithms: oidc.algorithms,
      verification: {iss: oidc.issuer, aud: oidc.audience}
    })) as Record<string, unknown>;
  } catch (err) {
    return {reason: `token not accepted: ${(err as Error).name === "Error" ? "invalid" : (err as Error).name}`};
  }
  const claim = payload[oidc.roleClaim];
  const values = Array.isArray(claim) ? claim.map(String) : claim === undefined ? [] : [String(claim)];
  // The strongest mapped role wins when a user holds several.
  const order: Role[] = ["viewer", "provider", "commissioner", "analyst", "admin"];
  const roles = values.map((v) => oidc.roleMap[v]).filter((r): r is Role => r !== undefined).sort((a, b) => order.indexOf(b) - order.indexOf(a));
  if (roles.length === 0) return {reason: `no Curve role in claim '${oidc.roleClaim}'`};
  const role = roles[0];
  const provider = payload[oidc.providerClaim];
  if (role === "provider" && typeof provider !== "string") return {reason: `a provider user needs the '${oidc.providerClaim}' claim`};
  return {id: `oidc:${String(payload.sub ?? "unknown")}`, role, providerId: role === "provider" ? String(provider) : null, via: "oidc"};
}

export function looksLikeJwt(token: string): boolean {
  try {
    decode(token);
    return true;
  } catch {
    return false;
  }
}
