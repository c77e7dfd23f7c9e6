import {createHash} from "node:crypto";
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync} from "node:fs";
import {dirname, join, relative} from "node:path";
import {fileURLToPath} from "node:url";
import {deserialize, serialize} from "node:v8";

/**
 * The door's read cache: what reading one statutory file gave once its identity was degraded (keyed
 * records, held rows, the file's report), kept beside the warehouse. A new year's return makes the
 * door read every kept return again, because the new one completes earlier years' events; with the
 * cache, only the new files are parsed and keyed, and earlier years are replayed from here.
 *
 * It holds what the warehouse holds and no more: child keys, months of birth, wards and keyed
 * record ids, never a child id, date of birth or postcode. An entry is found by everything its
 * content depends on (the file's bytes and name, its return's other files, the recognition, the
 * child key, the postcode lookup, the CIN need-code table, the door's code and libraries, and
 * today's date for a format whose checks use it), so a change to any of them reads the file from source again. An entry is
 * checked whole (sha256 trailer) before a single record of it is used: a damaged one is read from
 * source, never half-replayed.
 */

/** The cache's folder inside the warehouse folder. */
export const DOOR_READ_CACHE = "door-cache";

const FORMAT = "curve-door-read-cache 1";
const FRAME_ITEMS = 5000;
const TRAILER = 32;

/** sha256 of the code that decides what a read gives: the door, the contracts, the calendar, and the lockfile's libraries. */
function codeFingerprint(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, "..", "..");
  // The serialisation format is V8's: another Node may write it otherwise.
  const hash = createHash("sha256").update(FORMAT).update(process.versions.v8);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|js|mjs)$/.test(name)) hash.update(`\0${relative(root, path)}\0`).update(readFileSync(path));
    }
  };
  for (const dir of [here, join(here, "..", "contracts"), join(root, "shared")]) if (existsSync(dir)) walk(dir);
  const lock = join(root, "package-lock.json");
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest("hex");
}

let code: string | null = null;

export interface CacheWriter<I, R> {
  push(item: I): void;
  /** Keeps the entry: the read is complete and usable. */
  finish(read: R): void;
  /** Drops what was written (a read that failed or could not be used is never cached). */
  abandon(): void;
}

/** How a frame of items is written: a compact form (field names once a frame, not once a record) and back. */
export interface FrameCodec<I> {
  encode(items: I[]): unknown;
  decode(frame: unknown): I[];
}

export class ReadCache<I, R> {
  readonly #used = new Set<string>();
  #salt: Promise<string> | null = null;
  /**
   * `salt` gives what every entry depends on beyond its own file: the child key's and the postcode
   * lookup's fingerprints (never the key itself). Asked for once, when the first file is looked up.
   */
  constructor(readonly dir: string, private readonly salt: () => Promise<string>, private readonly codec: FrameCodec<I>) {}

  async keyOf(parts: readonly (string | number | null)[]): Promise<string> {
    code ??= codeFingerprint();
    const salt = await (this.#salt ??= this.salt());
    return createHash("sha256").update(JSON.stringify([code, salt, ...parts])).digest("hex");
  }

  #path(key: string): string {
    return join(this.dir, `${key}.bin`);
  }

  /**
   * The cached read, replaying its items into `onItem`, or null when there is none or it is damaged
   * (then nothing was replayed).
   */
  replay(key: string, onItem: (item: I) => void): R | null {
    const path = this.#path(key);
    if (!existsSync(path)) return null;
    let whole = false;
    try {
      whole = intact(path);
      if (!whole) rmSync(path, {force: true});
    } catch {
      // An entry it may not read is a miss: the file is read from source.
    }
    if (!whole) return null;
    this.#used.add(key);
    const fd = openSync(path, "r");
    // Written by this code and checked whole, so a frame that does not decode should not happen; if
    // one does, the entry goes and the error says so: the next run reads the file from source.
    const decoded = <T>(decode: () => T): T => {
      try {
        return decode();
      } catch (err) {
        rmSync(path, {force: true});
        throw new Error(`the door's read cache entry ${path} could not be replayed (${(err as Error).message}); it was removed, so running again reads the file from source`);
      }
    };
    try {
      const size = statSync(path).size - TRAILER;
      const head = Buffer.alloc(4);
      let at = 0;
      while (at < size) {
        readSync(fd, head, 0, 4, at);
        const body = Buffer.alloc(head.readUInt32LE(0));
        readSync(fd, body, 0, body.length, at + 4);
        at += 4 + body.length;
        const frame = decoded(() => deserialize(body) as {items: unknown} | {read: R});
        if ("read" in frame) return frame.read;
        for (const item of decoded(() => this.codec.decode(frame.items))) onItem(item);
      }
      return decoded(() => {
        throw new Error("it ends without the file's report");
      });
    } finally {
      closeSync(fd);
    }
  }

  /** A writer for the entry; one that cannot write (disk full, no permission) drops the entry and never fails the read. */
  writer(key: string): CacheWriter<I, R> {
    const path = this.#path(key);
    const partial = `${path}.${process.pid}.partial`;
    let fd: number;
    try {
      mkdirSync(this.dir, {recursive: true});
      fd = openSync(partial, "w");
    } catch {
      return {push: () => undefined, finish: () => undefined, abandon: () => undefined};
    }
    const hash = createHash("sha256");
    let items: I[] = [];
    let open = true;
    let failed = false;
    const guarded = (write: () => void) => {
      if (failed) return;
      try {
        write();
      } catch {
        failed = true;
        close();
        rmSync(partial, {force: true});
      }
    };
    const frame = (value: unknown) => {
      const body = serialize(value);
      const head = Buffer.alloc(4);
      head.writeUInt32LE(body.length, 0);
      for (const b of [head, body]) {
        hash.update(b);
        writeSync(fd, b);
      }
    };
    const close = () => {
      if (open) closeSync(fd);
      open = false;
    };
    return {
      push: (item) => {
        if (failed) return;
        items.push(item);
        if (items.length >= FRAME_ITEMS) {
          guarded(() => frame({items: this.codec.encode(items)}));
          items = [];
        }
      },
      finish: (read) => guarded(() => {
        if (items.length) frame({items: this.codec.encode(items)});
        frame({read});
        writeSync(fd, hash.digest());
        close();
        renameSync(partial, path);
        this.#used.add(key);
      }),
      abandon: () => {
        close();
        rmSync(partial, {force: true});
      }
    };
  }

  /** Removes every entry this run neither read nor wrote: the cache holds one run's returns. */
  prune(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return; // none yet, or a folder it may not read: nothing to keep tidy
    }
    for (const name of names) {
      const key = name.replace(/\.bin$/, "");
      if (!name.endsWith(".bin") || !this.#used.has(key)) rmSync(join(this.dir, name), {force: true});
    }
  }
}

/** True when the file's trailer is the sha256 of everything before it. */
function intact(path: string): boolean {
  const size = statSync(path).size;
  if (size < TRAILER) return false;
  const fd = openSync(path, "r");
  try {
    const hash = createHash("sha256");
    const chunk = Buffer.alloc(1 << 20);
    let at = 0;
    while (at < size - TRAILER) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - TRAILER - at), at);
      if (n <= 0) return false;
      hash.update(chunk.subarray(0, n));
      at += n;
    }
    const trailer = Buffer.alloc(TRAILER);
    readSync(fd, trailer, 0, TRAILER, size - TRAILER);
    return hash.digest().equals(trailer);
  } finally {
    closeSync(fd);
  }
}
