/**
 * The places the reference data describes. Ward names, areas and the 2003–2023 ward set are
 * from the Luton papers; populations and deprivation scores are illustrative (see
 * data/reference/README.md).
 */

export const LUTON = "821";
export const LEEDS = "383";

export interface PlaceSpec {
  id: string;
  name: string;
  area: string;
  /**
   * Children 0–17 in mid-2012 (illustrative). Mid-2012 is the estimate a rate at 31 March 2013 is
   * divided by (the mid-year in the financial year the date falls in, as DfE does and as the API's
   * `populationYear` does), so Luton's wards sum to the LSCB's 49,050: 388 looked after = 79.1.
   */
  childrenMid2012: number;
  /** IDACI-like share of children in income-deprived families (illustrative). */
  idaci: number;
  /** Annual growth in the child population. */
  growth: number;
  /** How much younger the age profile is than the borough's (0 = flat). */
  youth: number;
}

export const LUTON_AREAS = [
  {id: "central", name: "Central"},
  {id: "north", name: "North"},
  {id: "east", name: "East"},
  {id: "south", name: "South"},
  {id: "west", name: "West"}
];

// Target wards are bigger, younger and poorer: the strategy chose them for that reason.
export const LUTON_WARDS: PlaceSpec[] = [
  {id: "barnfield", name: "Barnfield", area: "central", childrenMid2012: 2250, idaci: 0.14, growth: 0.011, youth: 0.06},
  {id: "biscot", name: "Biscot", area: "central", childrenMid2012: 3350, idaci: 0.43, growth: 0.015, youth: 0.22},
  {id: "bramingham", name: "Bramingham", area: "north", childrenMid2012: 2150, idaci: 0.09, growth: 0.010, youth: 0.03},
  {id: "challney", name: "Challney", area: "west", childrenMid2012: 2700, idaci: 0.27, growth: 0.012, youth: 0.12},
  {id: "crawley", name: "Crawley", area: "east", childrenMid2012: 2450, idaci: 0.21, growth: 0.011, youth: 0.07},
  {id: "dallow", name: "Dallow", area: "south", childrenMid2012: 3500, idaci: 0.46, growth: 0.016, youth: 0.24},
  {id: "farley", name: "Farley", area: "south", childrenMid2012: 2750, idaci: 0.32, growth: 0.012, youth: 0.11},
  {id: "high-town", name: "High Town", area: "central", childrenMid2012: 2600, idaci: 0.38, growth: 0.016, youth: 0.2},
  {id: "icknield", name: "Icknield", area: "north", childrenMid2012: 2050, idaci: 0.12, growth: 0.010, youth: 0.02},
  {id: "leagrave", name: "Leagrave", area: "west", childrenMid2012: 2700, idaci: 0.29, growth: 0.012, youth: 0.09},
  {id: "lewsey", name: "Lewsey", area: "west", childrenMid2012: 2750, idaci: 0.33, growth: 0.012, youth: 0.1},
  {id: "limbury", name: "Limbury", area: "north", childrenMid2012: 2300, idaci: 0.19, growth: 0.011, youth: 0.05},
  {id: "northwell", name: "Northwell", area: "north", childrenMid2012: 2900, idaci: 0.35, growth: 0.014, youth: 0.19},
  {id: "round-green", name: "Round Green", area: "east", childrenMid2012: 2600, idaci: 0.25, growth: 0.011, youth: 0.08},
  {id: "saints", name: "Saints", area: "central", childrenMid2012: 2650, idaci: 0.28, growth: 0.013, youth: 0.13},
  {id: "south", name: "South", area: "south", childrenMid2012: 2650, idaci: 0.4, growth: 0.016, youth: 0.21},
  {id: "stopsley", name: "Stopsley", area: "east", childrenMid2012: 1950, idaci: 0.1, growth: 0.009, youth: 0.0},
  {id: "sundon-park", name: "Sundon Park", area: "north", childrenMid2012: 2400, idaci: 0.22, growth: 0.011, youth: 0.07},
  {id: "wigmore", name: "Wigmore", area: "east", childrenMid2012: 2350, idaci: 0.15, growth: 0.010, youth: 0.04}
];

export const TARGET_WARDS = ["biscot", "dallow", "high-town", "northwell", "south"];

/** Leeds is modelled at the 25 clusters of its 2013 OBA work; only JESS and Inner East are named. */
export function leedsClusters(): {id: string; name: string}[] {
  const out = [
    {id: "leeds-jess", name: "JESS"},
    {id: "leeds-inner-east", name: "Inner East"}
  ];
  for (let i = 3; i <= 25; i++) {
    const n = String(i).padStart(2, "0");
    out.push({id: `leeds-cluster-${n}`, name: `Cluster ${n}`});
  }
  return out;
}

export const REGIONS = [
  "North East",
  "North West",
  "Yorkshire and The Humber",
  "East Midlands",
  "West Midlands",
  "East of England",
  "London",
  "South East",
  "South West"
] as const;
