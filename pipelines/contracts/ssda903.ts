/**
 * The SSDA903 return (children looked after), as data: its tables, their DfE column names, which
 * columns may be blank, and each coded column's list, per return year. A year's change is an entry
 * in VERSIONS, not code. Facts from the DfE 903 guidance as transcribed by SocialFinanceDigitalLabs/
 * liia-tools (liiatools/spec/s903/SSDA903_schema_2017/2021/2024); `dfe` is the DfE validation rule
 * that fires on a bad value of that column, where one exists.
 *
 * A return year is the year ending 31 March: 2013 is the 2012-13 return (1 April 2012 to 31 March 2013).
 */

export type ColumnKind = "id" | "date" | "code" | "int" | "text";

export interface Ssda903Column {
  name: string;
  kind: ColumnKind;
  /** DfE "canbeblank: no". */
  required: boolean;
  codes?: readonly string[];
  /** Identifies a child (child id, UPN, dates of birth, postcodes): never quoted in any message. */
  identity?: boolean;
  /** DfE validation rule for an invalid value (e.g. "143" for RNE). */
  dfe?: string;
  label: string;
}

export interface Ssda903Table {
  /** e.g. "episodes": the format is `ssda903:episodes`. */
  table: string;
  /** The table's name in the DfE specification. */
  dfeName: string;
  columns: Ssda903Column[];
}

const BOOL = ["0", "1"] as const;
const LS = ["C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"] as const;
const RNE = ["S", "L", "P", "T", "B", "U"] as const;
const CIN = ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"] as const;
const PLACE = ["A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4",
  "U1", "U2", "U3", "U4", "U5", "U6", "Z1"] as const;
const PLACE_PROVIDER = ["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"] as const;
const REC_2017 = ["X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E43", "E44", "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8"] as const;
/** 2020-21: E43/E44 (residence and special guardianship to former foster carers / others) split into E45–E48. */
const REC_2021 = ["X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8"] as const;
const RPC_2017 = ["CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE", "OTHER"] as const;
const RPC_2021 = [...RPC_2017.slice(0, 10), "CUSTOD", "OTHER"] as const;
export const ETHNIC = ["WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH",
  "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"] as const;
const ACTIV_2017 = ["F1", "P1", "F2", "P2", "F3", "P3", "G4", "G5", "G6", "0"] as const;
/** 2023-24: F3/P3 replaced by F4/P4 and F5/P5. */
const ACTIV_2024 = ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"] as const;
const ACCOM = ["B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2", "S1", "S2", "T1", "T2",
  "U1", "U2", "V1", "V2", "W1", "W2", "X1", "X2", "Y1", "Y2", "Z1", "Z2", "0"] as const;

const child = (): Ssda903Column => ({name: "CHILD", kind: "id", required: true, identity: true, label: "child id"});
const dob = (): Ssda903Column => ({name: "DOB", kind: "date", required: true, identity: true, dfe: "102", label: "date of birth"});
const date = (name: string, label: string, required: boolean, dfe?: string): Ssda903Column => ({name, kind: "date", required, label, ...(dfe ? {dfe} : {})});
const code = (name: string, label: string, codes: readonly string[], required: boolean, dfe?: string): Ssda903Column =>
  ({name, kind: "code", required, codes, label, ...(dfe ? {dfe} : {})});
const flag = (name: string, label: string) => code(name, label, BOOL, false);

