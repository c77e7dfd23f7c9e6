/**
 * Statistical methods of the platform (formulas: the shared design/METHODS.md). Pure functions only.
 */
export * from "./distributions.js";
export * from "./intervals.js";
export * from "./benchmark.js";
export * from "./funnel.js";
export * from "./trend.js";
export * from "./inequality.js";
export * from "./suppress.js";
// SPC (xmr) and forecast exports are added below by the engineer who owns those modules.
// export {xmr} from "./spc.js";
// export {forecast} from "./forecast.js";
