import {Hono} from "hono";
import {z} from "zod";
import {appStoreOf, type Env} from "../context.js";
import {describe} from "../openapi.js";
import {valid} from "../validate.js";
import {author, geographyCode as code, indicatorId, indicatorOr404, isoDate} from "./params.js";
import {badRequest} from "../errors.js";
import {DomainError} from "../oba/errors.js";
import {GEOGRAPHIES} from "../oba/catalogue.js";
import {resolveGeography} from "../oba/series.js";

/** Annotations: a note on a date or range, optionally scoped to an indicator and geography, kept in the app store. */

const AnnotationBody = z.object({
  from: isoDate, to: isoDate.optional(), indicator: indicatorId.optional(), geography: z.enum(GEOGRAPHIES).optional(), code: code.optional(),
  text: z.string().trim().min(1).max(2000), author
}).strict();
const AnnotationList = z.object({indicator: indicatorId.optional(), geography: z.enum(GEOGRAPHIES).optional(), code: code.optional(), from: isoDate.optional(), to: isoDate.optional()});

describe({method: "post", path: "/api/annotations", summary: "Annotate a date or range (optionally scoped to an indicator and geography)", tag: "annotations", body: AnnotationBody});
describe({method: "get", path: "/api/annotations", summary: "Annotations in scope, by date", tag: "annotations", query: AnnotationList});

const invalidRange = (from: string, to: string) => new DomainError("invalid", "invalid-range", `from (${from}) is after to (${to})`, {field: "from"});

export const annotations = new Hono<Env>()
  .post("/", valid("json", AnnotationBody), async (c) => {
    const store = appStoreOf(c);
    const a = c.req.valid("json");
    const to = a.to ?? a.from;
    if (a.from > to) throw invalidRange(a.from, to);
    let geography: string | null = a.geography ?? null;
    let code: string | null = a.code ?? null;
    if (a.code && !a.geography) throw badRequest("code needs a geography", {field: "code"});
    if (a.indicator) {
      const ind = indicatorOr404(c.var.reader.reference.catalogue, a.indicator, {explainAgenda: false});
      if (a.geography) {
        const geo = await resolveGeography(c.var.reader, ind, a.geography, a.code);
        geography = geo.type;
        code = geo.code;
      }
    }
    const saved = await store.addAnnotation({from: a.from, to, indicator: a.indicator ?? null, geography, code, text: a.text, author: a.author, createdAt: c.var.services.clock().toISOString()});
    return c.json(saved, 201);
  })
  .get("/", valid("query", AnnotationList), async (c) => {
    const q = c.req.valid("query");
    if (q.from && q.to && q.from > q.to) throw invalidRange(q.from, q.to);
    return c.json({annotations: await appStoreOf(c).annotations(q)});
  });
