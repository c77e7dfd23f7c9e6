/**
 * Helpers shared by the statutory-format importers (the interface itself is in importer.ts).
 */

/**
 * Fields holding a record's own id, or an id it points to. Source ids are, or are built from, the
 * council's case-system identifiers, so none reaches the warehouse as written: an id built from the
 * child id carries CHILD_TOKEN (types.ts) in its place and the door puts the child's key there; any
 * other value (an SSD referral or plan id from the case system) the door replaces with a keyed hash
 * of it, so the same id still joins across tables, returns and years yet reveals nothing.
 */
export const RECORD_ID_FIELDS = ["referral_id", "assessment_id", "enquiry_id", "plan_id", "episode_id", "caf_id"] as const;

/** Messages about values never quote them: anything with a digit or an @ is withheld. */
export function withholdValues(text: string): string {
  return text.replace(/\S*[\d@]\S*/g, "[value withheld]");
}
