import {Hono} from "hono";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {disclosureFor} from "../auth/disclosure.js";
import {allowed, seesUnsuppressed, type Principal} from "../auth/roles.js";
import type {SignInOptions} from "../auth/sign-in.js";
import {loadProviders} from "../providers/episodes.js";

/**
 * The caller as the dashboards need to know it: its role, its provider, and what the route policy
 * lets it do, so a page hides a form it could not save and never asks for data it would be refused.
 * Every capability is read from the route policy itself (roles.ts), so the two cannot disagree.
 */
export function capabilities(p: Principal) {
  return {
    saveWorkshop: allowed(p, "POST", "/api/baselines") && allowed(p, "PUT", "/api/narratives/x/y"),
    providers: allowed(p, "GET", "/api/providers"),
    serviceMap: allowed(p, "GET", "/api/services/map"),
    pipeline: allowed(p, "GET", "/api/pipeline/runs") && allowed(p, "GET", "/api/pipeline/quarantine"),
    audit: allowed(p, "GET", "/api/audit"),
    unsuppressed: seesUnsuppressed(p)
  };
}

describe({method: "get", path: "/api/me", summary: "Who is asking: role, bound provider, how they signed in, what the route policy lets them do, and their disclosure policy (which counts are c, rounding)", tag: "platform"});
describe({method: "get", path: "/api/sign-in", summary: "How to sign in (bearer token, OpenID Connect): answered without credentials", tag: "platform"});

export const me = new Hono<Env>().get("/", async (c) => {
  const p = c.get("principal");
  let provider: {id: string; name: string} | null = null;
  if (p.role === "provider" && p.providerId) {
    const known = (await loadProviders(c.var.reader).catch(() => [])).find((x) => x.providerId === p.providerId);
    provider = {id: p.providerId, name: known?.name ?? p.providerId};
  }
  // The role's disclosure policy, so the dashboards' legends say which counts are c ("1–9", rounded to 5) as the answers do.
  const policy = disclosureFor(c);
  const disclosure = {suppressed: policy.disclosure === "suppressed", primaryMax: policy.primaryMax, roundTo: policy.roundTo};
  return c.json({id: p.id, role: p.role, via: p.via, providerId: p.providerId, provider, can: capabilities(p), disclosure});
});

export const signIn = new Hono<Env>().get("/", (c) => {
  // Without configured options the authenticators still read a bearer header: offer the token box.
  const options: SignInOptions = c.var.services.access?.signIn ?? {token: true, oidc: null};
  return c.json(options);
});
