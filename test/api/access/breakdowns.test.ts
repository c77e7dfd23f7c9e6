import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {breakdownAttack, type BreakdownAttack} from "../../helpers/breakdown-attack.js";
import {obaScratch, row} from "../../helpers/oba.js";

/**
 * Rule 6 of the disclosure audit (issue 13 item 7, docs/methods/disclosure.md): no hidden count may
 * be worked out by combining breakdowns of the same ward and period — with the totals, the sums over
 * months, quarters, the year and the wards, and the reader's knowledge that every `c` is at least 1.
 *
 * A small warehouse of referrals in two wards for one financial year. Icknield's October, November
 * and December 2013 have 6, 1 and 4 referrals and its Q3 11: October and Q3 are shown, so November +
 * December = 5; December's four outcomes are one each, so December is at least 4 and November (one
 * referral, initial assessment) is then 1 — and so is every group of November in every other
 * breakdown (sex, source). The attack is the one `npm run check:breakdowns` runs on the larger fixture.
 */

const s = obaScratch("curve-breakdowns-", {appStore: false});
const pad = (n: number) => String(n).padStart(2, "0");
const OUTCOMES = ["initial_assessment", "single_assessment", "nfa", "signposted"];
/** Icknield's referrals by month (April 2013 = 0): October, November, December are 6, 1, 4. */
const ICKNIELD = [8, 9, 7, 8, 9, 7, 6, 1, 4, 8, 7, 9];
const DECEMBER = 8;
const NOVEMBER = 7;

let attack: BreakdownAttack;

beforeAll(async () => {
  const rows: string[] = [];
  let n = 0;
  const add = (ward: string, k: number, over: Record<string, string>) => {
    const y = 2013 + (k >= 9 ? 1 : 0);
    const m = ((k + 3) % 12) + 1;
    rows.push(row("referrals", {ward, child_key: ++n, referral_date: `${y}-${pad(m)}-${pad(1 + (n % 27))}`, ...over}));
  };
  ICKNIELD.forEach((count, k) => {
    for (let i = 0; i < count; i++) {
      // December: one referral of each outcome; November: one, an initial assessment.
      const outcome = k === DECEMBER ? OUTCOMES[i] : k === NOVEMBER ? "initial_assessment" : OUTCOMES[(i * 3 + k) % 4];
      add("icknield", k, {outcome, sex: k === NOVEMBER ? "2" : String(1 + ((i + k) % 2)), source: k === NOVEMBER ? "2A" : ["6", "2A", "1A"][(i + k) % 3]});
    }
  });
  for (let k = 0; k < 12; k++) {
    for (let i = 0; i < 20 + ((k * 7) % 5); i++) add("biscot", k, {outcome: OUTCOMES[(i + k) % 4], sex: String(1 + (i % 2)), source: ["6", "2A", "1A"][i % 3]});
  }
  s.extract("referrals", 2013, rows);
  const run = await s.run();
  expect(run.status).toBe("published");
  attack = await breakdownAttack(s.app, {indicator: "referrals", breakdowns: ["outcome", "sex", "source"], wards: ["icknield", "biscot"]});
}, 300_000);
afterAll(() => s.close());

describe("rule 6: no hidden count is recoverable by combining breakdowns", () => {
  it("hides counts of 1–5 in every breakdown (the attack has something to find)", () => {
    expect(attack.hidden).toBeGreaterThan(40);
    expect(attack.shown.get("ward:icknield|2013-11|")).toBe("c");
    expect(attack.truth.get("ward:icknield|2013-11|")).toBe(1);
  });

  it("no hidden count is known exactly from one breakdown on its own (outcome's December groups do not pin November)", () => {
    expect(attack.alone.map((id) => `${id} = ${attack.truth.get(id)}`)).toEqual([]);
  });

  it("no hidden count is known exactly by combining breakdowns (November's sex and source groups are not 1)", () => {
    expect(attack.together.map((id) => `${id} = ${attack.truth.get(id)}`)).toEqual([]);
  });

  it("no zero is hidden: zeros are shown as 0", () => {
    expect(attack.hiddenZeros).toEqual([]);
  });
});
