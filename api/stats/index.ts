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
export {xmr} from "./spc.js";
export type {AssuranceType, ImprovementDirection, PointType, SpecialCauseRule, XmrGroup, XmrOptions, XmrPoint, XmrResult} from "./spc.js";
export * from "./forecast.js";
