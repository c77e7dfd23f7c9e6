import type {Hono} from "hono";
import {boundRanges, recoverableCells, type ConstraintGroup, type CountCell} from "../../api/stats/suppress.js";

/**
 * Rule 6 of the disclosure audit (issue 13 item 7): a count hidden in one breakdown of a ward and
 * period must not be readable from another breakdown of the same ward and period. The attacker reads
 * one indicator at the borough and at every ward, by month, quarter and financial year, with no
 * breakdown and with each of `breakdowns`, and puts every count into ONE table whose sums are each
 * breakdown's groups → the total, months → quarters → year and wards → borough. It then solves that
 * table exactly as the audit does (the linear check and the integer bounds of api/stats/suppress.ts,
 * where every `c` is at least 1 unless the answer says it is withheld whatever its value), once for all
 * breakdowns together and once per breakdown on its own.
 * A hidden count known exactly together but not on its own was given away by another breakdown.
 */

type App = Pick<Hono<any>, "request">;

async function get(app: App, path: string, role: string): Promise<any> {
  const res = await app.request(path, {headers: {"x-test-role": role}});
  if (res.status !== 200) throw new Error(`${path} as ${role}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

export interface BreakdownAttack {
  /** Hidden counts known exactly from every breakdown together. */
  together: string[];
  /** Hidden counts known exactly from some breakdown on its own (with the totals and other sums). */
  alone: string[];
  /** Hidden counts known exactly together only: the rule-6 leak. */
  acrossBreakdowns: string[];
  hidden: number;
  /** Hidden counts whose true value is 0 (zeros are published as 0, except in a block withheld whatever its values). */
  hiddenZeros: string[];
  /** Hidden counts withheld whatever their value (a `c` that may stand for 0). */
  withheld: string[];
  /** Of those, the ones the sums determine exactly (as 0) from all breakdowns together. */
  zerosKnown: string[];
  cells: number;
  /** The analyst's count of each cell (to tell small counts from large ones). */
  truth: Map<string, number>;
  /** What the attacked role was shown. */
  shown: Map<string, number | string>;
}

export async function breakdownAttack(app: App, opts: {indicator: string; breakdowns: string[]; wards: string[]; role?: string; periods?: string[]}): Promise<BreakdownAttack> {
  const role = opts.role ?? "viewer";
  const periods = opts.periods ?? ["month", "quarter", "financial-year"];
  const geos = [{key: "borough", q: "geography=borough"}, ...opts.wards.map((w) => ({key: `ward:${w}`, q: `geography=ward&code=${w}`}))];
  const truth = new Map<string, number>();
  const shown = new Map<string, number | string>();
  /** Group values per breakdown, geography and period label. */
  const groupsAt = new Map<string, Set<string>>();
  const labels = new Map<string, string[]>();
  /** Counts withheld whatever their value (`withheld`): their `c` may stand for 0. */
  const mayBeZero = new Set<string>();
  for (const period of periods) {
    for (const g of geos) {
      for (const b of [null, ...opts.breakdowns]) {
        const url = `/api/indicators/${opts.indicator}/series?${g.q}&period=${period}${b ? `&breakdown=${b}` : ""}`;
        const [pub, full] = await Promise.all([get(app, url, role), get(app, url, "analyst")]);
        labels.set(period, full.points.map((p: any) => p.period));
        const read = (body: any, into: Map<string, number | string>) => {
          for (const p of body.points) {
            into.set(`${g.key}|${p.period}|`, p.numerator);
            if (p.withheld) mayBeZero.add(`${g.key}|${p.period}|`);
          }
          for (const p of body.groups ?? []) {
            into.set(`${g.key}|${p.period}|${b}=${p.group}`, p.numerator);
            if (p.withheld) mayBeZero.add(`${g.key}|${p.period}|${b}=${p.group}`);
            const k = `${b}|${g.key}|${p.period}`;
            (groupsAt.get(k) ?? groupsAt.set(k, new Set()).get(k)!).add(p.group);
          }
        };
        read(pub, shown);
        const t = new Map<string, number | string>();
        read(full, t);
        for (const [k, v] of t) if (typeof v === "number") truth.set(k, v);
      }
    }
  }
  const cells: CountCell[] = [...truth].map(([id, count]) => ({id, count, ...(mayBeZero.has(id) ? {floor: 0} : {})}));
  const hidden = new Set([...shown].filter(([k, v]) => v === "c" && truth.has(k)).map(([k]) => k));
  const has = (id: string) => truth.has(id);
  const groups: (ConstraintGroup & {breakdown: string | null})[] = [];
  const add = (parts: string[], total: string, breakdown: string | null) => {
    if (!has(total)) return;
    const ps = parts.filter(has);
    if (ps.length) groups.push({parts: ps, total, breakdown});
  };
  const months = labels.get("month") ?? [];
  const quarters = labels.get("quarter") ?? [];
  const years = labels.get("financial-year") ?? [];
  const monthsOfYear = (fy: string) => {
    const y = Number(fy.slice(0, 4));
    return Array.from({length: 12}, (_, i) => `${y + (i >= 9 ? 1 : 0)}-${String(((i + 3) % 12) + 1).padStart(2, "0")}`);
  };
  const monthsOfQuarter = (q: string) => monthsOfYear(q.slice(0, 7)).slice(3 * (Number(q.slice(-1)) - 1), 3 * Number(q.slice(-1)));
  const allPeriods = [...months, ...quarters, ...years];
  const groupKeys: [string, string | null][] = [["", null]];
  for (const b of opts.breakdowns) {
    const vs = new Set<string>();
    for (const [k, s] of groupsAt) if (k.startsWith(`${b}|`)) s.forEach((v) => vs.add(v));
    for (const v of vs) groupKeys.push([`${b}=${v}`, b]);
  }
  for (const b of opts.breakdowns) {
    for (const g of geos) for (const p of allPeriods) add([...(groupsAt.get(`${b}|${g.key}|${p}`) ?? [])].map((v) => `${g.key}|${p}|${b}=${v}`), `${g.key}|${p}|`, b);
  }
  for (const [gk, b] of groupKeys) {
    for (const g of geos) {
      for (const q of quarters) add(monthsOfQuarter(q).map((m) => `${g.key}|${m}|${gk}`), `${g.key}|${q}|${gk}`, b);
      for (const y of years) {
        add(monthsOfYear(y).map((m) => `${g.key}|${m}|${gk}`), `${g.key}|${y}|${gk}`, b);
        add(quarters.filter((q) => q.startsWith(y)).map((q) => `${g.key}|${q}|${gk}`), `${g.key}|${y}|${gk}`, b);
      }
    }
    for (const p of allPeriods) add(opts.wards.map((w) => `ward:${w}|${p}|${gk}`), `borough|${p}|${gk}`, b);
  }
  const exact = (gs: ConstraintGroup[], cs: CountCell[]) => {
    const ids = new Set(cs.map((c) => c.id));
    const hid = [...hidden].filter((h) => ids.has(h));
    const out = new Set(recoverableCells({cells: cs, groups: gs}, hid));
    for (const [id, [lo, hi]] of boundRanges({cells: cs, groups: gs}, hid)) if (lo === hi) out.add(id);
    return out;
  };
  const together = exact(groups, cells);
  const hiddenZeros = [...hidden].filter((id) => truth.get(id) === 0).sort();
  const determined = new Set(recoverableCells({cells, groups}, [...hidden]));
  const alone = new Set<string>();
  for (const b of opts.breakdowns) {
    const mine = (id: string) => id.endsWith("|") || id.includes(`|${b}=`);
    for (const id of exact(groups.filter((g) => g.breakdown === null || g.breakdown === b), cells.filter((c) => mine(c.id)))) {
      alone.add(id);
      if (process.env.CURVE_ATTACK_DEBUG) console.log("alone in", b, id);
    }
  }
  for (const id of exact(groups.filter((g) => g.breakdown === null), cells.filter((c) => c.id.endsWith("|")))) alone.add(id);
  return {
    together: [...together].sort(), alone: [...alone].sort(), acrossBreakdowns: [...together].filter((id) => !alone.has(id)).sort(),
    hidden: hidden.size, hiddenZeros, withheld: [...hidden].filter((id) => mayBeZero.has(id)).sort(), zerosKnown: hiddenZeros.filter((id) => determined.has(id)), cells: cells.length, truth, shown
  };
}
