// Data-quality findings arrive on each point from the API (qualityNotes); a page shows each finding
// once, with the periods it touches, beside the figure and in the chart's exports.

/** [{finding, periods}] from published points, in the order the periods come. */
export function qualityNotesOf(points) {
  const byFinding = new Map();
  for (const p of points) {
    for (const finding of p.qualityNotes ?? []) {
      if (!byFinding.has(finding)) byFinding.set(finding, []);
      const periods = byFinding.get(finding);
      if (!periods.includes(p.period)) periods.push(p.period);
    }
  }
  return [...byFinding].map(([finding, periods]) => ({finding, periods}));
}