function tables(v: {rec: readonly string[]; rpc: readonly string[]; activ: readonly string[]; socialWorker: boolean}): Ssda903Table[] {
  const list: Ssda903Table[] = [
    {table: "header", dfeName: "Header", columns: [
      child(),
      code("SEX", "sex", ["1", "2"], true, "101"),
      dob(),
      code("ETHNIC", "ethnicity", ETHNIC, true, "103"),
      {name: "UPN", kind: "text", required: true, identity: true, label: "unique pupil number"},
      flag("MOTHER", "the child is a mother"),
      {name: "MC_DOB", kind: "date", required: false, identity: true, label: "date of birth of the child's child"}
    ]},
    {table: "episodes", dfeName: "Episodes", columns: [
      child(),
      date("DECOM", "date episode began", true, "141"),
      code("RNE", "reason for new episode", RNE, true, "143"),
      code("LS", "legal status", LS, true, "144"),
      code("CIN", "category of need", CIN, true, "145"),
      code("PLACE", "placement type", PLACE, true, "146"),
      code("PLACE_PROVIDER", "placement provider", PLACE_PROVIDER, false),
      date("DEC", "date episode ceased", false, "147"),
      code("REC", "reason episode ceased", v.rec, false, "149"),
      code("REASON_PLACE_CHANGE", "reason for placement change", v.rpc, false),
      {name: "HOME_POST", kind: "text", required: false, identity: true, label: "home postcode"},
      {name: "PL_POST", kind: "text", required: false, identity: true, label: "placement postcode"},
      {name: "URN", kind: "text", required: false, label: "placement provider URN"}
    ]},
    {table: "uasc", dfeName: "UASC", columns: [child(), dob(), code("SEX", "sex", ["1", "2"], true, "101"), date("DUC", "date UASC status ceased", false)]},
    {table: "missing", dfeName: "Missing", columns: [
      child(), dob(), code("MISSING", "missing or away without authorisation", ["M", "A"], true),
      date("MIS_START", "start of missing episode", true), date("MIS_END", "end of missing episode", false)
    ]},
    {table: "oc2", dfeName: "OC2", columns: [
      child(), dob(), {name: "SDQ_SCORE", kind: "int", required: false, label: "SDQ score"},
      code("SDQ_REASON", "reason no SDQ", ["SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"], false),
      flag("CONVICTED", "convicted"), flag("HEALTH_CHECK", "health check"), flag("IMMUNISATIONS", "immunisations"),
      flag("TEETH_CHECK", "teeth check"), flag("HEALTH_ASSESSMENT", "health assessment"), flag("SUBSTANCE_MISUSE", "substance misuse"),
      flag("INTERVENTION_RECEIVED", "intervention received"), flag("INTERVENTION_OFFERED", "intervention offered")
    ]},
    {table: "oc3", dfeName: "OC3", columns: [
      child(), dob(), code("IN_TOUCH", "in touch", ["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"], true),
      code("ACTIV", "main activity", v.activ, true), code("ACCOM", "accommodation", ACCOM, true)
    ]},
    {table: "reviews", dfeName: "Reviews", columns: [
      child(), dob(), date("REVIEW", "review date", true),
      code("REVIEW_CODE", "participation in review", ["PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"], true)
    ]},
    {table: "ad1", dfeName: "AD1", columns: [
      child(), dob(), date("DATE_INT", "date of decision that the child should be placed for adoption", true),
      date("DATE_MATCH", "date matched", true), code("FOSTER_CARE", "adopted by foster carer", BOOL, true),
      {name: "NB_ADOPTR", kind: "int", required: true, label: "number of adopters"},
      code("SEX_ADOPTR", "sex of adopters", ["M1", "F1", "MM", "FF", "MF"], true),
      code("LS_ADOPTR", "legal status of adopters", ["L0", "L11", "L12", "L2", "L3", "L4"], true)
    ]},
    {table: "placed_adoption", dfeName: "PlacedAdoption", columns: [
      child(), dob(), date("DATE_PLACED", "date placed for adoption", true), date("DATE_PLACED_CEASED", "date placement ceased", false),
      code("REASON_PLACED_CEASED", "reason placement ceased", ["RD1", "RD2", "RD3", "RD4"], false)
    ]},
    {table: "prev_perm", dfeName: "PrevPerm", columns: [
      child(), dob(), code("PREV_PERM", "previous permanence", ["P1", "P2", "P3", "P4", "Z1"], true),
      {name: "LA_PERM", kind: "text", required: false, label: "authority of previous permanence"},
      {name: "DATE_PERM", kind: "text", required: false, label: "date of previous permanence (may be partial)"}
    ]}
  ];
  if (v.socialWorker) {
    list.push({table: "social_worker", dfeName: "SocialWorker", columns: [
      child(), dob(), {name: "SW_ID", kind: "text", required: true, label: "social worker id"},
      date("SW_DECOM", "social worker episode began", true), date("SW_DEC", "social worker episode ceased", false),
      code("SW_REASON", "reason for social worker change", ["MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS"], false)
    ]});
  }
  return list;
}

/** Each version applies from its return year until the next; the first also covers earlier years. */
const VERSIONS: {from: number; tables: Ssda903Table[]}[] = [
  {from: 2017, tables: tables({rec: REC_2017, rpc: RPC_2017, activ: ACTIV_2017, socialWorker: false})},
  {from: 2021, tables: tables({rec: REC_2021, rpc: RPC_2021, activ: ACTIV_2017, socialWorker: false})},
  {from: 2024, tables: tables({rec: REC_2021, rpc: RPC_2021, activ: ACTIV_2024, socialWorker: true})}
];

/** The 903 tables for a return year (the year ending 31 March); null year = the newest version. */
export function ssda903Tables(year: number | null): Ssda903Table[] {
  if (year === null) return VERSIONS[VERSIONS.length - 1].tables;
  return [...VERSIONS].reverse().find((v) => year >= v.from)?.tables ?? VERSIONS[0].tables;
}

/** Every table name in any version, for recognition (a file is recognised before its year is known). */
export const ALL_TABLES: Ssda903Table[] = (() => {
  const byName = new Map<string, Ssda903Table>();
  for (const v of VERSIONS) for (const t of v.tables) byName.set(t.table, t);
  return [...byName.values()];
})();

/** 903 ethnicity codes to the major groups Curve publishes (Chinese is in "Other", as in DfE's CLA tables). */
export function ethnicGroup(code: string): string | null {
  if (code === "REFU" || code === "NOBT") return "Missing";
  if (code === "CHNE" || code === "OOTH") return "Other";
  const group: Record<string, string> = {W: "White", M: "Mixed", A: "Asian", B: "Black"};
  return (ETHNIC as readonly string[]).includes(code) ? group[code[0]] ?? null : null;
}
