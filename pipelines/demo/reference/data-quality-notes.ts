/** Known problems in the published source tables that the demo extracts carry on purpose. */
export const DATA_QUALITY_NOTES = [
  {
    extract: "early_help",
    indicator: "caf-completed",
    breakdown: "area",
    period: "2012/13 Q4",
    area: "central",
    finding:
      "Central's count of CAFs completed in 2012/13 Q4 is blank in the source (Luton LSCB annual report 2012/13, Table 1: number of CAFs completed). The published total (56) implies 0 (East 10 + North 14 + South 18 + West 14 = 56), so the demo extract has no Central CAF completed in that quarter; a dashboard should show the source's blank as 'not reported, implied 0', not as a measured zero."
  },
  {
    extract: "early_help",
    indicator: "caf-completed",
    breakdown: "agency",
    period: "2012/13",
    area: "all",
    finding:
      "The source's CAFs-by-referring-agency table (Table 2) does not reconcile with its area table in 2012/13: agency sums for Q1–Q4 are 109, 98, 70 and 58 against area totals of 110, 89, 57 and 56, and several agency cells (RAT, YOS, GCP) are blank. A CAF has one lead agency and one quarter, so no extract can reproduce both tables. The demo extract keeps the area table exactly and scales each 2012/13 quarter of Table 2 to the area total (largest remainder): Q1 Schools 32, Health 12, RAT 59, LBC 7 (printed 58 RAT); Q2 Schools 22, Health 5, RAT 47, LBC 6, GCP 9 (printed 24, 5, 52, 7, 10); Q3 Schools 23, Health 8, RAT 8, LBC 7, YOS 11 (printed 28, 10, 10, 9, 13); Q4 Schools 28, Health 9, RAT 6, LBC 6, YOS 7 (printed 29, 10, 6, 6, 7). Counting 2012/13 CAFs by agency therefore differs from the printed Table 2 by these amounts. 2011/12 reconciles (53, 50, 63, 41) and is reproduced cell for cell."
  }
];
