/**
 * Figures as published. Statistics are computed on unrounded, unsuppressed counts; a figure a reader
 * may not see is replaced, at publication, by a GSS symbol: "c" confidential (disclosure control),
 * "x" not available, "z" not applicable. The same shapes serve indicators, ward tables, provider
 * measures and baselines, so a client reads a withheld figure the same way everywhere.
 */

/** The symbol standing in for a figure that is not shown. */
export type Withheld = "c" | "x" | "z";

/** A figure as published: the number, the symbol in its place, or null where there is none. */
export type Published = number | Withheld | null;

/** An estimate's value and both its intervals blanked with one symbol (they would give each other back). */
export const withheldEstimate = <S extends Withheld>(symbol: S) => ({value: symbol, lower95: symbol, upper95: symbol, lower998: symbol, upper998: symbol});
