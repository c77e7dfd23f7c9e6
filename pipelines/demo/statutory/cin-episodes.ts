/**
 * CIN episodes (the census's CINdetails) from Curve's records: each referral opens one; its
 * assessments travel with it, an s47 enquiry joins the child's latest referral before it, and a
 * plan joins the episode whose enquiry's conference started it. Plans with no such enquiry (open
 * before April 2008, or whose referral fell before it) get an episode of their own with a referral
 * dated before April 2008, as a real return carries a case open since before the year.
 */
import {addWorkingDays, type Day} from "../calendar.js";
import {WINDOW_START, DATA_END, type Assessment, type Child, type Enquiry, type Plan, type Referral} from "../model.js";
import type {CinFactor, ReferralSource} from "../codes.js";
import type {AuthorityRecords} from "./authority.js";
import {mix} from "./identity.js";

export interface CinEpisode {
  child: Child;
  referralDate: Day;
  source: ReferralSource | "10";
  concern: Referral["concern"];
  nfa: boolean;
  /** Day the episode closed (null while open on 31 March 2016) and why (RC7 services ceased, RC8 closed after assessment). */
  closure: Day | null;
  reason: "RC7" | "RC8";
  /** An initial conference held without an enquiry in the episode (carried-in plans only). */
  icpc: Day | null;
  assessments: {start: Day; completion: Day | null; factors: readonly CinFactor[]}[];
  enquiries: Enquiry[];
  plans: Plan[];
}

/**
 * Day an enquiry's outcome was settled: the conference, or (no conference needed) three weeks in,
 * and by 31 March 2016 at the latest when Curve's layout already records it as decided.
 */
export const enquiryDecided = (e: Enquiry): Day | null => (e.icpc ?? (e.outcome === "no_plan" ? Math.min(addWorkingDays(e.start, 15), DATA_END) : null));

export function buildCinEpisodes(a: AuthorityRecords): CinEpisode[] {
  const episodes: CinEpisode[] = [];
  const byReferral = new Map<Referral, CinEpisode>();
  const byChild = new Map<Child, CinEpisode[]>();
  const add = (e: CinEpisode) => {
    episodes.push(e);
    const list = byChild.get(e.child);
    if (list) list.push(e);
    else byChild.set(e.child, [e]);
  };
  for (const r of [...a.referrals].sort((x, y) => x.date - y.date)) {
    const e: CinEpisode = {
      child: r.child, referralDate: r.date, source: r.source, concern: r.concern, nfa: r.outcome !== "initial_assessment",
      closure: null, reason: "RC8", icpc: null, assessments: [], enquiries: [], plans: []
    };
    byReferral.set(r, e);
    add(e);
  }
  for (const x of a.assessments as readonly Assessment[]) byReferral.get(x.referral)!.assessments.push({start: x.start, completion: x.completion, factors: x.factors});
  const latestBefore = (child: Child, day: Day) => {
    let best: CinEpisode | null = null;
    for (const e of byChild.get(child) ?? []) if (e.referralDate <= day && (!best || e.referralDate >= best.referralDate)) best = e;
    return best;
  };
  const byConference = new Map<string, CinEpisode>();
  for (const q of a.enquiries) {
    const e = latestBefore(q.child, q.start);
    if (!e) throw new Error(`${a.laCode}: an s47 enquiry has no referral before it (child serial ${q.child.serial})`);
    e.enquiries.push(q);
    if (q.icpc !== null) byConference.set(`${q.child.serial}/${q.icpc}`, e);
  }
  for (const p of a.plans) {
    if (!p.child) continue;
    const e = byConference.get(`${p.child.serial}/${p.start}`);
    if (e) {
      e.plans.push(p);
      continue;
    }
    // Carried in: referred before the window, assessed, conference on the day the plan began.
    const h = mix(p.child.serial, p.start, 61);
    const referralDate = Math.min(p.start - 10 - (h % 40), WINDOW_START - 1 - (h % 30));
    const completion = Math.min(addWorkingDays(referralDate, 5 + (h % 20)), p.start);
    add({
      child: p.child, referralDate, source: "10", concern: p.domesticAbuse ? "domestic_violence" : "child_protection", nfa: false,
      closure: null, reason: "RC7", icpc: p.start, assessments: [{start: referralDate, completion, factors: p.factors}], enquiries: [], plans: [p]
    });
  }
  for (const e of episodes) alignPlanFactors(e);
  for (const list of byChild.values()) {
    list.sort((x, y) => x.referralDate - y.referralDate);
    list.forEach((e, i) => close(e, list[i + 1]?.referralDate ?? null));
  }
  return episodes;
}

/**
 * The census has no factors on a plan: the importer reads them from the latest assessment of the
 * episode that started by the plan's start (cin-concern-map.ts planFactors). Curve's generator draws
 * a plan's factors apart from its assessments', so that assessment is written with the plan's
 * factors, and the plan reads back exactly as Curve's layout has it (the cp_plans factors feed the
 * toxic-trio and domestic-abuse figures; no indicator reads an assessment's own factors).
 */
function alignPlanFactors(e: CinEpisode): void {
  for (const p of [...e.plans].sort((x, y) => x.start - y.start)) {
    let source: CinEpisode["assessments"][number] | null = null;
    for (const a of e.assessments) if (a.start <= p.start && (source === null || a.start >= source.start)) source = a;
    if (source && source.factors.join(";") !== p.factors.join(";")) {
      e.assessments[e.assessments.indexOf(source)] = {...source, factors: p.factors};
    }
  }
}

/**
 * When the episode closed: on the referral day for no further action, else a little after the last
 * thing known of it (assessment completed, conference or decision, plan ended), and before the
 * child's next referral when that leaves room. Anything still open on 31 March 2016 keeps it open.
 */
function close(e: CinEpisode, nextReferral: Day | null): void {
  if (e.nfa && e.assessments.length === 0 && e.enquiries.length === 0 && e.plans.length === 0) {
    e.closure = e.referralDate;
    e.reason = "RC8";
    return;
  }
  let last = e.referralDate;
  let open = false;
  const reach = (d: Day | null) => {
    if (d === null || d > DATA_END) open = true;
    else last = Math.max(last, d);
  };
  for (const x of e.assessments) reach(x.completion);
  for (const q of e.enquiries) reach(enquiryDecided(q));
  for (const p of e.plans) reach(p.end);
  e.reason = e.plans.length ? "RC7" : "RC8";
  if (open) return;
  // An assessed referral with nothing recorded after it (Leeds) stays open for a few weeks of work.
  let closure = last + (e.assessments.length || e.enquiries.length || e.plans.length ? 1 + (mix(e.child.serial, e.referralDate, 67) % 14) : 20 + (mix(e.child.serial, e.referralDate, 71) % 40));
  if (nextReferral !== null && closure >= nextReferral) closure = Math.max(last, nextReferral - 1);
  e.closure = closure > DATA_END ? null : closure;
}
