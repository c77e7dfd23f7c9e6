import {DomainError} from "../oba/errors.js";
import {discontinuedView, type Catalogue, type Indicator} from "../oba/catalogue.js";
import type {Reference} from "../reference.js";

/**
 * The measures ward targeting works with: every catalogue indicator published by ward, plus the
 * catalogue's ward-targeting measures (its `targeting` entries: measures the Early Help Strategy
 * monitors by ward that are not yet published as indicators). Each is written in the indicators' own
 * format, validated by their rules and counted by the series engine, so a ward figure here and the
 * indicator's series can never be defined differently; adding one is a catalogue entry.
 *
 * Wards are compared on rates: an indicator the catalogue publishes as a count (referrals, CAFs,
 * children starting care) is compared between wards per 10,000 children aged 0-17, because a count
 * alone ranks wards by size. Percentages stay percentages of their own denominator.
 *
 * The measures are worked out from the catalogue once per Reference (api/reference.ts): callers read
 * `reference.targetingMeasures` and never change what they get.
 */

/** The default need index: demand on children's social care at population level. */
export const DEFAULT_NEED_INDICATORS = ["cp-referrals", "dv-referrals", "cp-rate", "cla-rate"] as const;

export interface TargetingMeasure {
  indicator: Indicator;
  /** "catalogue": an indicator of data/reference/indicators.json; "targeting": one of its targeting entries. */
  source: "catalogue" | "targeting";
  /** How wards are compared: a rate per 10,000 of a child population, or a percentage of the indicator's own denominator. */
  scale: "per-10000" | "percent";
  multiplier: number;
  /** Ages of the child population that is the rate's denominator (per-10000 only). */
  ages: [number, number];
  /**
   * +1 when a higher value means more need (low-is-good indicators, and no-judgement ones, which at
   * ward level measure demand), -1 when a lower value does (high-is-good).
   */
  needDirection: 1 | -1;
  denominatorDescription: string;
  notes: string[];
  /** When an indicator ended and what replaced it (catalogue indicators only: a targeting measure is not yet published, so it has not ended either). */
  discontinued: ReturnType<typeof discontinuedView>;
}

function toMeasure(ind: Indicator, source: TargetingMeasure["source"], catalogue: Catalogue): TargetingMeasure {
  const notes: string[] = [];
  if (ind.note) notes.push(ind.note);
  if (ind.unit === "count") notes.push(`${ind.name} is published for the borough as a count; wards are compared on it per 10,000 children aged 0-17, since a count alone ranks wards by their size.`);
  if (ind.polarity === "no-judgement") notes.push(`${ind.name} has no good direction; for ward need a higher value is read as more demand.`);
  const d = ind.denominator;
  const scale = ind.unit === "percent" ? "percent" : "per-10000";
  const ages: [number, number] = d.kind === "population" ? [d.ages[0], d.ages[1]] : [0, 17];
  return {
    indicator: ind, source, scale, multiplier: scale === "percent" ? 100 : 10000, ages,
    needDirection: ind.polarity === "high-is-good" ? -1 : 1,
    denominatorDescription: d.kind === "extract"
      ? (d.description ?? `${ind.numerator.extract.replace(/_/g, " ")} records in the denominator of ${ind.id}`)
      : `children aged ${ages[0]}-${ages[1]} (ONS mid-year estimate)`,
    notes,
    discontinued: source === "catalogue" ? discontinuedView(ind, catalogue) : null
  };
}

/** Every measure a ward can be compared on, indicators first. */
export function targetingMeasures(catalogue: Catalogue): TargetingMeasure[] {
  return [
    ...catalogue.indicators.filter((i) => i.geographies.includes("ward")).map((i) => toMeasure(i, "catalogue", catalogue)),
    ...catalogue.targeting.map((i) => toMeasure(i, "targeting", catalogue))
  ];
}

/** The named measures, in the order given; 404 naming every unknown id (and 400 for a borough-only indicator). */
export function measuresOr404(ids: readonly string[], reference: Pick<Reference, "catalogue" | "targetingMeasures">): TargetingMeasure[] {
  const {catalogue, targetingMeasures: all} = reference;
  const byId = new Map(all.map((m) => [m.indicator.id, m]));
  const boroughOnly = ids.filter((id) => !byId.has(id) && catalogue.byId.has(id));
  if (boroughOnly.length) {
    throw new DomainError("invalid", "not-by-ward", `${boroughOnly.join(", ")} ${boroughOnly.length > 1 ? "are" : "is"} not published by ward, so wards cannot be compared on ${boroughOnly.length > 1 ? "them" : "it"}`,
      {field: "indicators", notByWard: boroughOnly});
  }
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length) {
    throw new DomainError("not-found", "unknown-indicator", `unknown indicator${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `'${u}'`).join(", ")}; wards can be compared on: ${all.map((m) => m.indicator.id).join(", ")}`,
      {field: "indicators", unknown, known: all.map((m) => m.indicator.id)});
  }
  const laCodes = new Set(ids.map((id) => byId.get(id)!.indicator.laCode));
  if (laCodes.size > 1) throw new DomainError("invalid", "mixed-authorities", `the indicators are for different authorities (${[...laCodes].join(", ")}); compare wards of one authority at a time`, {field: "indicators"});
  return ids.map((id) => byId.get(id)!);
}

export function describeMeasure(m: TargetingMeasure) {
  const i = m.indicator;
  return {
    id: i.id, name: i.name, definition: i.definition, technicalDefinition: i.technicalDefinition, source: m.source,
    polarity: i.polarity, catalogueUnit: i.unit, wardScale: m.scale, multiplier: m.multiplier,
    denominator: m.denominatorDescription, kind: i.numerator.kind, needDirection: m.needDirection === 1 ? "higher is more need" : "lower is more need",
    discontinued: m.discontinued,
    notes: m.notes
  };
}
