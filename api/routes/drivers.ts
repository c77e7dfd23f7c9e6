import {Hono} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {breakdownName, geographyCode, IndicatorParam, indicatorOr404} from "./params.js";
import {GEOGRAPHIES, PERIOD_TYPES} from "../oba/catalogue.js";
import {driversOf} from "../oba/drivers.js";
import {disclosureFor} from "../auth/disclosure.js";

/** What drove the change between two periods (the decomposition is in api/oba/drivers.ts). */

const Id = IndicatorParam;
const DriversQuery = z.object({
  geography: z.enum(GEOGRAPHIES).default("borough"),
  code: geographyCode.optional(),
  period: z.enum(PERIOD_TYPES).optional(),
  breakdown: breakdownName,
  from: z.string().max(20),
  to: z.string().max(20)
});

describe({method: "get", path: "/api/indicators/:id/drivers", summary: "What drove the change between two periods: per breakdown group, numerators, change and contribution (shift-share for rates and percentages; contributions add up to the total change)", tag: "indicators", params: Id, query: DriversQuery, responses: {404: "unknown indicator, ward or area"}});

export const drivers = new Hono<Env>()
  .get("/:id/drivers", valid("param", Id), valid("query", DriversQuery), async (c) => {
    const ind = indicatorOr404(c.var.reader.reference.catalogue, c.req.valid("param").id, {explainAgenda: false});
    return c.json(await driversOf(c.var.reader, ind, c.req.valid("query"), disclosureFor(c)));
  });
