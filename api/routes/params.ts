import {z} from "zod";
import {ApiError, notFound} from "../errors.js";
import {loadCatalogue, type Indicator} from "../oba/catalogue.js";

/** The request parameters routes share, written once so that every route accepts and refuses the same ids. */

export const indicatorId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "expected an indicator id such as cla-rate");
/** `:id` of an indicator in a path. */
export const IndicatorParam = z.object({id: indicatorId});
export const geographyCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "expected an area, ward or LA code such as biscot");

/** The catalogue entry or a 404 naming the id (and saying so when it is a measure on the data development agenda). */
export function indicatorOr404(id: string): Indicator {
  const catalogue = loadCatalogue();
  const ind = catalogue.byId.get(id);
  if (ind) return ind;
  const agenda = catalogue.agendaById.get(id);
  if (agenda) {
    throw new ApiError(404, "no-data-yet", `${agenda.name} is on the data development agenda: Curve has no data for it yet (it would be fed by ${agenda.source})`, {field: "id"});
  }
  throw notFound("indicator", id);
}
