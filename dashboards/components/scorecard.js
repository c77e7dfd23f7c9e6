// The OBA report card: one row per indicator or performance measure, every judgement made by the API
// (trend, verdict against the frozen baseline, SPC icons, target status, benchmark comparison) and
// shown with a word and a shape as well as a colour.
import {html} from "htl";
import {badge, trendBadge, variationIcon, assuranceIcon} from "./palette.js";
import {formatChange, formatInterval, formatValue, humanise, unitLabel} from "./format.js";
import {sparkline} from "./sparkline.js";

const COMPARATOR = {england: "England", "statistical-neighbours": "Statistical neighbours"};

/** The latest change's direction and how many periods in a row it has moved that way (from the published values). */
export function runOf(points) {
  const values = points.map((p) => (typeof p.value === "number" ? p.value : null));
  let dir = 0;
  let run = 0;
  for (let i = values.length - 1; i > 0; i--) {
    if (values[i] === null || values[i - 1] === null) break;
    const d = Math.sign(values[i] - values[i - 1]);
    if (d === 0) break;
    if (dir === 0) dir = d;
    if (d !== dir) break;
    run++;
  }
  return {direction: dir > 0 ? "up" : dir < 0 ? "down" : "flat", run};
}

function trendCell(m, points) {
  const t = m.trend ?? {};
  const {direction, run} = runOf(points ?? []);
  const arrow = direction === "up" ? "↗" : direction === "down" ? "↘" : "→";
  const runText = run ? `${direction === "up" ? "up" : "down"} ${run} period${run > 1 ? "s" : ""} running` : "no run";
  return html`<td>
    ${trendBadge(t)}
    <div class="small muted"><span aria-hidden="true">${arrow}</span> ${runText}</div>
  </td>`;
}

function baselineCell(m, explorerHref) {
  const b = m.baseline;
  const target = targetLine(m);
  if (!b) return html`<td><span class="muted small">No frozen baseline</span> <a class="small" href=${explorerHref}>freeze one</a>${target}</td>`;
  const judgement = b.verdict === "turned" || b.verdict === "accelerated" ? "better" : "similar";
  return html`<td>${badge(b.verdict === "turned" ? "Turned the curve" : b.verdict === "accelerated" ? "Accelerated" : humanise(b.verdict), judgement, {title: b.reason})}
    <div class="small muted">against “${b.name}”</div>${target}</td>`;
}

function targetLine(m) {
  const t = m.target ?? {status: "no target"};
  if (t.status === "no target") return t.period ? html`<div class="small muted">Target set for ${t.period}</div>` : "";
  return html`<div class="small">Target ${t.value !== null ? formatValue(t.value, m.unit) : ""}${t.period ? ` (${t.period})` : ""}: ${badge(t.status === "met" ? "met" : t.status === "not met" ? "not met" : "not assessed", t.status === "not assessed" ? "similar" : t.status)}</div>`;
}

function benchmarkLine(m, comparator) {
  const b = (m.benchmarks ?? []).find((x) => x.comparator === comparator);
  const name = comparator === "england" ? "England" : "Stat. neighbours";
  if (!b) return html`<div class="small muted">${name}: x</div>`;
  const word = b.comparison === "not-compared" ? "not compared" : b.comparison;
  const j = b.comparison === "better" || b.comparison === "worse" || b.comparison === "higher" || b.comparison === "lower" ? b.comparison : "similar";
  return html`<div class="bench"><span class="small">${name} ${formatValue(b.value, m.unit)}</span> ${badge(word, j, {title: `${COMPARATOR[comparator]}: ${m.geography?.name ?? "this place"}'s 95% interval compared with the benchmark's value`})}</div>`;
}

/**
 * @param measures the scorecard's measures (one result or programme)
 * @param seriesById Map indicator id → series points (for the sparkline and run length)
 * @param hrefOf (measure) → the explorer link
 */
