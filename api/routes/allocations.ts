import {Hono} from "hono";
import {z} from "zod";
import {appStoreOf, type Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {indicatorId, recordId} from "./params.js";
import {notFound} from "../errors.js";
import {AllocationStore} from "../targeting/allocation-store.js";
import {allocationView, type NeedMeasure} from "../targeting/service.js";
import {disclosureFor, sharedDisclosure} from "../auth/disclosure.js";

/** Budget allocations across wards (universal share + share weighted by need and children), saved as versions in the app store. */


const Need = z.union([
  z.object({kind: z.literal("deprivation")}).strict(),
  z.object({
    kind: z.literal("need-index").optional(),
    indicators: z.array(indicatorId).min(1).max(20).optional(),
    weights: z.record(z.string().max(64), z.number()).optional(),
    period: z.string().max(20).optional(),
    seed: z.number().int().min(1).max(4294967295).optional()
  }).strict()
]);

// Names are plain words (letters, digits, spaces and - _ . , & : +), so they read the same in every list and file name.
const name = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 _.,&:+-]{0,199}$/, "expected a name of letters, digits, spaces and - _ . , & : + (at most 200 characters)");

const AllocationBody = z.object({
  name,
  author: z.string().trim().min(1, "author is required").max(100),
  note: z.string().max(2000).optional(),
  budget: z.number().finite().min(0, "budget must not be negative").max(1e12, "budget must be at most 1,000,000,000,000"),
  need: Need.default({}),
  universalShare: z.number().min(0, "universalShare must be between 0 and 1").max(1, "universalShare must be between 0 and 1").default(0.3),
  needExponent: z.number().min(0, "needExponent must be between 0 and 3").max(3, "needExponent must be between 0 and 3").default(1),
  save: z.boolean().default(true)
}).strict();

const ListQuery = z.object({name: name.optional()});
const AllocationId = z.object({id: recordId("al", "an allocation id")});

describe({method: "post", path: "/api/allocations", summary: "Allocate a budget across wards: a universal share per child plus a share weighted by need (need index or deprivation) and child population, showing what the target wards receive; saved as the next version of its name unless save is false", tag: "allocations", body: AllocationBody, responses: {404: "unknown indicator", 422: "no data for the period", 503: "app store not configured"}});
describe({method: "get", path: "/api/allocations", summary: "Saved allocations (every version), newest first", tag: "allocations", query: ListQuery, responses: {503: "app store not configured"}});
describe({method: "get", path: "/api/allocations/:id", summary: "One saved allocation exactly as it was returned when saved", tag: "allocations", params: AllocationId, responses: {404: "unknown allocation", 503: "app store not configured"}});

export const allocations = new Hono<Env>()
  .post("/", valid("json", AllocationBody), async (c) => {
    const b = c.req.valid("json");
    const need: NeedMeasure = b.need.kind === "deprivation" ? {kind: "deprivation"} : {...b.need, kind: "need-index"};
    const store = b.save ? new AllocationStore(appStoreOf(c)) : null;
    // A saved allocation is read back by every role, so it is made as the suppressed roles see it.
    const mode = b.save ? sharedDisclosure(c) : disclosureFor(c);
    const result = await allocationView(c.var.reader, {budget: b.budget, need, universalShare: b.universalShare, needExponent: b.needExponent}, mode);
    if (!store) return c.json({saved: false, allocation: result});
    const {save: _s, ...request} = b;
    const saved = await store.save({
      name: b.name, author: b.author, note: b.note ?? null, createdAt: c.var.services.clock().toISOString(),
      warehouseVersion: await c.var.reader.currentVersion(), request: {...request, need}, result
    });
    return c.json({saved: true, ...saved}, 201);
  })
  .get("/", valid("query", ListQuery), async (c) => c.json({allocations: await new AllocationStore(appStoreOf(c)).list(c.req.valid("query"))}))
  .get("/:id", valid("param", AllocationId), async (c) => {
    const {id} = c.req.valid("param");
    const found = await new AllocationStore(appStoreOf(c)).get(id);
    if (!found) throw notFound("allocation", id);
    return c.json(found);
  });
