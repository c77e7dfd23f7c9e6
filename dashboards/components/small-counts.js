// Which counts the caller's disclosure policy shows as c: "1–5" by default, "1–9" where the council
// raised the threshold for the role (GET /api/me's `disclosure`, set by session.js when it answers).
// Kept apart from session.js so modules that only format text (export.js) load without a page.

let range = "1–5";

/** The range of counts shown as c, as "1–5"; the default until /api/me has answered. */
export const smallCounts = () => range;

/** Takes the caller's policy from /api/me and updates every legend already drawn. */
export function setSmallCounts(disclosure) {
  if (!disclosure?.suppressed || !Number.isInteger(disclosure.primaryMax)) return;
  range = `1–${disclosure.primaryMax}`;
  if (typeof document !== "undefined") for (const e of document.querySelectorAll(".small-counts")) e.textContent = range;
}

/** The range as a legend prints it: a span updated in place when /api/me answers, so a legend drawn before then still ends right. */
export function smallCountsSpan() {
  const span = document.createElement("span");
  span.className = "small-counts";
  span.textContent = range;
  return span;
}
