import {z} from "zod";
import {ApiError, notFound} from "../errors.js";
import type {Catalogue, Indicator} from "../oba/catalogue.js";
import {slug} from "../oba/ids.js";
import {DEFAULT_SEED} from "../targeting/service.js";
import {RANK_DRAWS} from "../stats/index.js";

/** The request parameters routes share, written once so that every route accepts and refuses the same ids. */

/** A lowercase id a request names (at most 64 characters), refused with `expected ${what}`. */
const lowercaseId = (what: string) => z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, `expected ${what}`);
export const indicatorId = lowercaseId("an indicator id such as cla-rate");
/** `:id` of an indicator in a path. */
export const IndicatorParam = z.object({id: indicatorId});
export const wardId = lowercaseId("a ward id such as biscot");
/** A provider, programme or performance measure of the provider catalogue. */
export const providerCatalogueId = lowercaseId("a lowercase id such as parenting-works");
/** A scorecard of data/scorecards.json: the catalogue's own slug. */
export const scorecardId = slug;
/** A user-authored record's id as the app store writes it: its prefix and a UUID. */
export const recordId = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f-]{36}$`), `expected ${what} such as ${prefix}-1b4e28ba-2fa1-11d2-883f-0016d3cca427`);
export const geographyCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "expected an area, ward or LA code such as biscot");
/** A breakdown of an indicator, such as age. */
export const breakdownName = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, "expected a breakdown name such as age");
/** Who wrote a user-authored record (baseline, target, annotation, narrative). */
export const author = z.string().trim().min(1, "author is required").max(100);
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD").refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s), "not a real date");

/**
 * The catalogue entry (of the app's catalogue: `c.var.reader.reference.catalogue`) or a 404 naming the id (and saying so when it is a measure on the data development
 * agenda). The drivers route and the user-authored records (baselines, targets, annotations, narratives)
 * answer a plain not-found for an agenda id too (`explainAgenda: false`), as they always have.
 */
export function indicatorOr404(catalogue: Catalogue, id: string, {explainAgenda = true} = {}): Indicator {
  const ind = catalogue.byId.get(id);
  if (ind) return ind;
  const agenda = explainAgenda ? catalogue.agendaById.get(id) : undefined;
  if (agenda) {
    throw new ApiError(404, "no-data-yet", `${agenda.name} is on the data development agenda: Curve has no data for it yet (it would be fed by ${agenda.source})`, {field: "id"});
  }
  throw notFound("indicator", id);
}

/** The ward need questions (targeting table and the review of the target-ward set) share these. */
export const indicatorList = (message = "expected indicator ids separated by commas, e.g. cp-referrals,dv-referrals") =>
  z.string().max(1000).regex(/^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$/, message);
export const year = z.string().max(20);
export const seed = z.coerce.number().int().min(1).max(4294967295).default(DEFAULT_SEED);
export const NeedQuery = z.object({
  indicators: indicatorList().optional(),
  period: year.optional(),
  weights: z.string().max(1000).optional(),
  seed,
  draws: z.coerce.number().int().min(100).max(100_000).default(RANK_DRAWS)
});

export const splitList = (s: string | undefined) => (s === undefined ? undefined : s.split(",").map((x) => x.trim()).filter(Boolean));
