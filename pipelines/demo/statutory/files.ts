/** A statutory file written by the demo generator. */
export interface StatutoryFile {
  path: string;
  /** As the door's validator names formats: "ssda903:header", "cin-census", "ssd:address", "postcode-lookup". */
  format: string;
  laCode: string;
  /** Return year by its starting April (2012 = 2012-13, the return for the year ending 31 March 2013); null for undated files. */
  fy: number | null;
  /** Data rows (CIN census: children). */
  rows: number;
}
