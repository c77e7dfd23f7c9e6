/**
 * Tables the demo reproduces exactly, transcribed from the Luton Safeguarding Children Board
 * annual report 2012/13 (CAFs completed by area and quarter; CAFs by referring agency; MARAC
 * performance data April 2012 – March 2013) and the Early Help Strategy 2014–17 (ethnicity of
 * children coming into care and in care). null = blank in the source.
 */
import type {Ethnicity} from "../codes.js";
import type {CafTables} from "./early-help.js";
import type {MaracMeeting} from "./marac.js";

export const CAF_TABLES: CafTables = {
  areas: {
    Central: [15, 8, 14, 6, 11, 22, 18, null],
    East: [6, 5, 7, 7, 16, 13, 9, 10],
    North: [12, 13, 10, 10, 28, 5, 5, 14],
    South: [5, 13, 10, 13, 30, 15, 9, 18],
    West: [15, 11, 22, 5, 25, 34, 16, 14],
  },
  agencies: {
    Schools: [35, 27, 28, 30, 32, 24, 28, 29],
    Health: [7, 11, 16, 5, 12, 5, 10, 10],
    RAT: [null, null, null, null, 58, 52, 10, 6],
    LBC: [11, 11, 17, 6, 7, 7, 9, 6],
    YOS: [null, null, null, null, null, null, 13, 7],
    Other: [0, 1, 2, 0, 0, 0, 0, 0],
    GCP: [null, null, null, null, null, 10, 0, null],
  }
};

export const MARAC_2012_13: MaracMeeting[] = [
  {meeting: "03/04/2012", cases: 23, repeat_cases: 7, children_in_household: 31, referring_agency: {"Police": 10, "IDVA": 6, "Children's Social Care": 0, "Community Services": 1, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 1, "School": 0, "Housing": 0, "SEPT Mental Health": 0, "Probation": 5, "Voluntary Sector (Women's Aid, LAWC)": 0, "Substance Abuse": 0, "Adult Social Care": 0}},
  {meeting: "01/05/2012", cases: 20, repeat_cases: 7, children_in_household: 31, referring_agency: {"Police": 12, "IDVA": 4, "Children's Social Care": 0, "Community Services": 0, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 1, "School": 0, "Housing": 1, "SEPT Mental Health": 0, "Probation": 0, "Voluntary Sector (Women's Aid, LAWC)": 1, "Substance Abuse": 0, "Adult Social Care": 1}},
  {meeting: "12/06/2012", cases: 30, repeat_cases: 12, children_in_household: 24, referring_agency: {"Police": 9, "IDVA": 10, "Children's Social Care": 1, "Community Services": 0, "Secondary Care Health trust/ L&D": 1, "Educational / FE": 0, "School": 3, "Housing": 1, "SEPT Mental Health": 2, "Probation": 1, "Voluntary Sector (Women's Aid, LAWC)": 0, "Substance Abuse": 0, "Adult Social Care": 2}},
  {meeting: "03/07/2012", cases: 28, repeat_cases: 7, children_in_household: 35, referring_agency: {"Police": 15, "IDVA": 5, "Children's Social Care": 3, "Community Services": 0, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 2, "School": 0, "Housing": 0, "SEPT Mental Health": 0, "Probation": 1, "Voluntary Sector (Women's Aid, LAWC)": 0, "Substance Abuse": 0, "Adult Social Care": 2}},
  {meeting: "07&21/08/12", cases: 49, repeat_cases: 11, children_in_household: 76, referring_agency: {"Police": 36, "IDVA": 7, "Children's Social Care": 2, "Community Services": 0, "Secondary Care Health trust/ L&D": 1, "Educational / FE": 1, "School": 0, "Housing": 0, "SEPT Mental Health": 0, "Probation": 1, "Voluntary Sector (Women's Aid, LAWC)": 1, "Substance Abuse": 0, "Adult Social Care": 0}},
  {meeting: "11/09/2012", cases: 24, repeat_cases: 5, children_in_household: 39, referring_agency: {"Police": 16, "IDVA": 3, "Children's Social Care": 2, "Community Services": 0, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 1, "School": 0, "Housing": 0, "SEPT Mental Health": 0, "Probation": 0, "Voluntary Sector (Women's Aid, LAWC)": 0, "Substance Abuse": 0, "Adult Social Care": 2}},
  {meeting: "02/10/2012", cases: 27, repeat_cases: 9, children_in_household: 32, referring_agency: {"Police": 11, "IDVA": 5, "Children's Social Care": 3, "Community Services": 0, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 0, "School": 2, "Housing": 0, "SEPT Mental Health": 0, "Probation": 2, "Voluntary Sector (Women's Aid, LAWC)": 1, "Substance Abuse": 1, "Adult Social Care": 2}},
  {meeting: "06/11/2012", cases: 26, repeat_cases: 8, children_in_household: 39, referring_agency: {"Police": 13, "IDVA": 9, "Children's Social Care": 2, "Community Services": 0, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 1, "School": 0, "Housing": 0, "SEPT Mental Health": 1, "Probation": 0, "Voluntary Sector (Women's Aid, LAWC)": 0, "Substance Abuse": 0, "Adult Social Care": 0}},
  {meeting: "04&18/12/12", cases: 47, repeat_cases: 16, children_in_household: 78, referring_agency: {"Police": 29, "IDVA": 15, "Children's Social Care": 1, "Community Services": 0, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 1, "School": 0, "Housing": 0, "SEPT Mental Health": 0, "Probation": 1, "Voluntary Sector (Women's Aid, LAWC)": 0, "Substance Abuse": 0, "Adult Social Care": 0}},
  {meeting: "08&29/01/13", cases: 40, repeat_cases: 13, children_in_household: 78, referring_agency: {"Police": 20, "IDVA": 9, "Children's Social Care": 3, "Community Services": 0, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 4, "School": 0, "Housing": 0, "SEPT Mental Health": 0, "Probation": 0, "Voluntary Sector (Women's Aid, LAWC)": 1, "Substance Abuse": 0, "Adult Social Care": 3}},
  {meeting: "19/02/2013", cases: 24, repeat_cases: 8, children_in_household: 38, referring_agency: {"Police": 12, "IDVA": 8, "Children's Social Care": 1, "Community Services": 0, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 2, "School": 0, "Housing": 0, "SEPT Mental Health": 1, "Probation": 0, "Voluntary Sector (Women's Aid, LAWC)": 0, "Substance Abuse": 0, "Adult Social Care": 0}},
  {meeting: "12/03/2013", cases: 25, repeat_cases: 6, children_in_household: 24, referring_agency: {"Police": 10, "IDVA": 7, "Children's Social Care": 1, "Community Services": 1, "Secondary Care Health trust/ L&D": 0, "Educational / FE": 2, "School": 1, "Housing": 0, "SEPT Mental Health": 1, "Probation": 0, "Voluntary Sector (Women's Aid, LAWC)": 0, "Substance Abuse": 0, "Adult Social Care": 2}},
];

