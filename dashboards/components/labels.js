// Point labels that would print over one another (providers of similar size and rate on a funnel,
// more so at a phone's width) are placed apart before the chart is drawn. The one placement rule for
// every chart that labels its points; pure (pixels in, pixels out) so it is tested without a browser.

/** Width of a label in pixels, estimated from its characters (Plot's sans-serif runs about 0.62 em a character). */
export const labelWidth = (text, fontSize = 11) => String(text).length * fontSize * 0.62;

/**
 * Label positions that do not overlap. Each label is a box whose left edge is at `x` and whose
 * vertical centre starts at its point's `y` (pixels); `w` its width. A label that would touch one
 * already placed, or a fixed `obstacle` (another mark's text), moves a line down, then up, then two
 * down…, to the nearest clear place, kept inside [top, bottom]. Labels are placed from the top.
 * Returns, in the order given, each label with `labelY` (its new centre) and `moved` (whether it
 * left its point, so the chart can draw a leader line).
 */
export function placeLabels(labels, {top = -Infinity, bottom = Infinity, lineHeight = 13, obstacles = []} = {}) {
  const placed = obstacles.map((o) => ({x: o.x, w: o.w, y: o.y}));
  const clash = (x, w, y) => placed.some((p) => x < p.x + p.w && p.x < x + w && Math.abs(p.y - y) < lineHeight);
  const within = (y) => Math.max(top + lineHeight / 2, Math.min(bottom - lineHeight / 2, y));
  const result = new Map();
  const order = labels.map((l, i) => ({l, i})).sort((a, b) => a.l.y - b.l.y || a.l.x - b.l.x);
  for (const {l, i} of order) {
    let y = within(l.y);
    // Alternate below and above the point, one line further each time, until clear (or out of room).
    for (let k = 1; clash(l.x, l.w, y) && k < 80; k++) y = within(l.y + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * lineHeight);
    placed.push({x: l.x, w: l.w, y});
    result.set(i, {...l, labelY: y, moved: Math.abs(y - l.y) > 1});
  }
  return labels.map((_, i) => result.get(i));
}
