/**
 * `npm run check:suppression`: the disclosure attack of test/api/access/suppression.test.ts on every
 * table the API offers the viewer — each indicator at each of the 27 geographies on its own, every
 * period type, every breakdown, baselines, drivers, targeting, every ward's profile (about 5,000
 * requests; some minutes). The test suite runs the same attack on a chosen few hundred tables; run
 * this after a change to the disclosure lattice, suppression or any route that publishes counts.
 * `-- --chosen` runs the suite's set instead, with the same timings printed.
 *
 * Exit status 1 when any count of 1–5 is shown to the viewer or recovered by subtraction.
 */
import {Attacker, chosenTables, everyTable, exposed, fetchTables, recoveredSmall, writeDisclosureFixture} from "../helpers/disclosure-attack.js";
import {obaScratch} from "../helpers/oba.js";

const chosen = process.argv.includes("--chosen");
const tables = chosen ? chosenTables : everyTable;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const s = obaScratch("curve-check-suppression-", {appStore: false});
let t = performance.now();
writeDisclosureFixture(s);
const run = await s.run();
if (run.status !== "published") throw new Error(`the fixture was not published: ${run.message}`);
console.log(`fixture published in ${seconds(t)}`);

const viewer = new Attacker();
const analyst = new Attacker();
t = performance.now();
const asked = await fetchTables(s.app, "viewer", viewer, tables({breakdowns: true, baselines: true}));
console.log(`viewer: ${asked} requests in ${seconds(t)}`);
t = performance.now();
const analystAsked = await fetchTables(s.app, "analyst", analyst, tables({breakdowns: false, baselines: false}));
console.log(`analyst: ${analystAsked} requests in ${seconds(t)}`);
t = performance.now();
viewer.buildEquations();
viewer.solve();
console.log(`${viewer.equations.length} equations over ${viewer.known.size} known and ${viewer.hidden.size} hidden counts solved in ${seconds(t)}; ${viewer.recovered.size} recovered`);

const problems = [
  ...viewer.leaks.map((l) => `leak: ${l}`),
  ...[...viewer.known].filter(([k, v]) => !viewer.recovered.has(k) && v >= 1 && v <= 5).map(([k, v]) => `shown to the viewer: ${k} = ${v}`),
  ...recoveredSmall(viewer).map((r) => `recovered: ${r}`),
  ...exposed(viewer, analyst).map((k) => `the viewer knows ${k}, which the analyst sees as 1–5`),
  ...(analyst.hidden.size ? [`the analyst was shown ${analyst.hidden.size} count(s) as c`] : [])
];
await s.close();
if (problems.length) {
  console.log(`${problems.length} problem(s):\n${problems.slice(0, 100).join("\n")}`);
  process.exit(1);
}
console.log("no count of 1–5 shown or recovered");
