// Side-by-side views: every measure in one table, so a strategy group or a commissioner reads the
// whole picture on one screen (and on one printed page). Components draw; the API decides every
// verdict (the gap's status, direction and judgement arrive from /api/target-wards/summary).
import {html} from "htl";
import {formatInterval, formatRatio, formatValue, unitLabel} from "./format.js";
import {gapBadge} from "./palette.js";

const rateOf = (area, unit) => html`<span class="latest">${formatValue(area?.rate?.value, unit)}</span>${area?.rate?.flag === "u" ? html`<sup title="low reliability"> u</sup>` : ""}
  ${formatInterval(area?.rate?.lower95, area?.rate?.upper95, unit) ? html`<div class="small muted">95% ${formatInterval(area.rate.lower95, area.rate.upper95, unit)}</div>` : ""}`;

/** The strategy group's report card: target wards and the rest of the borough, the gap and its trend, per measure. */
export function targetWardsReportCard(summary) {
  const rows = summary.indicators ?? [];
  return html`<div class="table-scroll printable" tabindex="0" role="region" aria-label="Target wards and the rest of the borough, side by side"><table class="scorecard side-by-side">
    <caption>Target wards and the rest of the borough, ${summary.period.label}: the gap (target ÷ rest) and whether it has changed since ${summary.since}</caption>
    <thead><tr><th scope="col">Measure</th><th scope="col" class="num">Target wards</th><th scope="col" class="num">Rest of borough</th>
      <th scope="col" class="num">Gap: ratio (95% CI)</th><th scope="col">Gap since ${summary.since}</th></tr></thead>
    <tbody>${rows.map((r) => {
      const unit = r.indicator.wardScale ?? r.indicator.catalogueUnit;
      const name = html`<th scope="row">${r.indicator.name}<div class="small muted">${unitLabel(unit)}</div></th>`;
      if (!r.available) return html`<tr>${name}<td colspan="4" class="muted">Not available: ${r.reason}</td></tr>`;
      const rr = r.rateRatio ?? {};
      return html`<tr>${name}
        <td class="num">${rateOf(r.targetWards, unit)}</td>
        <td class="num">${rateOf(r.rest, unit)}</td>
        <td class="num"><span class="latest">${typeof rr.value === "number" ? formatRatio(rr.value) : rr.value ?? "x"}</span>${typeof rr.lower95 === "number" ? html`<div class="small muted">${formatRatio(rr.lower95)} to ${typeof rr.upper95 === "number" ? formatRatio(rr.upper95) : "undefined"}</div>` : ""}</td>
        <td>${r.indicator.discontinued && r.period > r.indicator.discontinued.after
          ? html`<span class="badge neutral"><span aria-hidden="true">■</span> Discontinued after ${r.indicator.discontinued.after}</span>${r.indicator.discontinued.successor ? html`<div class="small">Replaced by ${r.indicator.discontinued.successor.name}.</div>` : ""}`
          : html`${gapBadge(r.gap)}<div class="small">${(r.gap?.headline ?? "").replace(/^[^:]+: (\w)/, (_, c) => c.toUpperCase())}</div>`}</td>
      </tr>`;
    })}</tbody>
  </table></div>`;
}

/** The commissioner's view: every provider on one screen, by OBA quadrant (from /api/providers/quadrants). */
export function providerQuadrantTable(table) {
  const byId = new Map(table.measures.map((m) => [m.id, m]));
  const quadrants = table.quadrants.filter((q) => q.measures.length);
  return html`<div class="table-scroll printable" tabindex="0" role="region" aria-label="Every provider by quadrant"><table class="scorecard side-by-side quadrant-table">
    <caption>Every provider, ${table.period.label}: how much did they do, how well did they do it, and is anyone better off?</caption>
    <thead>
      <tr><td></td>${quadrants.map((q) => html`<th scope="colgroup" colspan=${q.measures.length}>${q.question}</th>`)}</tr>
      <tr><th scope="col">Provider</th>${quadrants.flatMap((q) => q.measures.map((id) => html`<th scope="col" class="num">${byId.get(id)?.name ?? id}<div class="small muted">${unitLabel(byId.get(id)?.unit)}</div></th>`))}</tr>
    </thead>
    <tbody>${table.providers.map((p) => html`<tr><th scope="row">${p.name}</th>${quadrants.flatMap((q) => q.measures.map((id) => {
      const v = p.values[id];
      const unit = byId.get(id)?.unit;
      return html`<td class="num">${v ? formatValue(v.value, unit) : "x"}${v?.flag === "u" ? html`<sup title="low reliability"> u</sup>` : ""}</td>`;
    }))}</tr>`)}</tbody>
  </table></div>`;
}

/** A print button: the side-by-side tables are laid out to fit a printed page (see style.css, @media print). */
export function printButton(label = "Print this table") {
  const button = html`<button type="button" class="print-button">${label}</button>`;
  button.onclick = () => window.print();
  return button;
}
