/**
 * England and statistical-neighbour values, 2008/09–2015/16. Shaped on the DfE statistical
 * releases but illustrative, except the one figure the seeds publish (statistical neighbours'
 * looked-after rate in 2012/13, 74.8 per 10,000).
 */

const PERIODS = ["2008/09", "2009/10", "2010/11", "2011/12", "2012/13", "2013/14", "2014/15", "2015/16"];
const ILLUSTRATIVE = "illustrative, shaped on DfE statistical releases";
const PUBLISHED_SN_CLA = "Luton LSCB annual report 2012/13 (published)";

const SERIES: {id: string; unit: string; england: number[]; neighbours: number[]}[] = [
  {id: "cla-rate", unit: "per-10000", england: [55, 57, 58, 59, 60, 60, 60, 60], neighbours: [66.2, 69.5, 72.1, 73.9, 74.8, 73.1, 71.6, 70.2]},
  {id: "cp-rate", unit: "per-10000", england: [35.1, 35.5, 38.3, 37.8, 37.9, 42.1, 42.9, 43.1], neighbours: [38.2, 40.1, 43.6, 41.5, 40.2, 45.0, 46.3, 45.1]},
  {id: "cp-repeat", unit: "percent", england: [14.0, 13.8, 14.2, 14.9, 14.9, 15.8, 16.6, 17.0], neighbours: [13.1, 13.5, 14.0, 14.4, 15.3, 16.1, 16.9, 17.2]},
  {id: "re-referrals", unit: "percent", england: [24.2, 24.9, 25.9, 25.8, 24.9, 23.4, 24.0, 23.1], neighbours: [25.0, 25.6, 26.4, 26.8, 25.5, 24.1, 23.8, 23.0]},
  {id: "referral-rate", unit: "per-10000", england: [530.1, 554.5, 557.1, 521.1, 520.7, 573.0, 548.3, 532.2], neighbours: [601.2, 640.3, 668.0, 655.9, 610.4, 640.7, 612.8, 598.1]},
  {id: "assessments-on-time", unit: "percent", england: [72.1, 74.0, 77.4, 75.9, 75.5, 76.0, 81.5, 83.4], neighbours: [70.2, 71.9, 74.8, 74.1, 73.7, 75.0, 79.8, 81.9]},
  {id: "neet", unit: "percent", england: [6.0, 6.0, 5.9, 5.8, 5.6, 5.3, 5.3, 5.3], neighbours: [6.4, 6.3, 6.2, 6.0, 5.9, 5.6, 5.5, 5.4]},
  // The 903 and CIN census measures (issue 12). A council's own comparators come from the DfE tables
  // named in data/reference/published-benchmarks.json; these only let the demo show the comparison.
  {id: "cin-rate", unit: "per-10000", england: [322.1, 341.3, 346.2, 325.7, 332.2, 346.4, 337.3, 337.7], neighbours: [355.0, 371.8, 380.4, 362.1, 366.9, 378.2, 371.5, 369.0]},
  {id: "cla-3-placements", unit: "percent", england: [11, 11, 11, 11, 11, 11, 10, 10], neighbours: [11.6, 11.2, 11.5, 11.0, 10.8, 10.9, 10.4, 10.6]},
  {id: "cla-placement-2-5-years", unit: "percent", england: [66, 67, 68, 68, 67, 67, 68, 68], neighbours: [64.8, 66.1, 66.5, 67.2, 66.0, 66.3, 67.1, 66.9]},
  {id: "cla-health-checks", unit: "percent", england: [84.0, 84.3, 85.6, 86.8, 87.4, 88.4, 89.7, 90.0], neighbours: [82.7, 83.5, 84.9, 85.5, 86.6, 87.9, 88.8, 89.5]},
  {id: "cla-dental-checks", unit: "percent", england: [80.3, 81.2, 82.1, 82.2, 82.4, 84.1, 85.8, 84.0], neighbours: [78.9, 80.0, 80.8, 81.3, 81.0, 83.2, 84.9, 83.1]},
  {id: "cla-immunisations", unit: "percent", england: [83.2, 82.8, 79.1, 79.3, 83.2, 87.1, 87.8, 87.2], neighbours: [82.1, 81.9, 78.4, 78.8, 82.5, 86.0, 86.9, 86.3]},
  {id: "care-leavers-eet", unit: "percent", england: [58, 59, 59, 58, 58, 48, 49, 49], neighbours: [55.9, 57.2, 57.0, 56.4, 56.1, 46.8, 47.5, 48.2]},
  {id: "s47-to-icpc", unit: "percent", england: [38.1, 37.2, 36.4, 36.9, 38.0, 37.6, 36.6, 35.8], neighbours: [40.2, 39.0, 38.1, 38.7, 39.4, 38.8, 37.9, 37.1]},
  {id: "icpc-within-15-days", unit: "percent", england: [66.7, 67.2, 68.9, 69.7, 70.5, 74.1, 75.6, 76.7], neighbours: [64.9, 65.8, 67.0, 68.2, 69.1, 72.4, 74.3, 75.2]},
  {id: "cp-ending-2-years", unit: "percent", england: [6.0, 5.9, 5.6, 5.4, 4.9, 4.1, 3.8, 3.7], neighbours: [6.4, 6.1, 5.9, 5.5, 5.1, 4.4, 4.0, 3.9]},
  {id: "cp-reviews-in-time", unit: "percent", england: [97.6, 97.3, 96.7, 96.6, 96.3, 94.3, 93.7, 93.9], neighbours: [97.1, 96.9, 96.2, 96.1, 95.8, 94.0, 93.2, 93.5]},
  {id: "care-leavers-accommodation", unit: "percent", england: [89, 90, 88, 88, 88, 78, 81, 83], neighbours: [87.6, 88.4, 86.9, 87.1, 86.8, 76.5, 79.8, 81.9]}
];

export function BENCHMARKS(): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const s of SERIES) {
    PERIODS.forEach((period, i) => {
      rows.push([s.id, period, "england", s.england[i], s.unit, ILLUSTRATIVE]);
      const published = s.id === "cla-rate" && period === "2012/13";
      rows.push([s.id, period, "statistical-neighbours", s.neighbours[i], s.unit, published ? PUBLISHED_SN_CLA : ILLUSTRATIVE]);
    });
  }
  return rows;
}
