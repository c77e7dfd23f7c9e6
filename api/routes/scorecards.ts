import {Hono} from "hono";
import {z} from "zod";
import type {Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {notFound} from "../errors.js";
import {geographyCode, scorecardId} from "./params.js";
import {GEOGRAPHIES} from "../oba/catalogue.js";
import {scorecardView} from "../oba/scorecard.js";
import {disclosureFor} from "../auth/disclosure.js";

/** Scorecards (OBA report cards): the list, and one card for a geography (built in api/oba/scorecard.ts). */

const Id = z.object({id: scorecardId});
const CardQuery = z.object({
  geography: z.enum(GEOGRAPHIES).optional(),
  code: geographyCode.optional()
});

describe({method: "get", path: "/api/scorecards", summary: "Scorecards (OBA report cards) and what they hold", tag: "scorecards"});
describe({method: "get", path: "/api/scorecards/:id", summary: "A scorecard for a geography: per measure the latest value and interval, previous value, trend, baseline verdict, SPC icons, target status and benchmark; per result the measures on the data development agenda (no data yet) with the source that would feed them", tag: "scorecards", params: Id, query: CardQuery, responses: {404: "unknown scorecard, ward or area"}});

export const scorecards = new Hono<Env>()
  .get("/", (c) => c.json({
    scorecards: c.var.reader.reference.scorecards.map((s) => ({
      id: s.id, name: s.name, description: s.description, period: s.period, geography: s.geography,
      results: s.results.map((r) => ({id: r.id, name: r.name, indicators: r.indicators, agenda: r.agenda})),
      programmes: s.programmes.map((p) => ({id: p.id, name: p.name, measures: p.measures.length}))
    }))
  }))
  .get("/:id", valid("param", Id), valid("query", CardQuery), async (c) => {
    const {id} = c.req.valid("param");
    const card = c.var.reader.reference.scorecards.find((s) => s.id === id);
    if (!card) throw notFound("scorecard", id);
    const store = c.var.services.appStore;
    const readLookups = store ? async () => ({baselines: await store.baselines(), targets: await store.targets()}) : null;
    return c.json(await scorecardView(c.var.reader, disclosureFor(c), card, c.req.valid("query"), readLookups));
  });
