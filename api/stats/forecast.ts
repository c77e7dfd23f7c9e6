/**
 * Entry point of the forecast baselines; the implementation lives in ./forecast/ (see
 * ./forecast/index.ts for `forecast` and its rules).
 */
export * from "./forecast/index.js";
