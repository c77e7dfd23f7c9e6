/* global MutationObserver */
// On a phone a report card row is read as a stacked card, one cell a line (style.css, phone block).
// Each cell then needs its column's name beside it: copy the header's text into data-label, for
// every report-card table whenever one is drawn, so the tables themselves need not know.
export function labelColumns(table) {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr")) {
    let column = 0;
    for (const cell of row.children) {
      if (cell.tagName === "TD" && heads[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[column]);
      column += cell.colSpan || 1;
    }
  }
}

if (typeof MutationObserver !== "undefined" && typeof document !== "undefined") {
  const label = () => document.querySelectorAll("table.scorecard").forEach(labelColumns);
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});
  label();
}
