// Point labels that would print over one another (providers of similar size and rate on a funnel,
// or any chart on a phone's width) are moved apart vertically after Plot has drawn them, each kept
// as near its point's height as the others allow.
const position = (t) => {
  const m = /translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)/.exec(t.getAttribute("transform") ?? "");
  return m ? {x: Number(m[1]), y: Number(m[2])} : {x: 0, y: 0};
};

/**
 * Moves apart the labels of the `move`-th text mark of a Plot chart, clear of each other and of the
 * labels of the `keep` marks (which stay put); measured in the chart's own units.
 */
export function separateLabels(svg, {move = 0, keep = [], gap = 1} = {}) {
  const groups = [...svg.querySelectorAll("g[data-mark='text'], g[aria-label='text']")];
  if (!groups[move]) return svg;
  const boxesOf = (group) => {
    const size = parseFloat(group.getAttribute("font-size") ?? "10");
    const anchor = group.getAttribute("text-anchor") ?? "start";
    const [gx, gy] = [position(group).x, position(group).y];
    return [...group.querySelectorAll("text")].map((t) => {
      const {x, y} = position(t);
      const w = (t.textContent?.length ?? 0) * size * 0.62;
      return {t, x: gx + (anchor === "end" ? x - w : anchor === "middle" ? x - w / 2 : x), y: gy + y, w, h: size + gap, gy, ox: x};
    });
  };
  const placed = keep.flatMap((i) => (groups[i] ? boxesOf(groups[i]) : []));
  for (const b of boxesOf(groups[move]).sort((a, c) => a.y - c.y)) {
    let y = b.y;
    // Step below every placed label it would touch, until it touches none.
    for (let moved = true; moved;) {
      moved = false;
      for (const p of placed) {
        if (b.x < p.x + p.w && p.x < b.x + b.w && y < p.y + p.h && p.y < y + b.h) {
          y = p.y + p.h;
          moved = true;
        }
      }
    }
    if (y !== b.y) b.t.setAttribute("transform", `translate(${b.ox},${y - b.gy})`);
    placed.push({...b, y});
  }
  return svg;
}
