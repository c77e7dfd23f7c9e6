/** Known problems in the published source tables that the demo extracts carry on purpose. */
export const DATA_QUALITY_NOTES = [
  {
    extract: "early_help",
    period: "2012/13 Q4",
    area: "central",
    finding:
      "Central's count of CAFs completed in 2012/13 Q4 is blank in the source (Luton LSCB annual report 2012/13, Table 1: number of CAFs completed). The published total (56) implies 0 (East 10 + North 14 + South 18 + West 14 = 56), so the demo extract has no Central CAF completed in that quarter; a dashboard should show the source's blank as 'not reported, implied 0', not as a measured zero."
  },
  {
    extract: "early_help",
    period: "2012/13",
    area: "all",
    finding:
      "The source's CAFs-by-referring-agency table (Table 2) does not reconcile with the area table: agency sums for 2012/13 Q1–Q4 are 109, 98, 70 and 58 against area totals of 110, 89, 57 and 56, and several agency cells (RAT, YOS, GCP) are blank. The demo extract follows the area table exactly; lead_agency is drawn in the agency table's proportions, so counting by agency will not reproduce Table 2."
  }
];
