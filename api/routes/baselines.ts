import {Hono} from "hono";
import {z} from "zod";
import {appStoreOf, type Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {author, geographyCode as code, indicatorId, indicatorOr404, recordId} from "./params.js";
import {notFound} from "../errors.js";
import {GEOGRAPHIES, PERIOD_TYPES} from "../oba/catalogue.js";
import {BASELINE_METHODS} from "../oba/baseline.js";
import {freezeBaselineRecord, judgeFrozen} from "../oba/frozen-baseline.js";
import {disclosureFor, sharedDisclosure} from "../auth/disclosure.js";

/**
 * Frozen baselines, kept in the app store: freeze one (a statistical or hand-edited forecast fixed at
 * a date), list them, and read one with every actual since judged against it (api/oba/frozen-baseline.ts).
 */

const HandPoint = z.object({
  period: z.string().max(20),
  value: z.number().finite(),
  lower80: z.number().finite().optional(), upper80: z.number().finite().optional(),
  lower95: z.number().finite().optional(), upper95: z.number().finite().optional()
}).strict();

const FreezeBody = z.object({
  name: z.string().trim().min(1).max(200),
  indicator: indicatorId,
  geography: z.enum(GEOGRAPHIES).default("borough"),
  code: code.optional(),
  period: z.enum(PERIOD_TYPES).optional(),
  asOf: z.string().max(20),
  /** First period of the history (to start after a definitional change or an incomplete first year). */
  from: z.string().max(20).optional(),
  method: z.enum(BASELINE_METHODS).optional(),
  h: z.number().int().min(1).max(36).optional(),
  forecast: z.array(HandPoint).min(1).max(36).optional(),
  author
}).strict().refine((b) => !(b.method && b.forecast), {message: "give a method or a hand-edited forecast, not both", path: ["forecast"]});

const BaselineList = z.object({indicator: indicatorId.optional(), geography: z.enum(GEOGRAPHIES).optional(), code: code.optional()});
const BaselineId = z.object({id: recordId("bl", "a baseline id")});
const Judge = z.object({sustain: z.coerce.number().int().min(1).max(12).default(2)});

describe({method: "post", path: "/api/baselines", summary: "Freeze a baseline (statistical or hand-edited forecast) so later actuals are judged against the numbers as they were", tag: "baselines", body: FreezeBody, responses: {404: "unknown indicator, ward or area", 422: "too few points to forecast", 503: "app store not configured"}});
describe({method: "get", path: "/api/baselines", summary: "Frozen baselines, newest first", tag: "baselines", query: BaselineList});
describe({method: "get", path: "/api/baselines/:id", summary: "A frozen baseline and every actual since, judged against it (turned / accelerated / not yet)", tag: "baselines", params: BaselineId, query: Judge, responses: {404: "unknown baseline"}});

export const baselines = new Hono<Env>()
  .post("/", valid("json", FreezeBody), async (c) => {
    const store = appStoreOf(c);
    const {indicator, ...b} = c.req.valid("json");
    const ind = indicatorOr404(c.var.reader.reference.catalogue, indicator, {explainAgenda: false});
    const record = await freezeBaselineRecord(c.var.reader, ind, b, disclosureFor(c), sharedDisclosure(c), c.var.services.clock);
    return c.json(await store.freezeBaseline(record), 201);
  })
  .get("/", valid("query", BaselineList), async (c) => {
    const list = await appStoreOf(c).baselines(c.req.valid("query"));
    return c.json({baselines: list.map(({history: _h, forecast: _f, ...summary}) => summary)});
  })
  .get("/:id", valid("param", BaselineId), valid("query", Judge), async (c) => {
    const {id} = c.req.valid("param");
    const frozen = await appStoreOf(c).baseline(id);
    if (!frozen) throw notFound("baseline", id);
    return c.json(await judgeFrozen(c.var.reader, disclosureFor(c), frozen, c.req.valid("query").sustain));
  });
