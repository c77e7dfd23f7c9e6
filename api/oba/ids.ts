import {z} from "zod";

/**
 * The ids the catalogues are written in, defined once so every catalogue (indicators, performance
 * measures, scorecards, published figures) and every route that names an entry accepts the same ones.
 */

/** A lowercase id: letters, digits and hyphens, starting with a letter or digit (cla-rate, biscot). */
export const SLUG = /^[a-z0-9][a-z0-9-]*$/;
export const slug = z.string().regex(SLUG, "expected a lowercase slug");
/** A DfE local-authority number, such as 821 (Luton). */
export const laCode = z.string().regex(/^\d{3}$/);
