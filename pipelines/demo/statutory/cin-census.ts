/**
 * CIN census XML, one file per return year, as the council would have submitted it on the
 * reference date (31 March): every child with a CIN episode open at any time in the year, each
 * episode written whole with what was known then (an assessment completed after 31 March is still
 * open in that return and complete in the next). Writing the whole episode, not only what was
 * active in the year, keeps a carried-forward plan's assessment (and so its factors) in every return. Element names and order follow liia-tools CIN_schema_2016.xsd
 * (the 2015-16 census, the earliest layout the spec repository holds), used for every demo year.
 */
import {closeSync, openSync, writeSync} from "node:fs";
import {join} from "node:path";
import {addWorkingDays, fyStart, isoDay, type Day} from "../calendar.js";
import type {Child} from "../model.js";
import type {AuthorityRecords, People} from "./authority.js";
import {enquiryDecided, type CinEpisode} from "./cin-episodes.js";
import {cinSource, needCodeFor} from "./codes.js";
import {planReviews} from "../care-outcomes.js";
import {councilChildId, ethnicCode, fakeUpn, genderCin, hasUpn, referenceDate} from "./identity.js";
import type {StatutoryFile} from "./files.js";

const SYNTHETIC_NOTICE =
  "SYNTHETIC DEMO DATA written by Curve's demo generator (npm run demo-data). No child, date, id, UPN or postcode in this file is real.";

const el = (name: string, value: string | number) => `<${name}>${value}</${name}>`;
const date = (day: Day) => isoDay(day);

export function cinCensusFileName(laCode: string, fy: number): string {
  return `${laCode}_CIN_Census_${fy + 1}.xml`;
}

export function writeCinCensus(a: AuthorityRecords, people: People, episodes: readonly CinEpisode[], years: readonly number[], dir: string): StatutoryFile[] {
  const byChild = new Map<Child, CinEpisode[]>();
  for (const e of episodes) {
    const list = byChild.get(e.child);
    if (list) list.push(e);
    else byChild.set(e.child, [e]);
  }
  // Child ids are the zero-padded serial, so serial order is id order.
  const children = [...byChild.keys()].sort((x, y) => x.serial - y.serial).map((c) => ({c, id: councilChildId(a.idPrefix, c)}));
  const files: StatutoryFile[] = [];
  for (const fy of years) {
    const from = fyStart(fy);
    const ref = referenceDate(fy);
    const path = join(dir, cinCensusFileName(a.laCode, fy));
    const fd = openSync(path, "w");
    let buf = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- ${SYNTHETIC_NOTICE} -->\n<Message>\n<Header>\n`;
    buf += `<CollectionDetails>${el("Collection", "CIN")}${el("Year", fy + 1)}${el("ReferenceDate", date(ref))}</CollectionDetails>\n`;
    buf += `<Source>${el("SourceLevel", "L")}${el("LEA", a.laCode)}${el("SoftwareCode", "Curve demo generator (synthetic)")}${el("Release", "1")}${el("SerialNo", "001")}${el("DateTime", `${fy + 1}-05-16T09:00:00`)}</Source>\n`;
    buf += "</Header>\n<Children>\n";
    let count = 0;
    for (const {c, id} of children) {
      const open = byChild.get(c)!.filter((e) => e.referralDate <= ref && (e.closure === null || e.closure >= from));
      if (open.length === 0) continue;
      count++;
      buf += childXml(a, people, c, id, open, ref);
      if (buf.length > 1 << 16) {
        writeSync(fd, buf);
        buf = "";
      }
    }
    buf += "</Children>\n</Message>\n";
    writeSync(fd, buf);
    closeSync(fd);
    files.push({path, format: "cin-census", laCode: a.laCode, fy, rows: count});
  }
  return files;
}

function childXml(a: AuthorityRecords, people: People, c: Child, id: string, episodes: readonly CinEpisode[], ref: Day): string {
  const dob = people.dob(c);
  let x = "<Child>\n<ChildIdentifiers>";
  x += el("LAchildID", id);
  x += hasUpn(c, ref) ? el("UPN", fakeUpn(a.laCode, c)) : el("UPNunknown", "UN1");
  x += dob <= ref ? el("PersonBirthDate", date(dob)) : el("ExpectedPersonBirthDate", date(dob));
  x += el("GenderCurrent", genderCin(c.sex));
  x += `</ChildIdentifiers>\n<ChildCharacteristics>${el("Ethnicity", ethnicCode(c))}</ChildCharacteristics>\n`;
  for (const e of episodes) x += episodeXml(e, ref);
  return `${x}</Child>\n`;
}

const known = (day: Day | null, ref: Day) => day !== null && day <= ref;

function episodeXml(e: CinEpisode, ref: Day): string {
  let x = "<CINdetails>";
  x += el("CINreferralDate", date(e.referralDate));
  x += el("ReferralSource", cinSource(e.source));
  x += el("PrimaryNeedCode", needCodeFor(e.concern, e.child.serial + e.referralDate));
  if (known(e.closure, ref)) x += el("CINclosureDate", date(e.closure!)) + el("ReasonForClosure", e.reason);
  if (e.icpc !== null && e.icpc <= ref) x += el("DateOfInitialCPC", date(e.icpc));
  for (const s of e.assessments) {
    if (s.start > ref) continue;
    x += `\n<Assessments>${el("AssessmentActualStartDate", date(s.start))}`;
    if (known(s.completion, ref)) {
      x += el("AssessmentAuthorisationDate", date(s.completion!));
      if (s.factors.length) x += `<FactorsIdentifiedAtAssessment>${s.factors.map((f) => el("AssessmentFactors", f)).join("")}</FactorsIdentifiedAtAssessment>`;
    }
    x += "</Assessments>";
  }
  for (const q of e.enquiries) {
    if (q.start > ref) continue;
    const decided = enquiryDecided(q);
    x += `\n<Section47>${el("S47ActualStartDate", date(q.start))}${el("InitialCPCtarget", date(addWorkingDays(q.start, 15)))}`;
    if (known(q.icpc, ref)) x += el("DateOfInitialCPC", date(q.icpc!));
    x += el("ICPCnotRequired", q.icpc === null && known(decided, ref) ? "1" : "0") + "</Section47>";
  }
  x += `\n${el("ReferralNFA", e.nfa ? "1" : "0")}`;
  for (const p of e.plans) {
    if (p.start > ref) continue;
    x += `\n<ChildProtectionPlans>${el("CPPstartDate", date(p.start))}`;
    const end = known(p.end, ref) ? p.end! : null;
    if (end !== null) x += el("CPPendDate", date(end));
    x += el("InitialCategoryOfAbuse", p.category) + el("LatestCategoryOfAbuse", p.category) + el("NumberOfPreviousCPP", p.sequence - 1) + el("SeenSocialWorker", "1");
    const reviews: string[] = [];
    // The review conferences held by the reference date (care-outcomes.ts: first within three months, then within six).
    for (const d of planReviews(p)) if (d <= ref) reviews.push(el("CPPreviewDate", date(d)));
    if (reviews.length) x += `<Reviews>${reviews.join("")}</Reviews>`;
    x += "</ChildProtectionPlans>";
  }
  return `${x}\n</CINdetails>\n`;
}
