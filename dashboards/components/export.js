/* global ResizeObserver, XMLSerializer, Image, setTimeout */
// Every chart goes through chartCard: a heading, the chart (redrawn to the card's width), export
// buttons — PNG at 2× for slides, SVG, and the CSV of exactly the rows the chart drew — and a data
// table in a <details>, the chart's text alternative. Charts attach what they drew as `chart.drawn`
// (an array of flat rows) and may name its columns as `chart.columns` ([{key, label, format}]).
import {html} from "htl";
import {neutraliseCsvCell} from "./csv-cell.js";
import {smallCounts} from "./small-counts.js";

let serial = 0;

/**
 * @param render (width) => a Plot chart (SVG or figure) with .drawn rows
 * @param options {title, subtitle, filename, level (heading level, default 3), note, columns, source}
 */
export function chartCard(render, {title, subtitle = "", filename = "chart", level = 3, note = "", columns, source = "Curve", open = false, fixedWidth = null} = {}) {
  const id = `chart-${++serial}`;
  const holder = html`<div class="chart-body"></div>`;
  const tableHolder = html`<div class="table-scroll"></div>`;
  let current = null;
  let drawnWidth = 0;
  const draw = (width) => {
    const w = Math.max(280, Math.floor(width));
    if (current && Math.abs(w - drawnWidth) < 8) return;
    drawnWidth = w;
    const next = render(w);
    holder.replaceChildren(next);
    const first = current === null;
    current = next;
    if (first) tableHolder.replaceChildren(dataTable(current.drawn ?? [], columns ?? current.columns, title));
  };
  const heading = level === 2 ? html`<h2 id=${id}>${title}</h2>` : level === 4 ? html`<h4 id=${id}>${title}</h4>` : html`<h3 id=${id}>${title}</h3>`;
  const button = (label, what, handler) => {
    const b = html`<button type="button" class="export-button" aria-label=${`${what}: ${title}`}>${label}</button>`;
    b.onclick = () => handler().catch((e) => console.warn(`export failed: ${e.message}`));
    return b;
  };
  const meta = () => ({title, subtitle, note, source});
  const card = html`<figure class="chart-card" aria-labelledby=${id}>
    <div class="chart-head">${heading}<div class="chart-tools" role="group" aria-label=${`Download ${title}`}>
      ${button("PNG", "Download PNG image (2×)", async () => download(await toPng(current, meta()), `${filename}.png`))}
      ${button("SVG", "Download SVG image", async () => download(new Blob([toSvg(current, meta())], {type: "image/svg+xml"}), `${filename}.svg`))}
      ${button("CSV", "Download the data drawn as CSV", async () => download(new Blob([toCsv(current.drawn ?? [], columns ?? current.columns)], {type: "text/csv;charset=utf-8"}), `${filename}.csv`))}
    </div></div>
    ${subtitle ? html`<p class="chart-subtitle muted">${subtitle}</p>` : ""}
    ${holder}
    ${note ? html`<p class="chart-note muted small">${note}</p>` : ""}
    <details class="chart-table" open=${open}><summary>Data table: ${title}</summary>${tableHolder}</details>
  </figure>`;
  draw(fixedWidth ?? 640);
  if (!fixedWidth && typeof ResizeObserver !== "undefined") {
    const observer = new ResizeObserver(([entry]) => {
      const w = entry.contentRect.width;
      if (w > 0) draw(w);
    });
    observer.observe(holder);
  }
  return card;
}

/** The rows a chart drew, as an accessible table. */
export function dataTable(rows, columns, caption) {
  if (!rows.length) return html`<p class="muted">No data points are drawn.</p>`;
  const cols = columns ?? Object.keys(rows[0]).map((key) => ({key}));
  const cell = (c, r) => {
    const v = r[c.key];
    if (c.format) return c.format(v, r);
    if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-GB") : v.toLocaleString("en-GB", {maximumFractionDigits: 2});
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return v === null || v === undefined ? "" : String(v);
  };
  const isNum = (c) => c.num ?? rows.some((r) => typeof r[c.key] === "number");
  return html`<table class="data-table">${caption ? html`<caption class="visually-hidden">${caption}</caption>` : ""}
    <thead><tr>${cols.map((c) => html`<th scope="col" class=${isNum(c) ? "num" : ""}>${c.label ?? c.key}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr>${cols.map((c) => html`<td class=${isNum(c) ? "num" : ""}>${cell(c, r)}</td>`)}</tr>`)}</tbody>
  </table>`;
}

/**
 * Rows as CSV. With the chart's columns, a number is rounded to the precision its column shows
 * (45.2% stays 45.2, not 45.18571428571429) and the unrounded value follows in `<key>_unrounded`
 * for analysts who want it. GSS symbols (c, u, x) stay as text; formula-like text is neutralised (csv-cell.js).
 */
