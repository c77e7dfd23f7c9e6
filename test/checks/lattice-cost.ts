/**
 * What the disclosure plans cost on a warehouse (the figures in api/oba/disclosure.ts's header and
 * docs/methods/disclosure.md "Cost"): every plan a request can ask for — each count definition of the
 * catalogue and the ward-targeting measures, without a breakdown and by each breakdown — built one
 * after another from an empty cache, with the cells, sums and time of each distinct plan.
 *
 *   npx tsx test/checks/lattice-cost.ts <warehouse dir> [la code …] [--indicator <id> …]   (e.g. a demo world's warehouse, 821)
 *
 * `--indicator` (repeatable) builds only those indicators' plans (and the plans they rest on), a few
 * minutes instead of half an hour. Every plan that leaves primary counts unprotected is listed.
 */
import {AppCache, CachedReader} from "../../api/appcache.js";
import {Warehouse} from "../../api/warehouse.js";
import {referenceFromEnv} from "../../api/reference.js";
import {denominatorDefinition, lattice, numeratorDefinition, type Lattice} from "../../api/oba/disclosure.js";

// Solving is what is measured: plans kept on disk by an earlier run (api/plan-store.ts) are not read.
process.env.CURVE_PLAN_STORE = "off";
const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (args[i - 1] === "--indicator" ? [a] : []));
const [dir, ...laArgs] = args.filter((a, i) => a !== "--indicator" && args[i - 1] !== "--indicator");
if (!dir) throw new Error("usage: tsx test/checks/lattice-cost.ts <warehouse dir> [la code …] [--indicator <id> …]");
const warehouse = new Warehouse(dir);
// A cache of its own: every plan is built here, none is found already made.
const db = new CachedReader(warehouse, new AppCache(), referenceFromEnv());
const everyIndicator = db.reference.counts.publishers;
const indicators = only.length ? everyIndicator.filter((i) => only.includes(i.id)) : everyIndicator;
const unknown = only.filter((id) => !everyIndicator.some((i) => i.id === id));
if (unknown.length) throw new Error(`no such indicator: ${unknown.join(", ")}`);
const las = laArgs.length ? laArgs : (await db.query<{la_code: string}>(`SELECT DISTINCT la_code FROM ref_wards ORDER BY la_code`)).map((r) => r.la_code);
const t0 = performance.now();
const built = new Map<string, Lattice>();
for (const la of las) {
  for (const ind of indicators) {
    for (const def of [numeratorDefinition(ind, la), denominatorDefinition(ind, la)]) {
      if (!def) continue;
      for (const b of [undefined, ...Object.values(ind.breakdowns)]) {
        const l = await lattice(db, def, b);
        // Slices of a linked definition and ward/area breakdowns reuse another plan.
        if (l.stats.linkedTo || l.family) continue;
        built.set(`${l.stats.definition}|${l.stats.breakdown}`, l);
      }
    }
  }
}
const all = [...built.values()];
const sum = (f: (l: Lattice) => number) => all.reduce((a, l) => a + f(l), 0);
const largest = all.reduce((a, l) => (l.stats.cells > a.stats.cells ? l : a));
console.log(`${all.length} plans (${all.filter((l) => l.stats.breakdown === "none").length} without a breakdown): ${sum((l) => l.stats.cells)} cells, ${sum((l) => l.stats.groups)} sums, `
  + `${sum((l) => l.stats.primary)} primary and ${sum((l) => l.stats.secondary)} secondary cells, ${sum((l) => l.stats.unprotected.length)} unprotected, `
  + `${sum((l) => l.stats.withheld ?? 0)} breakdown blocks withheld (${sum((l) => l.withheld.size ? [...l.hidden].filter((id) => l.withheld.has(id.split("|").slice(0, 2).join("|"))).length : 0)} of their groups c, `
  + `${sum((l) => l.stats.withheldZeros ?? 0)} of them zeros); `
  + `${(sum((l) => l.stats.millis) / 1000).toFixed(1)} s in the plans, ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
const none = all.filter((l) => l.stats.breakdown === "none").map((l) => l.stats.millis);
console.log(`without a breakdown ${Math.min(...none)}–${Math.max(...none)} ms; the largest plan ${largest.stats.breakdown} of ${largest.stats.definition.slice(0, 60)}… ${largest.stats.cells} cells in ${largest.stats.millis} ms`);
for (const l of all) {
  if (l.stats.unprotected.length || l.stats.withheld) {
    console.log(`  ${l.stats.la} ${l.stats.breakdown} of ${l.stats.definition.slice(0, 80)}: ${l.stats.unprotected.length} unprotected, ${l.stats.withheld ?? 0} blocks withheld`);
  }
}
warehouse.close_();
