import type {Excess, Estimate, Ratio} from "./ward-table.js";
import {LOW_RELIABILITY_BELOW} from "./disclosure.js";
import {withheldEstimate, type Published} from "../oba/publish.js";

/**
 * Published shapes: numbers unrounded (rounding happens only where a figure is read out in words),
 * GSS symbols for what is not shown — "c" confidential, "z" not applicable, "u" low reliability.
 */

export interface PublishedEstimate {
  value: Published;
  lower95: Published;
  upper95: Published;
  lower998: Published;
  upper998: Published;
  method: string | null;
  flag: "c" | "z" | "u" | null;
}

export function publishEstimate(e: Estimate, hidden: boolean, events: number): PublishedEstimate {
  // No method either: exact (under 10 events) or Byar would bound the hidden count.
  if (hidden) return {...withheldEstimate("c"), method: null, flag: "c"};
  if (e.value === null) return {...withheldEstimate("z"), method: null, flag: "z"};
  return {
    value: e.value, lower95: e.ci95?.lower ?? null, upper95: e.ci95?.upper ?? null, lower998: e.ci998?.lower ?? null, upper998: e.ci998?.upper ?? null,
    method: e.method, flag: events < LOW_RELIABILITY_BELOW ? "u" : null
  };
}

export interface PublishedRatio {
  observed: Published;
  expected: number | "c" | null;
  value: Published;
  lower95: Published;
  upper95: Published;
  lower998: Published;
  upper998: Published;
  method: string | null;
}

/** `hideExpected`: the expected count is built on a hidden count too (the comparator's rate). */
export function publishRatio(r: Ratio | null, hidden: boolean, hideExpected = false): PublishedRatio {
  if (!r) return {observed: null, expected: null, ...withheldEstimate("z"), method: null};
  if (hidden) return {observed: "c", expected: hideExpected ? "c" : r.expected, ...withheldEstimate("c"), method: null};
  return {observed: r.observed, expected: r.expected, value: r.value, lower95: r.ci95.lower, upper95: r.ci95.upper, lower998: r.ci998.lower, upper998: r.ci998.upper, method: r.ci95.method};
}

export function publishExcess(e: Excess | null, hidden: boolean): {value: Published; lower95: Published; upper95: Published} {
  if (!e) return {value: "z", lower95: "z", upper95: "z"};
  if (hidden) return {value: "c", lower95: "c", upper95: "c"};
  return {value: e.value, lower95: e.lower95, upper95: e.upper95};
}

/** A percentage for reading out (one decimal place). */
export const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
export const round = (v: number, d = 2) => v.toFixed(d);