export function toCsv(rows, columns = null) {
  if (!rows.length) return "";
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const formats = new Map((columns ?? []).filter((c) => c.format).map((c) => [c.key, c.format]));
  const rounded = new Set(keys.filter((k) => formats.has(k) && rows.some((r) => typeof r[k] === "number" && Number.isFinite(r[k]))));
  // The number exactly as the column shows it, without grouping commas, units or a typographic minus.
  const cell = (k, r) => {
    const v = r[k];
    if (!rounded.has(k) || typeof v !== "number" || !Number.isFinite(v)) return v;
    const shown = /-?\d[\d,]*(\.\d+)?/.exec(String(formats.get(k)(v, r) ?? "").replace("−", "-"));
    return shown ? shown[0].replaceAll(",", "") : v;
  };
  const esc = (v) => {
    if (v === null || v === undefined) return "";
    const s = String(neutraliseCsvCell(v instanceof Date ? v.toISOString().slice(0, 10) : v));
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const header = keys.flatMap((k) => (rounded.has(k) ? [k, `${k}_unrounded`] : [k]));
  const line = (r) => keys.flatMap((k) => (rounded.has(k) ? [esc(cell(k, r)), esc(r[k])] : [esc(r[k])])).join(",");
  return [header.map(esc).join(","), ...rows.map(line)].join("\r\n") + "\r\n";
}

const XMLNS = "http://www.w3.org/2000/svg";
const FONT = 'Arial, "Helvetica Neue", Helvetica, system-ui, sans-serif';

function chartSvgs(chart) {
  if (!chart) return [];
  if (chart.tagName?.toLowerCase() === "svg") return [chart];
  return [...chart.querySelectorAll("svg")].filter((s) => !s.parentElement.closest("svg"));
}

const escapeXml = (s) => String(s).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** Wraps text to lines of at most `max` characters. */
function wrap(text, max) {
  const words = String(text).split(/\s+/);
  const lines = [];
  let line = "";
  for (const w of words) {
    if ((line + " " + w).trim().length > max && line) {
      lines.push(line);
      line = w;
    } else line = (line + " " + w).trim();
  }
  if (line) lines.push(line);
  return lines;
}

/** A standalone SVG: title, subtitle, the chart's SVG(s) stacked, caption and source. */
export function toSvg(chart, {title = "", subtitle = "", note = "", source = "Curve"} = {}) {
  const svgs = chartSvgs(chart);
  const width = Math.max(320, ...svgs.map((s) => Number(s.getAttribute("width")) || s.getBoundingClientRect().width || 640));
  const perLine = Math.max(40, Math.floor(width / 7.5));
  const parts = [];
  let y = 8;
  const text = (s, size, weight = 400, colour = "#0b0c0c") => {
    for (const line of wrap(s, Math.floor(perLine * 13 / size))) {
      y += size * 1.3;
      parts.push(`<text x="8" y="${y.toFixed(1)}" font-family='${FONT}' font-size="${size}" font-weight="${weight}" fill="${colour}">${escapeXml(line)}</text>`);
    }
  };
  if (title) text(title, 18, 700);
  if (subtitle) text(subtitle, 13, 400, "#484949");
  y += 8;
  for (const s of svgs) {
    const clone = s.cloneNode(true);
    const w = Number(s.getAttribute("width")) || s.getBoundingClientRect().width;
    const h = Number(s.getAttribute("height")) || s.getBoundingClientRect().height;
    clone.setAttribute("xmlns", XMLNS);
    clone.setAttribute("x", "0");
    clone.setAttribute("y", String(y));
    clone.setAttribute("width", String(w));
    clone.setAttribute("height", String(h));
    if (!clone.getAttribute("viewBox")) clone.setAttribute("viewBox", `0 0 ${w} ${h}`);
    clone.style.fontFamily = FONT;
    parts.push(new XMLSerializer().serializeToString(clone));
    y += h + 4;
  }
  const caption = chart?.querySelector?.("figcaption")?.textContent;
  if (caption) text(caption, 12, 400, "#484949");
  if (note) text(note, 12, 400, "#484949");
  text(`Source: ${source}. Exported ${new Date().toLocaleDateString("en-GB", {day: "numeric", month: "long", year: "numeric"})}. c = suppressed (${smallCounts()} children), u = low reliability.`, 11, 400, "#484949");
  y += 10;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="${XMLNS}" width="${width + 16}" height="${Math.ceil(y)}" viewBox="0 0 ${width + 16} ${Math.ceil(y)}" font-family='${FONT}'><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
}

/** The standalone SVG rasterised at twice its size (sharp on slides and projectors). */
export async function toPng(chart, meta, scale = 2) {
  const svg = toSvg(chart, meta);
  const w = Number(/width="([\d.]+)"/.exec(svg.slice(svg.indexOf("<svg")))[1]);
  const h = Number(/height="([\d.]+)"/.exec(svg.slice(svg.indexOf("<svg")))[1]);
  const url = URL.createObjectURL(new Blob([svg], {type: "image/svg+xml"}));
  try {
    const img = new Image();
    img.width = w;
    img.height = h;
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error("the chart could not be rasterised"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(w * scale);
    canvas.height = Math.ceil(h * scale);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, w, h);
    return await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A CSV download button for a table that is not a chart (the scorecard, lists). */
export function csvButton(rows, filename, label = "Download CSV") {
  const b = html`<button type="button" class="export-button">${label}</button>`;
  b.onclick = () => download(new Blob([toCsv(typeof rows === "function" ? rows() : rows)], {type: "text/csv;charset=utf-8"}), `${filename}.csv`);
  return b;
}
