import type {ExtractType} from "../contracts/extracts.js";

/**
 * The door: importers for the statutory formats a council already produces (SSDA903 CSV tables,
 * CIN census XML, Annex A xlsx, Standard Safeguarding Dataset tables). Each format's parser turns
 * its files into rows of Curve's own extract types (pipelines/contracts/extracts.ts), so every
 * indicator, baseline, ward and provider view works unchanged whatever the source.
 *
 * Parsers never see the warehouse and never degrade identifiers themselves: they hand the door a
 * `SourceRecord` whose `person` holds what identifies the child, and the door replaces it (keyed
 * hash, month of birth, ward) before anything is staged, logged or quarantined. A parser's
 * `Issue.message` must never quote an identifier value (child id, UPN, DOB, postcode, name).
 */

export type Family = "ssda903" | "cin-census" | "annex-a" | "ssd";

/** What a file is, decided from its content (CSV header, XML root element, xlsx sheet names). */
export interface Recognition {
  family: Family;
  /** e.g. "ssda903:header", "ssda903:episodes", "cin-census", "annex-a", "ssd:cp_plans". */
  format: string;
  /** DfE LA number when the content says (CIN census <LA>), else null: the door infers it. */
  la: string | null;
  /** The return year as the calendar year in which it ends on 31 March (2013 = 2012-13), when known. */
  year: number | null;
}

/** One problem found in a source file. `row` is the 1-based data row (XML: the child's ordinal). */
export interface Issue {
  row: number | null;
  field: string;
  /** The DfE validation code where one exists (e.g. "8500"), else a Curve rule name. */
  rule: string;
  message: string;
  /**
   * The file cannot be used at all (a required column missing, XML not well-formed or truncated, a
   * renamed sheet): nothing from it is loaded and the earlier return for the same target stays.
   */
  fatal?: boolean;
}

/** What identifies a child: the door degrades it and never stores or prints it. */
export interface Person {
  /** The council's own child id (903 CHILD, CIN LAchildID, Annex A "Child Unique ID", SSD person_id). */
  childId: string | null;
  /** Full date of birth as YYYY-MM-DD (the door keeps the month only). */
  dob?: string | null;
  /** Home postcode (the door maps it to a ward through the council's postcode lookup, else null). */
  homePostcode?: string | null;
  /** Placement postcode (the door reduces it to in/out of the authority's area). */
  placementPostcode?: string | null;
}

/**
 * One row of a Curve extract type, from a source file. `values` uses the contract's field names
 * (e.g. referral_date, source, outcome); `child_key`, `birth_month` and (when a postcode is given)
 * `ward` are filled by the door from `person`. Dates are YYYY-MM-DD. Codes are passed through as
 * found, so the contract's own validation quarantines a bad one with its rule and message.
 * A record id built from the child id (CIN census referrals carry none of their own) is written
 * with CHILD_TOKEN in place of the child id; the door puts the child's key there.
 */
export interface SourceRecord {
  /** A Curve extract type, or "child_addresses" (SSD ssd_address: a child's home postcode over time, values from_date and
   * to_date), which is not an extract: the door uses it to give records without a postcode (CIN census) a ward. */
  type: ExtractType | "child_addresses";
  values: Record<string, string | null>;
  person: Person;
  /** Where the row came from, for quarantine and validate messages. */
  origin: {file: string; row: number};
}

/** Stands for the child's key inside a record id (e.g. `${CHILD_TOKEN}-2013-05-01`). */
export const CHILD_TOKEN = "{child}";
