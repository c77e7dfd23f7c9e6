import {DomainError} from "../oba/errors.js";
import type {Period} from "../oba/periods.js";
import type {MeasureCatalogue} from "./catalogue.js";
import {canSee, isHidden, namedProviders, type Access, type DisclosurePlan, type Unit} from "./disclosure.js";
import type {EpisodeRow} from "./episodes.js";
import {computeMeasure, relevantTo} from "./measures.js";

/**
 * Value for money: what one family better off costs, per provider, per programme and for all
 * providers. Cost = everything spent on the episodes that ended in the period (dropping out costs
 * money too); families better off = those among them with a reliable improvement in the
 * programme's outcome score. The interval is the cost divided by the Wilson limits on the number
 * better off (n × the Wilson interval of better off / ended). For an audience whose policy rounds
 * counts, the episodes ended and the families better off are rounded, the total cost is the mean cost
 * of an episode times the rounded episodes (the true total over a programme's published unit cost
 * would give the count back: measures.ts), and the cost per family and its interval come from that
 * total and the rounded counts. A hidden count hides the total cost with it.
 */

export const VFM_MEASURE = "cost-per-family-better-off";
export const BETTER_OFF_MEASURE = "better-off";

export function valueForMoney(catalogue: MeasureCatalogue, units: readonly Unit[], episodes: readonly EpisodeRow[], period: Period, access: Access, plan: DisclosurePlan | null) {
  const m = catalogue.byId.get(VFM_MEASURE);
  if (!m) throw new DomainError("misconfigured", "catalogue-incomplete", `the performance-measure catalogue has no '${VFM_MEASURE}' measure`);
  const relevant = episodes.filter((e) => relevantTo(e, period));
  const rows = units.flatMap((u) => {
    const see = canSee(access, u);
    if (!see.see) return [];
    const v = computeMeasure(m, relevant.filter(u.includes), period, access.roundTo);
    if (v.denominator === 0) return [];
    const hidden = !see.full && plan !== null && isHidden(plan, u.id, m).any;
    const c = "c" as const;
    const h = <T>(x: T) => (hidden ? c : x);
    return [{
      kind: u.kind, id: u.key, name: u.name, providers: namedProviders(access, u.providers), providerCount: u.providers.length,
      totalCost: h(v.totalCost), episodesEnded: h(v.denominator), betterOff: h(v.numerator),
      costPerFamilyBetterOff: hidden ? c : v.value === null ? "z" : v.value,
      lower95: h(v.ci95?.lower ?? null), upper95: h(v.ci95?.upper ?? null), lower998: h(v.ci998?.lower ?? null), upper998: h(v.ci998?.upper ?? null),
      method: v.method, flag: hidden ? c : v.value === null ? "z" : null,
      ...(v.value === null && !hidden ? {reason: v.reason} : {})
    }];
  });
  return {
    measure: {id: m.id, name: m.name, definition: m.definition, technicalDefinition: m.technicalDefinition, unit: m.unit},
    period: {label: period.label, start: period.start, end: period.end},
    access: access.label,
    rows,
    notes: [
      "Costs are the unit_cost recorded on each episode (a share of the programme's unit cost for those who stopped early), not contract values.",
      "Programmes use different outcome scores and reliable-change thresholds: compare value for money within a programme before across programmes."
    ]
  };
}
