// A count the council has already published (data/reference/published-figures.json) is shown to
// suppressed roles with its number even where disclosure control would print c; the API marks such a
// point `published: {by: "council", sources}`. A page says so once per source, with its periods.

/** [{source, periods}] from published points, in the order the periods come. */
export function councilPublishedOf(points) {
  const bySource = new Map();
  for (const p of points) {
    for (const source of p.published?.sources ?? []) {
      if (!bySource.has(source)) bySource.set(source, []);
      const periods = bySource.get(source);
      if (!periods.includes(p.period)) periods.push(p.period);
    }
  }
  return [...bySource].map(([source, periods]) => ({source, periods}));
}
