/* global MutationObserver */
// One colour-blind-safe palette for every chart and badge. Better/worse are blue/orange-red (told
// apart by people with red-green colour blindness), and never carry meaning alone: each comes with a
// word and a shape. Every colour here has at least 3:1 contrast on white (WCAG 1.4.11).
import {html} from "htl";
import {smallCountsSpan} from "./small-counts.js";

export const COLOURS = {
  ink: "#0b0c0c",
  muted: "#505a5f",
  faint: "#b1b4b6",
  better: "#1d70b8",
  worse: "#c2410c",
  similar: "#505a5f",
  forecast: "#6f3ca1",
  frozen: ["#8a5a00", "#007a78", "#a4286a", "#3d5a80"],
  target: "#00703c",
  annotation: "#6f777b",
  target5: "#1d70b8",
  rest: "#505a5f"
};

/** Okabe–Ito, darkened where needed for 3:1 on white: categorical series (breakdowns, providers). */
export const CATEGORICAL = ["#0072b2", "#c25400", "#007a5e", "#b0508f", "#8a6d00", "#3a7fb8", "#000000", "#6f3ca1"];

/** Polarity-aware colour for a judgement word. */
export function judgementColour(j) {
  return j === "better" || j === "met" || j === "turned" || j === "accelerated" || j === "improvement" ? COLOURS.better
    : j === "worse" || j === "not met" || j === "concern" ? COLOURS.worse : COLOURS.similar;
}

const SHAPES = {better: "▲", worse: "▼", similar: "●", within: "●", above: "▲", below: "▼", higher: "▲", lower: "▼"};

/** A badge: shape + word, coloured by judgement (colour is never the only cue). */
export function badge(word, judgement = word, {title} = {}) {
  const cls = judgement === "better" || judgement === "met" || judgement === "turned" || judgement === "accelerated" ? "better"
    : judgement === "worse" || judgement === "not met" ? "worse" : "neutral";
  const shape = cls === "better" ? "▲" : cls === "worse" ? "▼" : "●";
  return html`<span class="badge ${cls}" title=${title ?? ""}><span aria-hidden="true">${SHAPES[judgement] ?? shape}</span> ${word}</span>`;
}

/**
 * Fingertips separates what happened from whether it is good: the arrow is the direction (▲ up,
 * ▼ down, ● no significant change), the colour and the word are the judgement by polarity. So
 * "▼ Decreasing, getting better" (blue) and "▼ Decreasing, getting worse" (orange) never share a look.
 */
export function directionBadge(direction, judgement, word, {title} = {}) {
  const arrow = direction === "up" || direction === "increasing" ? "▲" : direction === "down" || direction === "decreasing" ? "▼" : "●";
  const cls = judgement === "better" ? "better" : judgement === "worse" ? "worse" : "neutral";
  const judged = judgement === "better" ? ", getting better" : judgement === "worse" ? ", getting worse" : "";
  return html`<span class="badge ${cls}" title=${title ?? ""}><span aria-hidden="true">${arrow}</span> ${word}${judged}</span>`;
}

/** A Fingertips recent-trend marker with its judgement (no judgement: direction only, in grey). */
export function trendBadge(trend, {title} = {}) {
  const marker = trend?.marker ?? "cannot-be-calculated";
  const word = marker === "increasing" ? "Increasing" : marker === "decreasing" ? "Decreasing" : marker === "no-change" ? "No significant change" : "Cannot be calculated";
  return directionBadge(marker, trend?.judgement ?? null, word, {title: title ?? trend?.reason ?? (trend?.pointsUsed ? `Fingertips recent trend on the last ${trend.pointsUsed} points` : "")});
}

/** The gap's verdict: the arrow is the ratio's direction, colour and word its judgement by polarity. */
export function gapBadge(gap) {
  const word = gap?.status === "no significant change" ? "No significant change in the gap" : gap?.status === "no clear gap before" ? "No clear gap before" : gap?.status === "cannot be assessed" || !gap ? "Gap cannot be assessed" : `Gap ${gap.status}`;
  return directionBadge(gap?.direction ?? null, gap?.judgement ?? null, word, {title: gap?.reason ?? ""});
}

/** Labels for codes the API returns as they are stored (CIN and SSDA903 codes, slugs). */
const CODE_LABELS = {
  // Child protection categories of abuse
  NEG: "Neglect", EMO: "Emotional abuse", PHY: "Physical abuse", SAB: "Sexual abuse", MUL: "Multiple categories",
  // Referral sources (CIN census)
  "1A": "Family", "1B": "Individual", "2A": "School", "2B": "Education services", "3A": "GP", "3B": "Health visitor",
  "3C": "School nurse", "3D": "Other primary health", "3E": "A&E", "3F": "Other health", "4": "Housing", "5A": "LA social care",
  "5B": "Other internal", "5C": "External LA", "5D": "Early help", "6": "Police", "7": "Other legal agency", "8": "Other", "9": "Anonymous", "10": "Unknown",
  // Sex (CIN/SSDA903 codes)
  M: "Male", F: "Female", U: "Unknown",
  // Referral outcomes and provider / programme slugs as stored
  nfa: "No further action", initial_assessment: "Initial assessment", single_assessment: "Single assessment", early_help: "Early help", signposted: "Signposted",
  dapp: "Domestic abuse perpetrator programme", "beds-dapp": "Bedfordshire domestic abuse perpetrator programme"
};

