/**
 * Rule 6 of the disclosure audit (issue 13 item 7): counts hidden in one breakdown of a ward and
 * period that another breakdown of the same ward and period gives away. Runs the exact attack of
 * test/helpers/breakdown-attack.ts on the disclosure fixture's referrals (borough and every ward, by
 * month, quarter and year, with no breakdown and each of the breakdowns) as the viewer, and prints how
 * many hidden counts are known exactly from all breakdowns together, from one on its own, and only
 * across breakdowns. About two minutes. `BREAKDOWNS=source,age` narrows the breakdowns.
 * Exit status 1 when any count of 1–5 is recovered.
 */
import {WARDS, writeDisclosureFixture} from "../helpers/disclosure-attack.js";
import {breakdownAttack} from "../helpers/breakdown-attack.js";
import {obaScratch} from "../helpers/oba.js";

const s = obaScratch("curve-check-breakdowns-", {appStore: false});
writeDisclosureFixture(s);
const run = await s.run();
if (run.status !== "published") throw new Error(`the fixture was not published: ${run.message}`);
const t = performance.now();
const breakdowns = (process.env.BREAKDOWNS ?? "source,concern,outcome,age,ethnicity,sex").split(",");
const r = await breakdownAttack(s.app, {indicator: "referrals", breakdowns, wards: WARDS});
// A zero known to be 0 gives nothing away (zeros are shown as 0 elsewhere): the leak is a count of 1–5.
const small = (ids: string[]) => ids.filter((id) => {
  const n = r.truth.get(id) ?? 0;
  return n >= 1 && n <= 5;
});
console.log(`referrals by ${breakdowns.join(", ")}: ${r.cells} counts, ${r.hidden} hidden; known exactly together ${r.together.length} (${small(r.together).length} of 1–5), `
  + `from one breakdown on its own ${r.alone.length} (${small(r.alone).length} of 1–5), only across breakdowns ${r.acrossBreakdowns.length} (${small(r.acrossBreakdowns).length} of 1–5); `
  + `hidden zeros ${r.hiddenZeros.length} (${r.zerosKnown.length} determined exactly; ${r.withheld.length} counts withheld whatever their value) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
for (const id of small(r.together).slice(0, 20)) console.log(`  ${id} = ${r.truth.get(id)}${r.alone.includes(id) ? "" : " (across breakdowns)"}`);
await s.close();
process.exit(small(r.together).length ? 1 : 0);
