import type {Context} from "hono";
import {DEFAULT_POLICIES, sharedPolicy, type Disclosure, type DisclosurePolicy} from "../oba/policy.js";
import type {Services} from "../context.js";
import type {Principal} from "./roles.js";
import {accessFor, viewerFrom, type Access} from "../providers/disclosure.js";

export type {Disclosure, DisclosurePolicy};

/**
 * The disclosure control a request's figures get, by the caller's role (METHODS §7): analysts and
 * admins see unsuppressed aggregates (disclosure "full"); viewers, providers and commissioners — and
 * any request without a principal, as a viewer — get suppressed ones, by their role's configured
 * policy (primary threshold, rounding, the council's published figures: api/oba/policy.ts). Every
 * route that publishes counts of children reads it here, so the policy is one function of the
 * principal the access-control middleware set and the app's configuration.
 */
export function disclosureFor(c: Context): DisclosurePolicy {
  const p = c.get("principal" as never) as Principal | undefined;
  const services = c.get("services" as never) as Services | undefined;
  const policies = services?.disclosure ?? DEFAULT_POLICIES;
  const role = p && typeof p === "object" && typeof p.role === "string" ? p.role : "viewer";
  return policies[role] ?? policies.viewer;
}

/** The policy records every suppressed role reads (frozen baselines, saved allocations) are made under: the strictest (api/oba/policy.ts). */
export function sharedDisclosure(c: Context): DisclosurePolicy {
  const services = c.get("services" as never) as Services | undefined;
  return sharedPolicy(services?.disclosure ?? DEFAULT_POLICIES);
}

/** The provider-level access of a request's principal (absent means a commissioner with suppression), with its role's threshold and rounding. */
export function accessOf(c: Context): Access {
  const policy = disclosureFor(c);
  return accessFor(viewerFrom(c.get("principal" as never) as unknown), policy.primaryMax, policy.roundTo);
}
