import type {ReferenceData, Ward} from "../reference.js";

/**
 * Matching a publisher's ward (ONS code and name) to a ward of Curve's reference list. The ONS code
 * wins when wards.csv carries it; otherwise the name, compared as a slug ("High Town" = high-town),
 * within the authority. Names alone are safe only inside one ward vintage, which is why a file on
 * another vintage fails loudly instead of matching by accident.
 */
export const slugOf = (name: string) => name.trim().toLowerCase().replace(/&/g, "and").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

export interface WardMatcher {
  laCode: string;
  ladCode: string;
  wards: Ward[];
  match(code: string, name: string): Ward | null;
}

export function wardMatcher(ref: ReferenceData, laCode: string): WardMatcher {
  const ladCode = ref.ladCodes.find((l) => l.la_code === laCode)?.lad_code;
  if (!ladCode) throw new Error(`lad-codes.csv has no ONS local authority district code for DfE LA ${laCode}`);
  const wards = ref.wards.filter((w) => w.la_code === laCode);
  const byCode = new Map(wards.filter((w) => w.ons_code).map((w) => [w.ons_code, w]));
  const byName = new Map(wards.map((w) => [slugOf(w.name), w]));
  return {
    laCode, ladCode, wards,
    match: (code, name) => byCode.get(code) ?? byName.get(slugOf(name)) ?? byName.get(slugOf(name.replace(/^south luton$/i, "South"))) ?? null
  };
}
