import {smallCounts} from "../oba/policy.js";
import {QUADRANTS, describeMeasure, type PerformanceMeasure} from "./catalogue.js";
import {canSee, publishFor, type Access, type DisclosurePlan, type Unit} from "./disclosure.js";
import type {EpisodeRow, ResolvedPeriod} from "./episodes.js";

/**
 * Every provider on one screen, by OBA quadrant (How much did we do? How well did we do it? Is
 * anyone better off?): the commissioner's side-by-side view. Only the latest period's published
 * values (no baselines or forecasts, which the report card of each provider has), so one request
 * answers for all providers. Each cell is published for the viewer exactly as the provider's own
 * report card would publish it; a provider the viewer may not see is left out, not named.
 */
export function quadrantTable(input: {units: readonly Unit[]; measures: readonly PerformanceMeasure[]; episodes: readonly EpisodeRow[]; period: ResolvedPeriod; access: Access; plan: DisclosurePlan}) {
  const {units, measures, episodes, period, access, plan} = input;
  const shown = measures.filter((m) => !m.dataDevelopment);
  const providers = units.filter((u) => u.kind === "provider" && canSee(access, u).see);
  return {
    period: {label: period.label, start: period.start, end: period.end},
    quadrants: QUADRANTS.map((q) => ({...q, measures: shown.filter((m) => m.quadrant === q.id).map((m) => m.id)})),
    measures: shown.map(describeMeasure),
    providers: providers.map((u) => ({
      id: u.key, name: u.name,
      reportCard: `/api/providers/${u.key}/report-card`,
      values: Object.fromEntries(shown.map((m) => [m.id, publishFor(access, u, m, episodes, plan)]))
    })),
    notDeveloped: measures.filter((m) => m.dataDevelopment).map((m) => ({id: m.id, name: m.name, reason: m.dataDevelopment})),
    notes: access.mode === "full" ? [] : [`Counts of ${smallCounts(access)} families (and any that would reveal one) are shown as c, as on each provider's report card.`]
  };
}
