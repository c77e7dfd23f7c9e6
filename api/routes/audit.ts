import {Hono} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {csvResponse, wantsCsv} from "../csv.js";
import {ApiError} from "../errors.js";

const AuditQuery = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  principal: z.string().max(100).optional(),
  route: z.string().max(200).regex(/^\/api\//, "expected a route beginning /api/").optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  format: z.enum(["json", "csv"]).optional()
});

describe({method: "get", path: "/api/audit", summary: "The audit trail of data requests (admin only): who, role, when, route, parameters, rows returned, outcome", tag: "platform", query: AuditQuery, csv: true});

export const audit = new Hono<Env>().get("/", valid("query", AuditQuery), async (c) => {
  const access = c.var.services.access;
  if (!access) throw new ApiError(503, "audit-unavailable", "no audit log is configured");
  const entries = await access.audit.query(c.req.valid("query"));
  if (wantsCsv(c)) return csvResponse(c, entries as unknown as Record<string, unknown>[], "audit");
  return c.json({entries});
});
