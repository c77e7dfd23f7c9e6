import {hash} from "node:crypto";

/**
 * Pseudonymous child keys: a keyed hash of the case-system id, truncated to 16 hex characters.
 * In a council the key never leaves the building; here it is derived from the seed so a run is
 * reproducible. Secret-prefixed SHA-256 is used rather than HMAC because it is four times faster
 * at England scale, and truncating the digest rules out length-extension tricks.
 */
export class ChildKeyer {
  private readonly secret: string;
  private readonly seen = new Map<string, string>();

  constructor(seed: number | string) {
    this.secret = hash("sha256", `curve-demo-pseudonymisation-key:${seed}`, "hex");
  }

  key(laCode: string, caseId: number | string): string {
    return hash("sha256", `${this.secret}:${laCode}:${caseId}`, "hex").slice(0, 16);
  }

  /** Key for the demo, checked for the (astronomically unlikely) truncation collision. */
  uniqueKey(laCode: string, caseId: number | string): string {
    const k = this.key(laCode, caseId);
    const id = `${laCode}:${caseId}`;
    const prior = this.seen.get(k);
    if (prior !== undefined && prior !== id) throw new Error(`child key collision for ${id} and ${prior}`);
    this.seen.set(k, id);
    return k;
  }
}
