/** Curve's codes as the statutory formats write them. */
import type {Concern, ReferralSource} from "../codes.js";
import {NEED_CODE_BY_CONCERN, OTHER_NEED_CODES} from "../../door/cin-concern-map.js";
import {mix} from "./identity.js";

/**
 * The need code for a referral's concern (pipelines/door/cin-concern-map.ts). "other" spreads over
 * N2, N3, N6, N7 (and in the census N9 too); the 903 CIN column allows N1–N8 only.
 */
export function needCodeFor(concern: Concern, salt: number, for903 = false): string {
  if (concern !== "other") return NEED_CODE_BY_CONCERN[concern];
  const list = for903 ? OTHER_NEED_CODES.slice(0, 4) : OTHER_NEED_CODES.slice(0, 5);
  return list[mix(salt, 53) % list.length];
}

/** 5D (early help) joined the CIN code list in 2021-22; earlier returns record it as 5B (LA, other internal). */
export function cinSource(source: ReferralSource | "10"): string {
  return source === "5D" ? "5B" : source;
}
