/**
 * The commissioning catalogue. Programme names are real models; provider names and all costs,
 * measures and thresholds are illustrative. Every outcome measure is scored so that higher is
 * better, so "reliably improved" is always post − pre ≥ reliable_change.
 */

export interface ProgrammeSpec {
  programme_id: string;
  name: string;
  level_of_need: number[];
  age_band: "0-2" | "0-5" | "5-17" | "0-17" | "11-17";
  outcome_measure: string;
  reliable_change: number;
  unit_cost: number;
}

export interface ProviderSpec {
  provider_id: string;
  name: string;
  kind: "in-house" | "commissioned";
  programmes: ProgrammeSpec[];
}

const WEMWBS = "Warwick-Edinburgh Mental Wellbeing Scale, parent (14-70, higher is better)";

export const PROVIDERS: ProviderSpec[] = [
  {
    provider_id: "fnp-luton",
    name: "Luton Family Nurse Partnership",
    kind: "commissioned",
    programmes: [
      {programme_id: "family-nurse-partnership", name: "Family Nurse Partnership", level_of_need: [2, 3], age_band: "0-2", outcome_measure: "Parenting self-efficacy, TOPSE-like (0-100, higher is better)", reliable_change: 8, unit_cost: 3450}
    ]
  },
  {
    provider_id: "parenting-works",
    name: "Parenting Works Luton (voluntary sector)",
    kind: "commissioned",
    programmes: [
      {programme_id: "triple-p", name: "Triple P Positive Parenting Programme (level 4)", level_of_need: [2, 3], age_band: "0-17", outcome_measure: WEMWBS, reliable_change: 3, unit_cost: 640}
    ]
  },
  {
    provider_id: "lbc-family-support",
    name: "LBC Family Support Team",
    kind: "in-house",
    programmes: [
      {programme_id: "triple-p", name: "Triple P Positive Parenting Programme (level 4)", level_of_need: [2, 3, 4], age_band: "0-17", outcome_measure: WEMWBS, reliable_change: 3, unit_cost: 780}
    ]
  },
  {
    provider_id: "lbc-stronger-families",
    name: "Stronger Families Key Work Service",
    kind: "in-house",
    programmes: [
      {programme_id: "stronger-families-key-work", name: "Stronger Families key worker support", level_of_need: [3, 4], age_band: "0-17", outcome_measure: "Family Star Plus-like (10-100, higher is better)", reliable_change: 10, unit_cost: 3900}
    ]
  },
  {
    provider_id: "home-start-luton",
    name: "Home-Start Luton",
    kind: "commissioned",
    programmes: [
      {programme_id: "home-start-visiting", name: "Home-Start home visiting", level_of_need: [2, 3], age_band: "0-5", outcome_measure: "Parenting Daily Hassles-like, inverted (0-100, higher is better)", reliable_change: 9, unit_cost: 1150}
    ]
  },
  {
    provider_id: "beds-dapp",
    name: "Bedfordshire Domestic Abuse Perpetrator Programme",
    kind: "commissioned",
    programmes: [
      {programme_id: "dapp", name: "Domestic abuse perpetrator programme (26 weeks)", level_of_need: [3, 4], age_band: "0-17", outcome_measure: "Abusive Behaviour Inventory-like, inverted (0-60, higher is better)", reliable_change: 6, unit_cost: 2650}
    ]
  },
  {
    provider_id: "yp-substance-misuse",
    name: "Young People's Substance Misuse Service",
    kind: "commissioned",
    programmes: [
      {programme_id: "yp-substance-misuse", name: "Young people's substance misuse treatment", level_of_need: [2, 3, 4], age_band: "11-17", outcome_measure: "Young people's outcome record, TOP-like, inverted (0-40, higher is better)", reliable_change: 5, unit_cost: 880}
    ]
  },
  {
    provider_id: "lbc-fgc",
    name: "LBC Family Group Conference Service",
    kind: "in-house",
    programmes: [
      {programme_id: "family-group-conference", name: "Family group conference", level_of_need: [3, 4], age_band: "0-17", outcome_measure: "Family safety and support scale (0-50, higher is better)", reliable_change: 5, unit_cost: 1450}
    ]
  }
];
