import {createHash} from "node:crypto";
import type {Context} from "hono";
import {z} from "zod";
import {ROLES, type Principal, type Role} from "../auth/roles.js";

/**
 * Disclosure policy by audience (METHODS §7), as councils publish: for each role, which counts are
 * hidden as primary cells (1 to `primaryMax`), whether shown counts are rounded (`roundTo`, e.g. 5
 * for a public audience) and whether figures the council has already published
 * (data/reference/published-figures.json) are shown with their number. It is data: the `disclosure`
 * section of data/config.json (validated in pipelines/config.ts), e.g.
 *
 * ```json
 * "disclosure": {"roles": {"viewer": {"primaryMax": 9, "roundTo": 5}}}
 * ```
 *
 * A role not named keeps the defaults, which are Curve's behaviour before the policy was data:
 * analysts and admins see unsuppressed aggregates; everyone else has counts 1–5 hidden, nothing
 * rounded, and the council's published figures shown.
 */

export interface DisclosurePolicy {
  /** "full": nothing hidden or rounded (analysts, admins); "suppressed": the rest of the policy applies. */
  disclosure: "suppressed" | "full";
  /** Largest count hidden as a primary cell (DfE practice: 5). */
  primaryMax: number;
  /** Shown counts are rounded to the nearest multiple of this; null shows them as they are. */
  roundTo: number | null;
  /** Figures the council has already published are shown with their number, not c. */
  showPublished: boolean;
}

const RolePolicy = z.object({
  disclosure: z.enum(["suppressed", "full"]).optional(),
  primaryMax: z.number().int().min(1).max(50).optional(),
  roundTo: z.number().int().min(2).max(100).nullable().optional(),
  showPublished: z.boolean().optional()
}).strict();

/** The `disclosure` section of data/config.json. */
export const DisclosureConfig = z.object({
  $comment: z.string().optional(),
  roles: z.record(z.enum(ROLES), RolePolicy).optional()
}).strict();
export type DisclosureConfig = z.infer<typeof DisclosureConfig>;

/** Counts 1–5 hidden, nothing rounded, published figures shown: Curve's behaviour before policies were configurable. */
export const SUPPRESSED_DEFAULT: DisclosurePolicy = {disclosure: "suppressed", primaryMax: 5, roundTo: null, showPublished: true};
const FULL: DisclosurePolicy = {disclosure: "full", primaryMax: 5, roundTo: null, showPublished: true};

export const DEFAULT_POLICIES: Readonly<Record<Role, DisclosurePolicy>> = {
  viewer: SUPPRESSED_DEFAULT, provider: SUPPRESSED_DEFAULT, commissioner: SUPPRESSED_DEFAULT, analyst: FULL, admin: FULL
};

let configured: Record<Role, DisclosurePolicy> = {...DEFAULT_POLICIES};

/** Sets the policies from the config section (undefined: the defaults). Called at start (api/main.ts) and by tests. */
export function configureDisclosure(section: DisclosureConfig | undefined): void {
  const parsed = DisclosureConfig.parse(section ?? {});
  configured = {...DEFAULT_POLICIES};
  for (const [role, p] of Object.entries(parsed.roles ?? {}) as [Role, z.infer<typeof RolePolicy>][]) {
    configured[role] = {...DEFAULT_POLICIES[role], ...p, roundTo: p.roundTo === undefined ? DEFAULT_POLICIES[role].roundTo : p.roundTo};
  }
}

/** The policy of a role; a request without a principal gets the viewer's. */
export function policyForRole(role: Role | null | undefined): DisclosurePolicy {
  return configured[role ?? "viewer"] ?? configured.viewer;
}

/** The policy for a request, from the principal the access-control middleware set. */
export function policyFor(c: Context): DisclosurePolicy {
  const p = c.get("principal" as never) as Principal | undefined;
  return policyForRole(p && typeof p === "object" && typeof p.role === "string" ? p.role : null);
}

/** Whether a policy hides exactly what Curve hid before policies were data (its plans are the shared ones). */
export function isDefaultSuppression(p: DisclosurePolicy): boolean {
  return p.disclosure === "suppressed" && p.primaryMax === SUPPRESSED_DEFAULT.primaryMax && p.showPublished === SUPPRESSED_DEFAULT.showPublished;
}

/** A short key of what a policy hides, for caches of plans and answers (rounding changes answers, not plans). */
export function policyKey(p: DisclosurePolicy): string {
  return createHash("sha256").update(JSON.stringify([p.disclosure, p.primaryMax, p.roundTo, p.showPublished])).digest("hex").slice(0, 12);
}

/** A plan's key: only what changes which cells are hidden. */
export function planKey(p: DisclosurePolicy): string {
  return `k${p.primaryMax}${p.showPublished ? "p" : ""}`;
}

/** A shown count as the policy publishes it (rounded to the nearest multiple of roundTo; zero stays 0). */
export function roundCount(p: DisclosurePolicy, n: number): number {
  if (p.disclosure === "full" || !p.roundTo || n === 0) return n;
  return Math.max(p.roundTo, Math.round(n / p.roundTo) * p.roundTo);
}
