import {Hono} from "hono";
import {z} from "zod";
import {appStoreOf, type Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {author, geographyCode as code, indicatorId, indicatorOr404} from "./params.js";
import {badRequest} from "../errors.js";
import {DomainError} from "../oba/errors.js";
import {GEOGRAPHIES, PERIOD_TYPES} from "../oba/catalogue.js";
import {resolveGeography} from "../oba/series.js";
import {parsePeriod} from "../oba/periods.js";

/** Targets (indicator × geography × period → value), kept in the app store apart from baselines. */

const TargetBody = z.object({
  indicator: indicatorId, geography: z.enum(GEOGRAPHIES).default("borough"), code: code.optional(),
  period: z.string().max(20), periodType: z.enum(PERIOD_TYPES).optional(), value: z.number().finite(), author, note: z.string().max(1000).optional()
}).strict();
const TargetList = z.object({indicator: indicatorId.optional(), geography: z.enum(GEOGRAPHIES).optional(), code: code.optional()});

describe({method: "post", path: "/api/targets", summary: "Set a target (indicator × geography × period → value), kept apart from baselines", tag: "targets", body: TargetBody, responses: {404: "unknown indicator"}});
describe({method: "get", path: "/api/targets", summary: "Targets, newest first", tag: "targets", query: TargetList});

export const targets = new Hono<Env>()
  .post("/", valid("json", TargetBody), async (c) => {
    const store = appStoreOf(c);
    const t = c.req.valid("json");
    const ind = indicatorOr404(c.var.reader.reference.catalogue, t.indicator, {explainAgenda: false});
    const geo = await resolveGeography(c.var.reader, ind, t.geography, t.code);
    const type = t.periodType ?? ind.periods[0];
    if (!ind.periods.includes(type)) throw new DomainError("invalid", "period-not-allowed", `indicator ${ind.id} is not published by ${type}: allowed ${ind.periods.join(", ")}`, {field: "periodType"});
    const period = parsePeriod(type, t.period, "period");
    if (ind.unit === "percent" && (t.value < 0 || t.value > 100)) throw badRequest(`value ${t.value} is not a percentage (0-100)`, {field: "value"});
    if (t.value < 0) throw badRequest("value must not be negative", {field: "value"});
    const saved = await store.addTarget({indicator: ind.id, geography: geo.type, code: geo.code, period: period.label, value: t.value, author: t.author, note: t.note ?? null, createdAt: c.var.services.clock().toISOString()});
    return c.json(saved, 201);
  })
  .get("/", valid("query", TargetList), async (c) => c.json({targets: await appStoreOf(c).targets(c.req.valid("query"))}));
