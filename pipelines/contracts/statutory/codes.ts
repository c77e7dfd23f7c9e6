/**
 * DfE code lists shared by the statutory returns (CIN census, Annex A, SSD) and how each maps onto
 * Curve's own vocabulary in pipelines/contracts/extracts.ts. Codes Curve does not know are passed
 * through unchanged so the extract contract quarantines them with its own rule and message.
 */

/** DfE ethnicity codes (CIN census, SSDA903, school census) to Curve's major groups. */
export const ETHNICITY_GROUP: Readonly<Record<string, string>> = {
  WBRI: "White", WIRI: "White", WIRT: "White", WOTH: "White", WROM: "White",
  MWBC: "Mixed", MWBA: "Mixed", MWAS: "Mixed", MOTH: "Mixed",
  AIND: "Asian", APKN: "Asian", ABAN: "Asian", AOTH: "Asian",
  BCRB: "Black", BAFR: "Black", BOTH: "Black",
  // DfE's children in need and looked-after publications count Chinese among "other ethnic groups".
  CHNE: "Other", OOTH: "Other",
  REFU: "Missing", NOBT: "Missing"
};

/** Maps a DfE ethnicity code to Curve's group; an unknown code passes through for the contract to reject. */
export function ethnicityGroup(code: string | null): string | null {
  if (code === null) return null;
  const c = code.trim().toUpperCase();
  // The SSD guidance misspells Chinese as CNHE; councils following it should not be quarantined.
  if (c === "CNHE") return "Other";
  return ETHNICITY_GROUP[c] ?? code.trim();
}

/** Yes/no as the returns spell it: true/false, 1/0, Y/N, Yes/No, "a) Yes". Null when it is neither. */
export function yesNo(text: string | null): boolean | null {
  if (text === null) return null;
  const t = text.trim().toLowerCase().replace(/^[a-z]\)\s*/, "");
  if (["true", "1", "y", "yes"].includes(t)) return true;
  if (["false", "0", "n", "no"].includes(t)) return false;
  return null;
}

export const CP_CATEGORY_CODES = ["NEG", "PHY", "SAB", "EMO", "MUL"];

/** A category of abuse as a code, from a code ("NEG") or a label ("Neglect", "a) Neglect", "Multiple: ..."). */
export function categoryOfAbuse(text: string | null): string | null {
  if (text === null) return null;
  const t = text.trim();
  const upper = t.toUpperCase();
  if (CP_CATEGORY_CODES.includes(upper)) return upper;
  const labels: [RegExp, string][] = [
    [/neglect/i, "NEG"], [/physical/i, "PHY"], [/sexual/i, "SAB"], [/emotional/i, "EMO"], [/multiple|not recommended/i, "MUL"]
  ];
  for (const [re, code] of labels) if (re.test(t)) return code;
  const token = /\b(NEG|PHY|SAB|EMO|MUL)\b/i.exec(t);
  return token ? token[1].toUpperCase() : t;
}

/** The DfE code at the start of a labelled cell: "a) 1A: Individual" → 1A, "E11: Adopted" → E11, "N1 - Abuse" → N1. */
export function leadingCode(text: string | null, pattern: RegExp): string | null {
  if (text === null) return null;
  const t = text.trim().replace(/^[a-z]\d?\)\s*/i, "");
  const m = pattern.exec(t);
  return m ? m[1].toUpperCase() : t;
}

/** A sex as M/F/U from any of the returns' spellings (1/2/9/0, M/F/U, "a) Male", "Female"); unknown text passes through. */
export function sexMfu(text: string | null): string | null {
  if (text === null) return null;
  const t = text.trim().toLowerCase().replace(/^[a-z]\)\s*/, "");
  if (["1", "m", "male", "01"].includes(t)) return "M";
  if (["2", "f", "female", "02"].includes(t)) return "F";
  if (["9", "0", "u", "00", "09", "unknown", "not known", "not stated/recorded", "neither", "indeterminate"].includes(t) || t.startsWith("not stated")) return "U";
  return text.trim();
}

/**
 * The sex code Curve's contract expects for a collection year (the April it starts): M/F/U from
 * 2024-25, 1/2/9 before (Curve's older coding reads 9 as not known). Sources without a year of their
 * own (Annex A, SSD) are coded M/F/U by their parsers and converted here once the door knows the year.
 */
export function sexCodeFor(mfu: string | null, collectionYear: number): string | null {
  if (mfu === null || collectionYear >= 2024) return mfu;
  return ({M: "1", F: "2", U: "9"} as Record<string, string>)[mfu] ?? mfu;
}

/** An ethnicity group from a DfE code or its label ("a) WBRI", "White British", "Any other Black background"). */
export function ethnicityFromLabel(text: string | null): string | null {
  if (text === null) return null;
  const code = /\b([A-Z]{4})\b/.exec(text.trim())?.[1];
  if (code && (ETHNICITY_GROUP[code] || code === "CNHE")) return ethnicityGroup(code);
  const t = text.toLowerCase();
  const labels: [RegExp, string][] = [
    [/refus|not (yet )?obtained|not known|unknown/, "Missing"], [/mixed|white and/, "Mixed"],
    [/white|irish|gypsy|roma|traveller/, "White"], [/asian|indian|pakistani|bangladeshi/, "Asian"],
    [/black|caribbean|african/, "Black"], [/chinese|other/, "Other"]
  ];
  for (const [re, group] of labels) if (re.test(t)) return group;
  return text.trim();
}