/** A breakdown group as a reader says it. */
export function groupLabel(breakdown, group) {
  if (group === null || group === undefined) return "";
  const g = String(group);
  if (breakdown === "sex" && (g === "1" || g === "2")) return g === "1" ? "Male" : "Female";
  if (breakdown === "plan_order") return g === "first" ? "First plan" : g === "subsequent" ? "Subsequent plan" : g;
  if (CODE_LABELS[g] && breakdown !== "age") return CODE_LABELS[g];
  // Ward slugs read as ward names: "high-town" → "High Town".
  if (breakdown === "ward") return g.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
  return g.includes("-") || g.includes("_") ? g.replaceAll(/[_-]+/g, " ").replace(/^\w/, (c) => c.toUpperCase()) : g.charAt(0).toUpperCase() + g.slice(1);
}

/** Making Data Count variation icon: a circle, letter and word (H/L for a special cause high or low). */
export function variationIcon(type, polarity, {trial = false} = {}) {
  if (!type) return html`<span class="muted">x</span>`;
  const improving = type === "special_cause_improvement";
  const concern = type === "special_cause_concern";
  // Improvement on a low-is-good measure is a low special cause, and so on.
  const high = type === "special_cause_neutral_high" || (improving && polarity === "high-is-good") || (concern && polarity === "low-is-good");
  const letter = type === "common_cause" ? "~" : high ? "H" : "L";
  const colour = improving ? COLOURS.better : concern ? COLOURS.worse : COLOURS.muted;
  const word = type === "common_cause" ? "common cause" : improving ? `improvement (${high ? "high" : "low"})`
    : concern ? `concern (${high ? "high" : "low"})` : `special cause (${high ? "high" : "low"})`;
  return html`<span class="spc-icon" title=${`${word}${trial ? " — trial limits" : ""}`}><svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true"><circle cx="11" cy="11" r="9.5" fill="white" stroke=${colour} stroke-width="2.5"></circle><text x="11" y="15" text-anchor="middle" font-size="11" font-weight="700" fill=${colour}>${letter}</text></svg><span class="spc-word">${word}${trial ? " (trial)" : ""}</span></span>`;
}

/** Making Data Count assurance icon: P (consistently passing), F (failing), ? (hit and miss). */
export function assuranceIcon(type) {
  if (!type) return html`<span class="spc-icon muted small" title="no assurance icon without a target and a good direction">no target to assure</span>`;
  const letter = type === "consistent_pass" ? "P" : type === "consistent_fail" ? "F" : "?";
  const colour = type === "consistent_pass" ? COLOURS.better : type === "consistent_fail" ? COLOURS.worse : COLOURS.muted;
  const word = type === "consistent_pass" ? "consistently meets target" : type === "consistent_fail" ? "consistently misses target" : "hit and miss on target";
  return html`<span class="spc-icon" title=${word}><svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true"><rect x="1.5" y="1.5" width="19" height="19" rx="3" fill="white" stroke=${colour} stroke-width="2.5"></rect><text x="11" y="15" text-anchor="middle" font-size="11" font-weight="700" fill=${colour}>${letter}</text></svg><span class="spc-word">${word}</span></span>`;
}

/** The legend every page with figures shows: GSS symbols and the shapes of judgements. */
export function symbolsLegend() {
  return html`<p class="legend muted small"><span><b>c</b> confidential (${smallCountsSpan()} children, or would reveal one)</span> · <span><b>u</b> low reliability (fewer than 10 events)</span> · <span><b>x</b> not available</span> · <span><b>z</b> not applicable</span> · <span><b>(trial)</b> SPC limits from fewer than 12 points: provisional</span> · <span>${badge("better", "better")} <span class="visually-hidden">or</span> ${badge("worse", "worse")} ${badge("similar", "similar")} judged against the interval, with the indicator's polarity</span></p>`;
}

/**
 * Plot labels each mark's <g> with aria-label, which WCAG checkers reject on an element without a
 * role. The chart (role="img", with its own label and the data table beside it) is what assistive
 * technology reads, so the marks' names move to data-mark (where tests find them).
 */
export function accessible(chart) {
  const svgs = chart.tagName?.toLowerCase() === "svg" ? [chart] : [...chart.querySelectorAll("svg")];
  for (const svg of svgs) {
    svg.setAttribute("role", "img");
    for (const g of svg.querySelectorAll("g[aria-label]")) {
      g.setAttribute("data-mark", g.getAttribute("aria-label"));
      g.removeAttribute("aria-label");
    }
    for (const g of svg.querySelectorAll("[aria-description]")) g.removeAttribute("aria-description");
    // Plot redraws its tip mark on pointer moves: rename what it adds, too.
    if (typeof MutationObserver !== "undefined") {
      new MutationObserver(() => {
        for (const g of svg.querySelectorAll("g[aria-label]")) {
          g.setAttribute("data-mark", g.getAttribute("aria-label"));
          g.removeAttribute("aria-label");
        }
      }).observe(svg, {childList: true, subtree: true});
    }
  }
  return chart;
}
