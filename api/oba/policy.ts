import {createHash} from "node:crypto";
import {z} from "zod";
import type {Role} from "../auth/roles.js";
import {firstIssue} from "../../shared/issues.js";

/**
 * Disclosure policy by audience (METHODS §7), as councils publish: for each role that gets
 * disclosure control, which counts are hidden as primary cells (1 to `primaryMax`), whether shown
 * counts are rounded (`roundTo`, e.g. 5 for a public audience) and whether figures the council has
 * already published (data/reference/published-figures.json) are shown with their number. It is data:
 * the `disclosure` section of data/config.json (validated in pipelines/config.ts), e.g.
 *
 * ```json
 * "disclosure": {"roles": {"viewer": {"primaryMax": 9, "roundTo": 5}}}
 * ```
 *
 * A role not named keeps the defaults, which are Curve's behaviour before the policy was data:
 * viewers, providers and commissioners have counts 1–5 hidden, nothing rounded, and the council's
 * published figures shown. Analysts and admins see unsuppressed aggregates (api/auth/roles.ts): that
 * is a property of the role, not configurable here, so every route agrees on who sees what.
 *
 * The resolved policies travel in the app's services (`Services.disclosure`, set by api/main.ts from
 * the config), not in module state: two apps in one process (tests, a second instance) never share
 * them, and a request's policy is a function of its principal alone (api/auth/disclosure.ts).
 */

/**
 * Who a publication is for: "suppressed" (viewers, providers, commissioners: small counts and every
 * count hidden to protect them are c) or "full" (analysts and admins: unsuppressed aggregates).
 */
export type Disclosure = "suppressed" | "full";

export interface DisclosurePolicy {
  /** "full": nothing hidden or rounded (analysts, admins); "suppressed": the rest of the policy applies. */
  disclosure: Disclosure;
  /** Largest count hidden as a primary cell (DfE practice: 5). */
  primaryMax: number;
  /** Shown counts are rounded to the nearest multiple of this; null shows them as they are. */
  roundTo: number | null;
  /** Figures the council has already published are shown with their number, not c. */
  showPublished: boolean;
}

/** The roles a configured policy may name: the ones that get disclosure control. */
export const SUPPRESSED_ROLES = ["viewer", "provider", "commissioner"] as const;

const RolePolicy = z.object({
  primaryMax: z.number().int().min(1).max(50).optional(),
  roundTo: z.number().int().min(2).max(100).nullable().optional(),
  showPublished: z.boolean().optional()
}).strict();

/** The `disclosure` section of data/config.json. */
export const DisclosureConfig = z.object({
  $comment: z.string().optional(),
  roles: z.strictObject({viewer: RolePolicy.optional(), provider: RolePolicy.optional(), commissioner: RolePolicy.optional()}, {
    error: (iss) => (iss.code === "unrecognized_keys"
      ? `disclosure applies to viewer, provider and commissioner, not ${iss.keys.join(", ")}: analysts and admins see unsuppressed aggregates`
      : undefined)
  }).optional()
}).strict();
export type DisclosureConfig = z.infer<typeof DisclosureConfig>;

/** Counts 1–5 hidden, nothing rounded, published figures shown: Curve's behaviour before policies were configurable. */
export const SUPPRESSED_DEFAULT: DisclosurePolicy = Object.freeze({disclosure: "suppressed", primaryMax: 5, roundTo: null, showPublished: true});
/** Analysts and admins: nothing hidden or rounded. */
export const FULL: DisclosurePolicy = Object.freeze({disclosure: "full", primaryMax: 5, roundTo: null, showPublished: true});

export type DisclosurePolicies = Readonly<Record<Role, DisclosurePolicy>>;

export const DEFAULT_POLICIES: DisclosurePolicies = {
  viewer: SUPPRESSED_DEFAULT, provider: SUPPRESSED_DEFAULT, commissioner: SUPPRESSED_DEFAULT, analyst: FULL, admin: FULL
};

/** Every role's policy from the config section (undefined: the defaults); throws naming the field when it is invalid. */
export function resolvePolicies(section: unknown): DisclosurePolicies {
  const r = DisclosureConfig.safeParse(section ?? {});
  if (!r.success) {
    const i = firstIssue(r.error, {under: "disclosure"});
    throw new Error(`field ${i.field}: ${i.message}`);
  }
  const out: Record<Role, DisclosurePolicy> = {...DEFAULT_POLICIES};
  for (const role of SUPPRESSED_ROLES) {
    const p = r.data.roles?.[role];
    if (p) out[role] = Object.freeze({...SUPPRESSED_DEFAULT, ...p, roundTo: p.roundTo ?? null});
  }
  return out;
}

/**
 * The policy shared records (a frozen baseline's history, a saved allocation) are made under: every
 * suppressed role reads them, so they hide what the strictest of those roles hides — the highest
 * primary threshold, published figures shown only if every role is shown them, and the coarsest
 * rounding.
 */
export function sharedPolicy(policies: DisclosurePolicies): DisclosurePolicy {
  const ps = SUPPRESSED_ROLES.map((r) => policies[r]);
  const rounds = ps.map((p) => p.roundTo).filter((r): r is number => r !== null);
  return {disclosure: "suppressed", primaryMax: Math.max(...ps.map((p) => p.primaryMax)), roundTo: rounds.length ? Math.max(...rounds) : null,
    showPublished: ps.every((p) => p.showPublished)};
}

/** A policy from either form callers hold ("suppressed" is the default suppressed policy). */
export function policyOf(d: Disclosure | DisclosurePolicy): DisclosurePolicy {
  return typeof d === "string" ? (d === "full" ? FULL : SUPPRESSED_DEFAULT) : d;
}

/** A short key of everything a policy changes in an answer, for the response cache (api/cache.ts). */
export function policyKey(p: DisclosurePolicy): string {
  return createHash("sha256").update(JSON.stringify([p.disclosure, p.primaryMax, p.roundTo, p.showPublished])).digest("hex").slice(0, 12);
}

/** A plan's key: only what changes which cells are hidden (rounding changes answers, not plans). */
export function planKey(p: DisclosurePolicy): string {
  return `k${p.primaryMax}${p.showPublished ? "p" : ""}`;
}

/** The counts a policy hides as primary cells, as the answers' texts name them ("1-5", "1-9"). */
export function smallCounts(p: Pick<DisclosurePolicy, "primaryMax">): string {
  return `1-${p.primaryMax}`;
}

/** A shown count as the policy publishes it: rounded to the nearest multiple of roundTo (halves up); zero stays 0, and a count is never rounded to 0. */
export function roundCount(p: DisclosurePolicy, n: number): number {
  return p.disclosure === "full" ? n : roundedCount(n, p.roundTo);
}

/** `n` rounded to the nearest multiple of `base` (halves up), never to 0 unless it is 0; unchanged without a base. */
export function roundedCount(n: number, base: number | null): number {
  if (!base || n === 0) return n;
  return Math.max(base, Math.round(n / base) * base);
}