export const MARAC_2012_13_TOTAL: MaracMeeting = {meeting: "TOTAL", cases: 363, repeat_cases: 109, children_in_household: 525, referring_agency: {"Police": 193, "IDVA": 88, "Children's Social Care": 19, "Community Services": 2, "Secondary Care Health trust/ L&D": 2, "Educational / FE": 16, "School": 6, "Housing": 2, "SEPT Mental Health": 5, "Probation": 11, "Voluntary Sector (Women's Aid, LAWC)": 4, "Substance Abuse": 1, "Adult Social Care": 14}};

/**
 * Ethnicity of children coming into care in 2012/13 and of children in care at 31 March 2013, by
 * SSDA903 code (Early Help Strategy 2014–17, "Ethnicity of Children Coming into Care and In Care
 * 2012/13", from Luton BC's analysis of children in care, December 2013). The columns sum to the
 * printed totals, 157 and 388. The extracts carry the group; Chinese is in Other, as DfE groups it.
 */
export const CARE_ETHNICITY_2012_13: readonly {code: string; group: Ethnicity; starters: number; inCare: number}[] = [
  {code: "WBRI", group: "White", starters: 59, inCare: 208},
  {code: "WIRI", group: "White", starters: 3, inCare: 3},
  {code: "WOTH", group: "White", starters: 17, inCare: 19},
  {code: "WIRT", group: "White", starters: 0, inCare: 0},
  {code: "WROM", group: "White", starters: 0, inCare: 0},
  {code: "MWBC", group: "Mixed", starters: 10, inCare: 16},
  {code: "MWBA", group: "Mixed", starters: 2, inCare: 6},
  {code: "MWAS", group: "Mixed", starters: 10, inCare: 21},
  {code: "MOTH", group: "Mixed", starters: 9, inCare: 13},
  {code: "AIND", group: "Asian", starters: 2, inCare: 0},
  {code: "APKN", group: "Asian", starters: 7, inCare: 28},
  {code: "ABAN", group: "Asian", starters: 6, inCare: 21},
  {code: "AOTH", group: "Asian", starters: 5, inCare: 6},
  {code: "BCRB", group: "Black", starters: 5, inCare: 15},
  {code: "BAFR", group: "Black", starters: 5, inCare: 6},
  {code: "BOTH", group: "Black", starters: 1, inCare: 8},
  {code: "CHNE", group: "Other", starters: 1, inCare: 1},
  {code: "OOTH", group: "Other", starters: 13, inCare: 15},
  {code: "REFU", group: "Missing", starters: 0, inCare: 0},
  {code: "NOBT", group: "Missing", starters: 2, inCare: 2}
];

/** The table above by the extracts' ethnic group: starters 2012/13 and in care at 31 March 2013. */
export function careEthnicityByGroup(column: "starters" | "inCare"): Record<Ethnicity, number> {
  const out = {Asian: 0, Black: 0, Mixed: 0, Other: 0, White: 0, Missing: 0} satisfies Record<Ethnicity, number>;
  for (const row of CARE_ETHNICITY_2012_13) out[row.group] += row[column];
  return out;
}
