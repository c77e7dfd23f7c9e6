import {Hono, type Context} from "hono";
import {z} from "zod";
import {appStoreOf, type Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {author, geographyCode as code, indicatorId, indicatorOr404, isoDate} from "./params.js";
import type {NarrativeContent} from "../appstore.js";
import {GEOGRAPHIES, type Geography} from "../oba/catalogue.js";
import {resolveGeography} from "../oba/series.js";

/** Turn-the-curve narratives (story behind the baseline, partners, what works, action plan), versioned in the app store. */

const NarrativeParams = z.object({indicator: indicatorId, geography: z.enum(GEOGRAPHIES)});
const NarrativeQuery = z.object({code: code.optional()});
const NarrativeBody = z.object({
  story: z.array(z.object({cause: z.string().trim().min(1).max(1000), priority: z.number().int().min(1).max(100)}).strict()).max(50).default([]),
  partners: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
  whatWorks: z.array(z.object({idea: z.string().trim().min(1).max(1000), lowCost: z.boolean().default(false)}).strict()).max(50).default([]),
  actionPlan: z.array(z.object({action: z.string().trim().min(1).max(1000), owner: z.string().max(200).optional(), due: isoDate.optional()}).strict()).max(100).default([]),
  author,
  message: z.string().max(500).optional()
}).strict();

describe({method: "put", path: "/api/narratives/:indicator/:geography", summary: "Save a new version of the turn-the-curve narrative (story behind the baseline, partners, what works, action plan)", tag: "narratives", params: NarrativeParams, query: NarrativeQuery, body: NarrativeBody});
describe({method: "get", path: "/api/narratives/:indicator/:geography", summary: "The latest narrative and its full version history (who, when, what changed)", tag: "narratives", params: NarrativeParams, query: NarrativeQuery});

/** The narrative's key: the indicator, the geography and its resolved code (the borough's LA number by default). */
async function narrativeKey(c: Context<Env>, indicator: string, geography: Geography, codeGiven?: string) {
  const ind = indicatorOr404(c.var.reader.reference.catalogue, indicator, {explainAgenda: false});
  const geo = await resolveGeography(c.var.reader, ind, geography, codeGiven);
  return {indicator: ind.id, geography: geo.type, code: geo.code};
}

export const narratives = new Hono<Env>()
  .put("/:indicator/:geography", valid("param", NarrativeParams), valid("query", NarrativeQuery), valid("json", NarrativeBody), async (c) => {
    const store = appStoreOf(c);
    const {indicator, geography} = c.req.valid("param");
    const key = await narrativeKey(c, indicator, geography, c.req.valid("query").code);
    const body = c.req.valid("json");
    const content: NarrativeContent = {
      story: [...body.story].sort((a, b) => a.priority - b.priority),
      partners: body.partners,
      whatWorks: body.whatWorks,
      actionPlan: body.actionPlan
    };
    await store.saveNarrative(key, content, body.author, c.var.services.clock().toISOString(), body.message ?? null);
    const history = await store.narrativeHistory(key);
    return c.json({...key, latest: history[0], history});
  })
  .get("/:indicator/:geography", valid("param", NarrativeParams), valid("query", NarrativeQuery), async (c) => {
    const store = appStoreOf(c);
    const {indicator, geography} = c.req.valid("param");
    const key = await narrativeKey(c, indicator, geography, c.req.valid("query").code);
    const history = await store.narrativeHistory(key);
    return c.json({...key, latest: history[0] ?? null, history});
  });
