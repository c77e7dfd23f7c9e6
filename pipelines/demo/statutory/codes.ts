/** Curve's codes as the statutory formats write them. */
import type {Concern, ReferralSource} from "../codes.js";
import {NEED_CODE_BY_CONCERN, OTHER_NEED_CODES} from "../../door/cin-concern-map.js";
import {mix} from "./identity.js";

/**
 * The need code for a referral's concern, from the one mapping the importers read back with
 * (data/reference/cin-need-concerns.json through pipelines/door/cin-concern-map.ts). A concern with
 * no code of its own (by default "other") spreads over the unmapped codes: N2, N3, N6, N7 (and in
 * the census N9 too; never N0, "not stated"); the 903 CIN column allows N1–N8 only.
 */
export function needCodeFor(concern: Concern, salt: number, for903 = false): string {
  const own = NEED_CODE_BY_CONCERN[concern];
  if (own !== undefined) return own;
  const list = OTHER_NEED_CODES.filter((n) => n !== "N0" && (!for903 || n !== "N9"));
  if (list.length === 0) throw new Error(`data/reference/cin-need-concerns.json maps every need code, so no code is left for the concern "${concern}"`);
  return list[mix(salt, 53) % list.length];
}

/** 5D (early help) joined the CIN code list in 2021-22; earlier returns record it as 5B (LA, other internal). */
export function cinSource(source: ReferralSource | "10"): string {
  return source === "5D" ? "5B" : source;
}
