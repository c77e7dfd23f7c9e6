/**
 * SSDA903 (children looked after) return tables, one set per return year (year ending 31 March),
 * as the council would have submitted them at the time: every episode open during the year, with
 * DEC and REC only when the episode had ended by 31 March. Columns and codes follow the liia-tools
 * SSDA903_schema_2017 spec (the earliest published; its Header and Episodes columns are those of
 * every later year). Each Curve care episode is one period of care: a row with RNE "S", then a row
 * with RNE "P" at each change of placement (care-outcomes.ts), the one before ceasing with REC "X1".
 * Missing, OC2 and OC3 tables come from the same records (care-outcomes.ts).
 */
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {fyStart, type Day} from "../calendar.js";
import {csvLine} from "../csv.js";
import type {CareEpisode, Child, Referral} from "../model.js";
import {needCodeFor} from "./codes.js";
import {careLeavers, healthChecks, missingEpisodes, placementSpells, type PlacementSpell} from "../care-outcomes.js";
import type {AuthorityRecords, People} from "./authority.js";
import {councilChildId, ddmmyyyy, ethnicCode, fakeUpn, hasUpn, mix, referenceDate, sex903} from "./identity.js";
import type {StatutoryFile} from "./files.js";

export const HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"] as const;
export const MISSING_COLUMNS = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"] as const;
export const OC2_COLUMNS = ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
  "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"] as const;
export const OC3_COLUMNS = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"] as const;
export const EPISODES_COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"] as const;

/**
 * Reasons ceased as the 2017 code list has them: Curve's E45 (child arrangements order) was
 * recorded as E41 until E45–E48 replaced E41 in the 2020-21 return.
 */
const recIn2017List = (rec: string) => (rec === "E45" ? "E41" : rec);

/** Placement provider: own provision for foster and residential care, private for agency homes. */
function provider(place: string, h: number): string {
  if (place === "P1" || place === "Z1") return "PR0";
  if (place === "K2" || place === "H5") return h % 3 === 0 ? "PR1" : "PR4";
  return h % 4 === 0 ? "PR4" : "PR1";
}

/** Ofsted URN of a children's home (fake, "SC9" + digits); foster and family placements have none. */
function urn(place: string, h: number): string {
  return place === "K2" || place === "H5" ? `SC9${String(h % 100000).padStart(5, "0")}` : "";
}

const openDuring = (e: {start: Day; end: Day | null}, from: Day, to: Day) => e.start <= to && (e.end === null || e.end >= from);

export function writeSsda903(a: AuthorityRecords, people: People, referralsByChild: Map<Child, Referral[]>, years: readonly number[], dir: string): StatutoryFile[] {
  const files: StatutoryFile[] = [];
  const id = (c: Child) => councilChildId(a.idPrefix, c);
  // Child ids are the zero-padded serial, so serial order is id order.
  const sorted = [...a.care].sort((x, y) => x.child.serial - y.child.serial || x.start - y.start)
    .flatMap((e) => placementSpells(e).map((spell) => ({e, spell})));
  const missing = missingEpisodes(a.care);
  const health = healthChecks(a.care, years);
  const leavers = careLeavers(a.care, years);
  const flag = (b: boolean | null) => (b === null ? "" : b ? "1" : "0");
  for (const fy of years) {
    const from = fyStart(fy);
    const ref = referenceDate(fy);
    const episodes = sorted.filter((x) => openDuring(x.spell, from, ref));
    const children: Child[] = [];
    const seen = new Set<Child>();
    for (const {e} of episodes) {
      if (seen.has(e.child)) continue;
      seen.add(e.child);
      children.push(e.child);
    }

    let header = csvLine([...HEADER_COLUMNS]);
    for (const c of children) {
      const female = sex903(c.sex, c) === "2";
      const ageAtRef = (ref - people.dob(c)) / 365.25;
      header += csvLine([id(c), sex903(c.sex, c), ddmmyyyy(people.dob(c)), ethnicCode(c), hasUpn(c, ref) ? fakeUpn(a.laCode, c) : "UN1", female && ageAtRef >= 12 ? "0" : "", ""]);
    }
    let rows = csvLine([...EPISODES_COLUMNS]);
    for (const {e, spell} of episodes) rows += csvLine(episodeRow(a, people, e, spell, ref, referralsByChild.get(e.child) ?? []));
    const name = (table: string) => `${a.laCode}_SSDA903_${fy + 1}_${table}.csv`;
    writeFileSync(join(dir, name("Header")), header);
    writeFileSync(join(dir, name("Episodes")), rows);
    files.push({path: join(dir, name("Header")), format: "ssda903:header", laCode: a.laCode, fy, rows: children.length});
    files.push({path: join(dir, name("Episodes")), format: "ssda903:episodes", laCode: a.laCode, fy, rows: episodes.length});
    const dob = (c: Child) => ddmmyyyy(people.dob(c));
    const tables: [string, readonly string[], string[][]][] = [
      ["Missing", MISSING_COLUMNS, missing.filter((m) => m.start >= from && m.start <= ref)
        .map((m) => [id(m.child), dob(m.child), m.kind, ddmmyyyy(m.start), m.end !== null && m.end <= ref ? ddmmyyyy(m.end) : ""])],
      ["OC2", OC2_COLUMNS, health.filter((h) => h.fy === fy).map((h) => [id(h.child), dob(h.child), h.sdq === null ? "" : String(h.sdq), h.sdq === null ? "SDQ1" : "",
        flag(h.convicted), flag(h.health), flag(h.immunisations), flag(h.teeth), flag(h.development), flag(h.substanceMisuse), "", ""])],
      ["OC3", OC3_COLUMNS, leavers.filter((l) => l.fy === fy).map((l) => [id(l.child), dob(l.child), l.inTouch, l.activity, l.accommodation])]
    ];
    for (const [table, columns, body] of tables) {
      writeFileSync(join(dir, name(table)), csvLine([...columns]) + body.map((r) => csvLine(r)).join(""));
      files.push({path: join(dir, name(table)), format: `ssda903:${table.toLowerCase()}`, laCode: a.laCode, fy, rows: body.length});
    }
  }
  return files;
}

function episodeRow(a: AuthorityRecords, people: People, e: CareEpisode, spell: PlacementSpell, ref: Day, referrals: readonly Referral[]): string[] {
  const ended = spell.end !== null && spell.end <= ref;
  const h = mix(e.child.serial, e.start, 41);
  // The need code of the referral that led here; a child coming from a plan was abused or neglected.
  let lead: Referral | null = null;
  for (const r of referrals) if (r.date <= e.start) lead = r;
  const need = e.fromPlan || !lead ? "N1" : needCodeFor(lead.concern, lead.child.serial + lead.date, true);
  return [
    councilChildId(a.idPrefix, e.child), ddmmyyyy(spell.start), spell.rne, e.legalStatus, need, e.placement, provider(e.placement, h),
    ended ? ddmmyyyy(spell.end) : "", ended && spell.reasonCeased ? recIn2017List(spell.reasonCeased) : "", "",
    people.postcodes.home(e.child), e.placement === "Z1" ? "" : people.postcodes.placement(e.child, e.start), urn(e.placement, h)
  ];
}
