import {createHmac, randomBytes} from "node:crypto";
import {chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from "node:fs";
import {homedir} from "node:os";
import {dirname, isAbsolute, relative, resolve} from "node:path";

/**
 * Identity is degraded at the door. The council's child id becomes a keyed hash (HMAC-SHA256) under
 * a secret that lives on the council's machine, outside the project folder, so the warehouse, logs
 * and exports can be shared without the key and nobody holding them can recompute a child's key
 * from an id. The same id in the same authority always gives the same key, so a child's 903 episodes
 * and CIN referrals join up across returns and years. The key is never printed or logged.
 */

export const DEFAULT_KEY_PATH = resolve(homedir(), ".config", "curve", "child-key");

/** Where the key lives: CURVE_CHILD_KEY, else data/config.json `childKeyFile`, else ~/.config/curve/child-key. */
export function childKeyPath(configured?: string | null): string {
  const p = process.env.CURVE_CHILD_KEY ?? configured ?? DEFAULT_KEY_PATH;
  return resolve(p.startsWith("~/") ? resolve(homedir(), p.slice(2)) : p);
}

export class ChildKeyError extends Error {}

function inside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Reads the key, creating it (32 random bytes, hex, file mode 0600 in a 0700 folder) on first use.
 * Refuses a key inside the project folder, where it would be committed or copied with the data.
 */
export function loadChildKey(path: string, projectRoot = process.cwd()): Buffer {
  if (inside(projectRoot, path)) {
    throw new ChildKeyError(`the child key file ${path} is inside the project folder ${projectRoot}; keep it outside (set CURVE_CHILD_KEY or childKeyFile in data/config.json)`);
  }
  if (!existsSync(path)) {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700});
    try {
      writeFileSync(path, randomBytes(32).toString("hex") + "\n", {mode: 0o600, flag: "wx"});
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err; // another process made it first
    }
    chmodSync(path, 0o600);
  }
  if (!statSync(path).isFile()) throw new ChildKeyError(`the child key file ${path} is not a file`);
  const text = readFileSync(path, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new ChildKeyError(`the child key file ${path} is damaged (expected 64 hex characters); restore it from your backup — a new key would split every child's history`);
  }
  return Buffer.from(text, "hex");
}

/** Keyed child keys for one installation. */
export class ChildKeys {
  readonly #key: Buffer;
  constructor(key: Buffer) {
    this.#key = key;
  }
  /** 32 hex characters (128 bits), within the contract's pseudonymous key shape. */
  of(laCode: string, childId: string): string {
    return createHmac("sha256", this.#key).update(`${laCode}\u0000${childId.trim()}`).digest("hex").slice(0, 32);
  }
  /**
   * A case-system record id (an SSD referral or plan id) as a keyed hash: the same id joins across
   * tables and years, and nobody without the key can turn it back into the case system's record.
   * Separated from child keys so a record id that equals a child id never gives the child's key.
   */
  ofRecord(laCode: string, recordId: string): string {
    return createHmac("sha256", this.#key).update(`record\u0000${laCode}\u0000${recordId.trim()}`).digest("hex").slice(0, 32);
  }
  /** Names the key without revealing it, so what was keyed with another key is known to be stale. */
  fingerprint(): string {
    return createHmac("sha256", this.#key).update("curve: fingerprint of the child key").digest("hex");
  }
  /** Never let the key reach a log line through an accidental JSON.stringify or console.log. */
  toJSON(): string {
    return "[child key]";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[child key]";
  }
}

/** YYYY-MM-DD → YYYY-MM; anything else → null. */
export function birthMonth(dob: string | null | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(dob ?? "");
  return m ? `${m[1]}-${m[2]}` : null;
}
