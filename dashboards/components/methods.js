// Plain-English names and explanations of the statistical methods the API uses. The list of forecast
// methods itself comes from the API's OpenAPI document (so a new method shows up here as soon as the
// API offers it); these words explain the ones we know.
export const FORECAST_METHODS = {
  auto: ["Automatic (recommended)", "Tries the candidate methods on the series' own past (rolling-origin backtest) and combines or chooses by out-of-sample accuracy (MASE), then says which and why."],
  naive: ["Naive (no change)", "The next values equal the last one: where we are headed if nothing changes at all."],
  drift: ["Drift", "A straight line from the first to the last point, carried forward."],
  linear: ["Linear trend", "An ordinary least-squares line through the history, with a prediction interval."],
  ses: ["Simple exponential smoothing", "A weighted average that gives recent points more weight; flat forecast."],
  holt: ["Holt's linear trend", "Exponential smoothing of the level and the trend."],
  damped: ["Damped trend", "Holt's trend, flattening out over the horizon (ETS(A,Ad,N), damping 0.8–0.98)."],
  theta: ["Theta", "Simple exponential smoothing with half the long-run trend added; strong on short yearly series (M3 competition)."],
  comb: ["Comb (SES + Holt + damped)", "The average of three exponential-smoothing forecasts; combinations are usually the most accurate."]
};

export function methodName(id) {
  return FORECAST_METHODS[id]?.[0] ?? String(id).replaceAll("-", " ");
}

/** Statistical methods, in plain English (from docs METHODS.md, which the API implements). */
export const STATISTICAL_METHODS = [
  {id: "intervals", name: "Confidence intervals", text: "Every value carries a 95% (and 99.8%) interval: the range the true value probably lies in, given that the figure is based on a limited number of children. Percentages use the Wilson score method; rates and counts use exact Poisson limits below 10 events and Byar's approximation from 10. A negative lower limit is shown as undefined, never as zero."},
  {id: "benchmark", name: "Comparing with England and statistical neighbours", text: "A place is better or worse than a benchmark only when its whole 95% interval lies on one side of the benchmark's value (the Fingertips rule); otherwise it is similar. The indicator's polarity (whether high is good, low is good, or no judgement) turns higher and lower into better and worse."},
  {id: "trend", name: "Recent trend", text: "The Fingertips test on the last five points: a weighted regression of value on time, significant when the chi-squared statistic exceeds 9.55 (99.8%) and the slope keeps its sign when each point is left out in turn. Reported as increasing, decreasing or no significant change, and as better or worse by polarity."},
  {id: "spc", name: "Statistical process control (XmR)", text: "NHS Making Data Count: a mean and process limits at ±2.66 times the average moving range. A special cause is a point outside the limits, a run of 7 rising or falling points, 2 of 3 points near a limit, or 7 points on one side of the mean. Variation icons show the latest point's type; assurance icons say whether the process will reliably meet its target. With fewer than 12 points the limits are trial limits."},
  {id: "forecast", name: "Baseline forecasts", text: "The baseline is where we are headed if we do nothing different: the history and a forecast with 80% and 95% bands. Counts are modelled so forecasts cannot go below zero and percentages stay between 0 and 100. Intervals are checked against the series' own past and widened when they would have been too narrow. Fewer than 5 points: no statistical forecast; 5 to 7: allowed, with a warning. A forecast is not a target."},
  {id: "turned", name: "Turning the curve", text: "A frozen baseline keeps the forecast made at the time. Each later actual is better than forecast (outside the 80% band on the good side), within expectation, or worse. The curve is turned when the latest actuals are better than forecast for the sustained period (two periods by default), and accelerated when a baseline already heading the right way is beaten."},
  {id: "drivers", name: "What drove the change", text: "The change between two periods is split by a breakdown (age, category, ward …). For a count each group contributes its own change; for a rate or percentage each group contributes its change in share of the total, which adds up exactly to the total change, and where groups have their own denominators the contribution is split into a within-group effect and a mix effect (shift-share)."},
  {id: "disclosure", name: "Disclosure control", text: "Small counts (1 to 5 by default; the council can raise the threshold, and round counts, for each audience) are shown as c, and any figure that would let a suppressed count be worked out by subtraction is suppressed too. A rate on a suppressed count is suppressed; rates on fewer than 10 events are flagged u (low reliability). Statistics are computed on the unrounded data, or on the rounded counts for an audience whose counts are rounded; only published figures are suppressed."},
  {id: "targeting", name: "Ward targeting", text: "Each ward's rate is compared with the borough's as a ratio of observed to expected cases, with exact or Byar intervals and funnel-plot significance. Ranks come with 95% rank intervals from simulation, so a ward is only called top five when its whole rank interval is. The concentration curve shows what share of cases the wards hold against their share of children."},
  {id: "providers", name: "Comparing providers fairly", text: "Providers are compared on funnel plots around the pooled average with 95% and 99.8% limits that widen for small caseloads. Case-mix adjustment compares each provider's observed outcomes with those expected from its own mix of families (indirect standardisation). Value for money is the cost per family better off, with an interval."}
];
