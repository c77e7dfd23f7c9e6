import type {Context} from "hono";
import type {Disclosure} from "../oba/series.js";
import {seesUnsuppressed, type Principal} from "./roles.js";
import {accessFor, viewerFrom, type Access} from "../providers/disclosure.js";

export type {Disclosure};

/**
 * The disclosure control a request's figures get, by the caller's role (METHODS §7): analysts and
 * admins see unsuppressed aggregates ("full"); viewers, providers and commissioners — and any request
 * without a principal — get suppressed ones ("suppressed"). Every route that publishes counts of
 * children reads it here, so the policy is one function of the principal the access-control
 * middleware set.
 */
export function disclosureFor(c: Context): Disclosure {
  const p = c.get("principal" as never) as Principal | undefined;
  return p && typeof p === "object" && typeof p.role === "string" && seesUnsuppressed(p) ? "full" : "suppressed";
}

/** The provider-level access of a request's principal (absent means a commissioner with suppression). */
export function accessOf(c: Context): Access {
  return accessFor(viewerFrom(c.get("principal" as never) as unknown));
}
