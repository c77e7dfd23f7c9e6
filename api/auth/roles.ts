/**
 * Roles and the route policy. Default deny: a route that is not listed here answers 403 to everyone,
 * so a new endpoint is closed until someone decides who may call it.
 */
export const ROLES = ["viewer", "provider", "commissioner", "analyst", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** Token id, OIDC subject, or "local" for a loopback request without credentials. */
  id: string;
  role: Role;
  /** A provider-role principal is bound to one provider. */
  providerId: string | null;
  via: "token" | "oidc" | "local";
}

/** Analysts and admins see unsuppressed aggregates; everyone else gets disclosure control. */
export function seesUnsuppressed(p: Principal): boolean {
  return p.role === "analyst" || p.role === "admin";
}

const READ_AGGREGATES: Role[] = ["viewer", "provider", "commissioner", "analyst", "admin"];
const WRITE_WORKSHOP: Role[] = ["commissioner", "analyst", "admin"];
const PROVIDER_DATA: Role[] = ["provider", "commissioner", "analyst", "admin"];
const DATA_QUALITY: Role[] = ["analyst", "admin"];

export interface RouteRule {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** A path pattern: `*` matches one segment, `**` the rest. */
  path: string;
  roles: Role[];
  /**
   * Answered even without credentials. Only for a route that tells how to sign in and nothing else:
   * the sign-in page must be able to ask before anyone has a token.
   */
  public?: true;
}

export const ROUTE_POLICY: RouteRule[] = [
  {method: "GET", path: "/api/health", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/openapi.json", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/sign-in", roles: READ_AGGREGATES, public: true},
  // Who the caller is and what the route policy lets it do: the dashboards hide what it cannot use.
  {method: "GET", path: "/api/me", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/indicators", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/indicators/**", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/scorecards", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/scorecards/**", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/baselines", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/baselines/**", roles: READ_AGGREGATES},
  {method: "POST", path: "/api/baselines", roles: WRITE_WORKSHOP},
  {method: "GET", path: "/api/targets", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/targets/**", roles: READ_AGGREGATES},
  {method: "POST", path: "/api/targets", roles: WRITE_WORKSHOP},
  {method: "GET", path: "/api/annotations", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/annotations/**", roles: READ_AGGREGATES},
  {method: "POST", path: "/api/annotations", roles: WRITE_WORKSHOP},
  {method: "GET", path: "/api/narratives/**", roles: READ_AGGREGATES},
  {method: "PUT", path: "/api/narratives/**", roles: WRITE_WORKSHOP},
  {method: "GET", path: "/api/wards/**", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/target-wards/**", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/allocations", roles: READ_AGGREGATES},
  {method: "GET", path: "/api/allocations/**", roles: READ_AGGREGATES},
  {method: "POST", path: "/api/allocations", roles: WRITE_WORKSHOP},
  {method: "GET", path: "/api/providers", roles: PROVIDER_DATA},
  {method: "GET", path: "/api/providers/**", roles: PROVIDER_DATA},
  {method: "GET", path: "/api/services/**", roles: ["commissioner", "analyst", "admin"]},
  {method: "GET", path: "/api/pipeline/runs", roles: DATA_QUALITY},
  {method: "GET", path: "/api/pipeline/quarantine", roles: DATA_QUALITY},
  {method: "GET", path: "/api/audit", roles: ["admin"]}
];

function matches(pattern: string, path: string): boolean {
  const p = pattern.split("/");
  const s = path.replace(/\/$/, "").split("/");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === "**") return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== "*" && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** The rule for a request, or null (default deny). */
export function ruleFor(method: string, path: string): RouteRule | null {
  return ROUTE_POLICY.find((r) => r.method === method && matches(r.path, path)) ?? null;
}

export function allowed(principal: Principal, method: string, path: string): boolean {
  const rule = ruleFor(method, path);
  return rule !== null && rule.roles.includes(principal.role);
}