export function scorecardTable(measures, {seriesById = new Map(), hrefOf = () => "#", caption = "", quadrants = false} = {}) {
  return html`<div class="table-scroll"><table class="scorecard">
    ${caption ? html`<caption>${caption}</caption>` : ""}
    <thead><tr>
      ${quadrants ? html`<th scope="col">Quadrant</th>` : ""}
      <th scope="col">Indicator</th><th scope="col">History</th><th scope="col" class="num">Latest</th><th scope="col">Trend</th>
      <th scope="col">Baseline and target</th><th scope="col">SPC</th>
      <th scope="col">Benchmarks</th>
    </tr></thead>
    <tbody>${measures.map((m) => {
      const points = seriesById.get(m.indicator);
      const href = hrefOf(m);
      const name = html`<th scope="row"><a href=${href}>${m.label ?? m.name}</a><div class="small muted">${unitLabel(m.unit)}${m.tier ? ` · ${m.tier}` : ""}</div></th>`;
      const quadrant = quadrants ? html`<td>${m.quadrant === "how-much" ? "How much did we do?" : m.quadrant === "how-well" ? "How well did we do it?" : m.quadrant === "better-off" ? "Is anyone better off?" : ""}</td>` : "";
      if (!m.available) return html`<tr>${quadrant}${name}<td colspan="6" class="muted">Not available: ${m.reason}</td></tr>`;
      if (m.status === "discontinued") {
        const d = m.discontinued;
        const successorHref = d.successor ? hrefOf({...m, indicator: d.successor.id}) : null;
        return html`<tr class="discontinued">${quadrant}${name}
          <td class="num" colspan="2"><span class="latest">${formatValue(m.latest?.value, m.unit)}</span><div class="small muted">${m.latest?.period}, its last year</div></td>
          <td colspan="4"><span class="badge neutral"><span aria-hidden="true">■</span> Discontinued after ${d.after}</span>
            ${d.successor ? html`<div>Replaced by <a href=${successorHref}>${d.successor.name}</a>.</div>` : ""}
            <div class="small muted">${d.reason}</div></td>
        </tr>`;
      }
      const l = m.latest;
      const interval = formatInterval(l.lower95, l.upper95, m.unit);
      return html`<tr>
        ${quadrant}${name}
        <td>${points ? sparkline(points, {unit: m.unit, name: m.name}) : html`<span class="muted small">loading…</span>`}</td>
        <td class="num"><span class="latest">${formatValue(l.value, m.unit)}</span>${l.flag === "u" ? html`<sup title="low reliability"> u</sup>` : ""}
          <div class="small muted">${l.period}</div>${interval ? html`<div class="small muted">95% ${interval}</div>` : ""}
          ${m.change !== null && m.change !== undefined ? html`<div class="small muted">${formatChange(m.change, m.unit)} on ${m.previous?.period ?? "previous"}</div>` : ""}
          ${(l.qualityNotes ?? []).map((q) => html`<details class="small quality-note"><summary>Data-quality note</summary>${q}</details>`)}</td>
        ${trendCell(m, points)}
        ${baselineCell(m, href)}
        <td class="spc-cell">${m.spc ? html`${variationIcon(m.spc.variationIcon, m.polarity, {trial: m.spc.trial})}${m.spc.assuranceIcon ? assuranceIcon(m.spc.assuranceIcon) : ""}` : "x"}</td>
        <td>${benchmarkLine(m, "england")}${benchmarkLine(m, "statistical-neighbours")}</td>
      </tr>`;
    })}</tbody>
  </table></div>`;
}

/**
 * The OBA data development agenda of a result: measures the strategy committed to that have no data
 * yet, each with the source that would feed it, so a report card never silently leaves one out.
 */
export function agendaTable(items, {caption = ""} = {}) {
  return html`<div class="table-scroll"><table class="scorecard agenda">
    ${caption ? html`<caption>${caption}</caption>` : ""}
    <thead><tr><th scope="col">Measure</th><th scope="col">Status</th><th scope="col">Data that would feed it</th></tr></thead>
    <tbody>${items.map((a) => html`<tr>
      <th scope="row">${a.name}<div class="small muted">${a.definition}</div></th>
      <td><span class="badge neutral">Data development agenda</span><div class="small muted">no data yet</div></td>
      <td class="small">${a.wouldBeFedBy}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** The flat rows behind the report card (its CSV). */
export function scorecardRows(card) {
  const rows = [];
  const add = (group, m) => rows.push({
    scorecard: card.id, geography: card.geography?.name ?? card.geography?.type, group, indicator: m.indicator, name: m.label ?? m.name, unit: m.unit,
    period: m.latest?.period ?? null, value: m.latest?.value ?? null, lower95: m.latest?.lower95 ?? null, upper95: m.latest?.upper95 ?? null, flag: m.latest?.flag ?? null,
    trend: m.trend?.marker ?? null, trend_judgement: m.trend?.judgement ?? null, baseline: m.baseline?.name ?? null, verdict: m.baseline?.verdict ?? null,
    variation: m.spc?.variationIcon ?? null, assurance: m.spc?.assuranceIcon ?? null, target: m.target?.value ?? null, target_status: m.target?.status ?? null,
    england: m.benchmarks?.find((b) => b.comparator === "england")?.value ?? null, england_comparison: m.benchmarks?.find((b) => b.comparator === "england")?.comparison ?? null,
    statistical_neighbours: m.benchmarks?.find((b) => b.comparator === "statistical-neighbours")?.value ?? null,
    statistical_neighbours_comparison: m.benchmarks?.find((b) => b.comparator === "statistical-neighbours")?.comparison ?? null,
    available: m.available, reason: m.reason ?? (m.status === "discontinued" ? `discontinued after ${m.discontinued.after}${m.discontinued.successor ? `; replaced by ${m.discontinued.successor.id}` : ""}` : null), quality_notes: (m.latest?.qualityNotes ?? []).join(" ")
  });
  for (const r of card.results) for (const m of r.measures) add(r.name, m);
  for (const r of card.results) {
    for (const a of r.agenda ?? []) rows.push({scorecard: card.id, geography: card.geography?.name ?? card.geography?.type, group: r.name, indicator: a.id, name: a.name, unit: a.unit, available: false, reason: a.reason});
  }
  for (const p of card.programmes) for (const m of p.measures) add(p.name, m);
  return rows;
}
