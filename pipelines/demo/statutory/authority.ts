/** What the statutory writers need of one calibrated authority: its records, wards and id prefix. */
import {firstDayOfMonth, type Day} from "../calendar.js";
import type {Ward} from "../geography.js";
import type {Assessment, CareEpisode, Child, Enquiry, Plan, Referral} from "../model.js";
import {dateOfBirth, Postcodes} from "./identity.js";

export interface AuthorityRecords {
  laCode: string;
  /** Council name as it would head its own file names. */
  name: string;
  /** Prefix of the council's child ids ("LUT" → LUT0001234). */
  idPrefix: string;
  wards: readonly Ward[];
  referrals: readonly Referral[];
  assessments: readonly Assessment[];
  enquiries: readonly Enquiry[];
  plans: readonly Plan[];
  care: readonly CareEpisode[];
}

/** Per-child facts worked out once: the date of birth, never after the child is first seen born. */
export class People {
  private readonly firstSeen = new Map<Child, Day>();
  private readonly dobs = new Map<Child, Day>();
  readonly postcodes: Postcodes;

  constructor(
    readonly a: AuthorityRecords,
    private readonly seed: number
  ) {
    this.postcodes = new Postcodes(a.laCode, a.wards);
    // Only events from the birth month on bound the day of birth (earlier ones are pre-birth).
    const see = (c: Child, d: Day) => {
      if (d < firstDayOfMonth(c.birthMonth)) return;
      const f = this.firstSeen.get(c);
      if (f === undefined || d < f) this.firstSeen.set(c, d);
    };
    for (const r of a.referrals) see(r.child, r.date);
    for (const x of a.assessments) see(x.referral.child, x.start);
    for (const e of a.enquiries) see(e.child, e.start);
    for (const p of a.plans) if (p.child) see(p.child, p.start);
    for (const e of a.care) see(e.child, e.start);
  }

  dob(child: Child): Day {
    let d = this.dobs.get(child);
    if (d === undefined) this.dobs.set(child, (d = dateOfBirth(child, this.firstSeen.get(child) ?? Number.MAX_SAFE_INTEGER, this.seed)));
    return d;
  }

}
