import {civil, isBankHoliday, weekday, type Day} from "./calendar.js";

/**
 * Relative chance that a referral (or similar contact) lands on a given day. Schools and health
 * visitors refer on weekdays in term time, so August and the Christmas fortnight are quiet; police
 * referrals keep coming at weekends, which is why weekends are quiet but not empty.
 */
export function contactDayWeight(day: Day): number {
  const wd = weekday(day);
  const c = civil(day);
  let w = wd === 0 ? 0.12 : wd === 6 ? 0.18 : 1;
  if (isBankHoliday(day)) w = 0.15;
  if (c.month === 8) w *= 0.72;
  if (c.month === 12 && c.day >= 21) w *= 0.45;
  if (c.month === 1 && c.day <= 2) w *= 0.5;
  if (c.month === 4 && c.day <= 14) w *= 0.9;
  if (c.month === 10 && c.day >= 24) w *= 0.9;
  return w;
}

/** Office work (assessments, conferences, CAFs) happens on working days only. */
export function officeDayWeight(day: Day): number {
  const wd = weekday(day);
  if (wd === 0 || wd === 6 || isBankHoliday(day)) return 0;
  const c = civil(day);
  if (c.month === 8) return 0.8;
  if (c.month === 12 && c.day >= 22) return 0.4;
  return 1;
}

/** Cumulative weights over a date range, for drawing many days quickly. */
export class DaySampler {
  private readonly cumulative: Float64Array;
  constructor(
    readonly first: Day,
    readonly last: Day,
    weight: (day: Day) => number
  ) {
    this.cumulative = new Float64Array(last - first + 1);
    let total = 0;
    for (let d = first; d <= last; d++) {
      total += weight(d);
      this.cumulative[d - first] = total;
    }
  }
  get total(): number {
    return this.cumulative[this.cumulative.length - 1];
  }
  draw(u: number): Day {
    const x = u * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.first + lo;
  }
}
