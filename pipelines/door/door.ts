import {createHash} from "node:crypto";
import {existsSync, readFileSync, rmSync} from "node:fs";
import {join} from "node:path";
import {contractFor, EXTRACT_TYPES, type ExtractType} from "../contracts/extracts.js";
import {sexCodeFor, sexMfu} from "../contracts/statutory/codes.js";
import {CIN_NEED_CONCERNS_FILE} from "./cin-concern-map.js";
import {birthMonth, ChildKeys} from "./identity.js";
import {isIssue, isRecord, isTally, type ImportItem} from "./importer.js";
import {RECORD_ID_FIELDS} from "./parser.js";
import type {PostcodeLookup} from "./postcodes.js";
import type {FrameCodec, ReadCache} from "./read-cache.js";
import {groupReturns, recogniseFiles, type DoorFile, type RecogniseOptions, type Return} from "./returns.js";
import {fyFileLabel, fyOfDate, fyOfDay} from "../../shared/calendar.js";
import {Stage, yearsOf, type StagedGroup} from "./stage.js";
import {CHILD_TOKEN, type Issue, type SourceRecord} from "./types.js";

/**
 * The door: statutory files in, Curve-layout staged extracts out, with identity degraded on the way.
 * `validateFiles` runs the same reading and checks without keys, staging or the warehouse.
 */

export interface FileReport {
  file: string;
  format: string | null;
  la: string | null;
  year: number | null;
  rows: number;
  children?: number;
  issues: Issue[];
  /** False when the file could not be read at all (unrecognised, empty, or the reader gave up). */
  readable: boolean;
}

export type DoorOutcomeKind = "used" | "validated" | "superseded" | "refused";

export interface DoorOutcome {
  file: string;
  format: string | null;
  la: string | null;
  year: number | null;
  outcome: DoorOutcomeKind;
  message: string;
  rows: number;
  issues: number;
}

/** A row-level issue kept for the quarantine, naming the original file and row. */
export interface HeldRow {
  file: string;
  row: number;
  field: string;
  rule: string;
  message: string;
}

export interface StagedLoad extends StagedGroup {
  /** The return's files, for lineage and messages. */
  sources: string[];
  /** Rows of the return held back by the door (quarantined under this load). */
  held: HeldRow[];
  warnings: string[];
}

export interface FileRead {
  report: FileReport;
  records: number;
  fatal: boolean;
  /** Parts of the file read and checked but not loaded, with the reason. */
  notMapped: string[];
}

/** Reads one file through its importer, handing records to `onRecord`; never throws. */
async function readOne(file: DoorFile, ret: Return | null, asOf: Date, onRecord: (r: SourceRecord) => void): Promise<FileRead> {
  const r = file.recognition!;
  const report: FileReport = {file: file.display, format: r.format, la: r.la, year: r.year, rows: 0, issues: [], readable: true};
  let records = 0;
  let notMapped: string[] = [];
  const companions = (ret?.files ?? []).filter((f) => f !== file).map((f) => ({path: f.path, recognition: f.recognition!}));
  try {
    for await (const item of file.importer!.read(file.path, r, {companions, asOf}) as AsyncIterable<ImportItem>) {
      if (isTally(item)) {
        report.rows = item.tally.rows;
        if (item.tally.children !== undefined) report.children = item.tally.children;
        // The reader stopped at a break (XML cut short, a CSV or workbook broken part-way): nothing of the file is used.
        if (item.tally.readable === false) report.readable = false;
        notMapped = item.tally.notMapped ?? [];
      } else if (isRecord(item)) {
        records++;
        onRecord({...item, origin: {...item.origin, file: file.display}});
      } else if (isIssue(item)) {
        report.issues.push(item);
      }
    }
  } catch (err) {
    report.readable = false;
    // The reader's own message names what was wrong; it must not quote the file's content.
    report.issues.push({row: null, field: "(file)", rule: "unreadable", fatal: true, message: `the file could not be read: ${(err as Error).message}`});
  }
  return {report, records, notMapped, fatal: !report.readable || report.issues.some((i) => i.fatal)};
}

/** `pipeline validate`: every file recognised and checked; nothing is written anywhere. */
export async function validateFiles(paths: string[], options: RecogniseOptions & {asOf?: Date} = {}): Promise<FileReport[]> {
  const asOf = options.asOf ?? new Date();
  const files = await recogniseFiles(paths, options);
  // validate checks a return even when its authority is unknown: the officer sees every issue at once.
  const returns = groupReturns(files, {evenWithProblems: true});
  const reports: FileReport[] = [];
  for (const f of files) {
    if (!f.recognition || !f.importer) {
      reports.push({file: f.display, format: null, la: null, year: null, rows: 0, readable: false,
        issues: [{row: null, field: "(file)", rule: f.probe.kind === "empty" ? "empty-file" : "unrecognised", message: f.problem ?? "not recognised"}]});
      continue;
    }
    const ret = returns.find((r) => r.files.includes(f) || r.superseded.some((s) => s.file === f)) ?? null;
    const {report} = await readOne(f, ret, asOf, () => undefined);
    if (f.problem) report.issues.unshift({row: null, field: "(file)", rule: "authority-or-year", message: f.problem});
    for (const need of f.importer.needs?.(f.recognition) ?? []) {
      if (!ret?.files.some((o) => o.recognition!.format === need)) {
        report.issues.push({row: null, field: "(file)", rule: "incomplete-return", message: `its rows can be loaded only with the ${need} table of the same ${f.importer.datedByRecord ? `extract (authority ${f.recognition.la ?? "?"})` : `return (authority ${f.recognition.la ?? "?"}, ${f.recognition.year ?? "?"})`}, which was not given`});
      }
    }
    reports.push(report);
  }
  return reports;
}

export interface DoorOptions extends RecogniseOptions {
  asOf: Date;
  /** Loaded only when a return is staged, so a run with no statutory files never creates the key. */
  keys: () => ChildKeys;
  postcodes: PostcodeLookup | null;
  stageDir: string;
  /** Years the warehouse already holds, as `loadedYear(type, la, collection year)`: a later copy that cannot reach one is named. */
  loaded?: ReadonlySet<string>;
  /** Reads kept from earlier runs (pipelines/door/read-cache.ts), with the files' sha256 that find them. */
  readCache?: {store: DoorReadCache; sha256Of(path: string): Promise<string>};
}

/** A record once its identity is degraded: what the door uses, and what its read cache keeps. */
export type Identified =
  | {held: HeldRow}
  | {address: {key: string; from: string | null; to: string | null; ward: string | null}}
  | {type: SourceRecord["type"]; values: Record<string, string | null>; origin: {file: string; row: number}};

export type DoorReadCache = ReadCache<Identified, FileRead>;

/**
 * A frame of identified records as rows: each distinct (type, field names) and file name is written
 * once a frame, not once a record, which more than halves the cache and its replay time.
 */
export const IDENTIFIED_CODEC: FrameCodec<Identified> = {
  encode(items) {
    const shapes = new Map<string, number>();
    const files = new Map<string, number>();
    const index = (m: Map<string, number>, k: string) => m.get(k) ?? (m.set(k, m.size), m.size - 1);
    const rows = items.map((item) => {
      if (!("values" in item)) return [-1, item];
      const fields = Object.keys(item.values);
      return [index(shapes, JSON.stringify([item.type, ...fields])), index(files, item.origin.file), item.origin.row, ...fields.map((f) => item.values[f])];
    });
    return {shapes: [...shapes.keys()].map((k) => JSON.parse(k) as string[]), files: [...files.keys()], rows};
  },
  decode(frame) {
    const {shapes, files, rows} = frame as {shapes: string[][]; files: string[]; rows: unknown[][]};
    return rows.map((row) => {
      if (row[0] === -1) return row[1] as Identified;
      const [type, ...fields] = shapes[row[0] as number];
      const values: Record<string, string | null> = {};
      fields.forEach((f, i) => (values[f] = row[3 + i] as string | null));
      return {type: type as SourceRecord["type"], values, origin: {file: files[row[1] as number], row: row[2] as number}};
    });
  }
};

/** The key of one extract type's collection year for one authority, as in `DoorOptions.loaded`. */
export const loadedYear = (type: string, la: string, collectionYear: number) => `${type}|${la}|${collectionYear}`;

export interface DoorResult {
  staged: StagedLoad[];
  outcomes: DoorOutcome[];
  cleanup(): void;
}

const isExtractType = (t: string): t is ExtractType => (EXTRACT_TYPES as readonly string[]).includes(t);

type Spell = {from: string; to: string | null; ward: string | null};

/**
 * Addresses over time, by child key: fills the ward of records that carry no postcode (the CIN
 * census). A return's addresses are pending while it is read and kept only if the return is used,
 * so a refused address table gives no ward to anything.
 */
class AddressBook {
  readonly #byChild = new Map<string, Spell[]>();
  #pending = new Map<string, Spell[]>();
  add(key: string, from: string | null, to: string | null, ward: string | null): void {
    if (!from) return;
    this.#pending.set(key, [...(this.#pending.get(key) ?? []), {from, to, ward}]);
  }
  wardAt(key: string, date: string | null | undefined): string | null {
    if (!date) return null;
    // The latest move-in on or before the date; on a tie the spell read first. Asked once per record, replays included.
    let latest: Spell | null = null;
    for (const spells of [this.#byChild.get(key), this.#pending.get(key)]) {
      for (const s of spells ?? []) {
        if (s.from <= date && (s.to === null || s.to >= date) && (latest === null || s.from > latest.from)) latest = s;
      }
    }
    return latest?.ward ?? null;
  }
  keep(): void {
    for (const [key, spells] of this.#pending) this.#byChild.set(key, [...(this.#byChild.get(key) ?? []), ...spells]);
    this.#pending = new Map();
  }
  discard(): void {
    this.#pending = new Map();
  }
}

/** Sex as the contract of the collection year a record is placed in codes it (1/2/9 before 2024-25, M/F/U from). */
function codedForYear(values: Record<string, string | null>, collectionYear: number): Record<string, string | null> {
  if (values.sex == null) return values;
  const sex = sexCodeFor(sexMfu(values.sex), collectionYear);
  // A copy only when the code changes: the record may be on its way into the read cache.
  return sex === values.sex ? values : {...values, sex};
}

/**
 * Loading order: address tables first (their wards serve every other record), then extracts of every
 * year, then yearly returns, so a return's own data has the last word for its year; yearly returns
 * latest first, so a later return's copy of an earlier year's event is known when that year is staged.
 */
const rank = (ret: Return) => (ret.files.some(isAddress) ? 0 : ret.year === null ? 1 : 2);
const loadingOrder = (a: Return, b: Return) => rank(a) - rank(b) || (b.year ?? 0) - (a.year ?? 0);

/**
 * Events (referrals, assessments, enquiries) a later return repeats from an earlier year, by type,
 * authority and record id. A return is made on 31 March with what was known then: an assessment
 * started in March and completed in April is open in that year's return and complete only in the
 * next, where it is dated in the earlier year. The earlier year is staged with the later copy in its
 * place (the latest return that holds the event wins), so the completion is not lost. Kept only
 * when the later return is used, as its addresses are.
 */
class LaterCopies {
  readonly #kept = new Map<string, LaterCopy>();
  #pending = new Map<string, LaterCopy>();
  readonly #taken = new Set<string>();
  static key(type: string, la: string, id: string): string {
    return `${type}|${la}|${id}`;
  }
  /** A copy from the return being read; a copy already kept from a later return wins. */
  offer(key: string, copy: LaterCopy): void {
    if (!this.#kept.has(key) && !this.#pending.has(key)) this.#pending.set(key, copy);
  }
  take(key: string): LaterCopy | undefined {
    const copy = this.#kept.get(key);
    if (copy) this.#taken.add(key);
    return copy;
  }
  keep(): void {
    for (const [k, v] of this.#pending) this.#kept.set(k, v);
    this.#pending = new Map();
  }
  discard(): void {
    this.#pending = new Map();
  }
  /** Kept copies no earlier return took, by the return that holds them: events that reached no year. */
  untaken(): Map<Return, LaterCopy[]> {
    const by = new Map<Return, LaterCopy[]>();
    for (const [k, c] of this.#kept) {
      if (this.#taken.has(k)) continue;
      const list = by.get(c.from);
      if (list) list.push(c);
      else by.set(c.from, [c]);
    }
    return by;
  }
}

interface LaterCopy {
  values: Record<string, string | null>;
  origin: {file: string; row: number};
  type: string;
  from: Return;
  /** The financial year (its first calendar year) the event is dated in. */
  dated: number;
}

/**
 * What the run says about a return's copies of earlier years' events that no return in the inbox
 * took: they were loaded nowhere, and the run says why, by year. Where the warehouse holds that year
 * from an earlier run whose return has since left the inbox, the year keeps what was known on its
 * 31 March, and the analyst is told how to give it the completion.
 */
function untakenWarnings(copies: LaterCopy[], read: ReadonlySet<string>, loaded: ReadonlySet<string>): string[] {
  const byYear = (cs: LaterCopy[]) => {
    const n = new Map<number, number>();
    for (const c of cs) n.set(c.dated, (n.get(c.dated) ?? 0) + 1);
    return [...n].sort((a, b) => a[0] - b[0]).map(([y, k]) => `${fyFileLabel(y)}: ${k}`).join(", ");
  };
  const inInbox: LaterCopy[] = [];
  const held: LaterCopy[] = [];
  const other: LaterCopy[] = [];
  for (const c of copies) {
    if (read.has(returnRead(c.from.family, c.from.la, c.dated))) inInbox.push(c);
    else (loaded.has(loadedYear(c.type, c.from.la, c.dated)) ? held : other).push(c);
  }
  const out: string[] = [];
  if (held.length) {
    out.push(`${held.length} record(s) of years the warehouse holds (${byYear(held)}) were not applied from this return, because those years' returns are not in the inbox: ` +
      "a later return completes an earlier year's events (an assessment completed, a conference held after 31 March) only when that year's return is in the inbox too. Put them back and run again");
  }
  if (inInbox.length) out.push(`${inInbox.length} record(s) dated in earlier years (${byYear(inInbox)}) were not loaded from this return: those years' returns in the inbox do not hold them`);
  if (other.length) out.push(`${other.length} record(s) dated in earlier years no return in the inbox or the warehouse holds (${byYear(other)}) were not loaded from this return`);
  return out;
}

/** A return of one family read in this run, by authority and collection year. */
const returnRead = (family: string, la: string, collectionYear: number) => `${family}|${la}|${collectionYear}`;

/**
 * Recognises and groups the statutory files, reads each complete return, degrades identity and
 * writes staged extracts. A return whose record-bearing files cannot all be read is not staged at all,
 * so the earlier return for the same target stays in the warehouse.
 */
export async function openDoor(paths: string[], options: DoorOptions): Promise<DoorResult> {
  const files = await recogniseFiles(paths, options);
  const returns = groupReturns(files);
  const outcomes: DoorOutcome[] = [];
  const staged: StagedLoad[] = [];
  const outcome = (f: DoorFile, kind: DoorOutcomeKind, message: string, rows = 0, issues = 0) =>
    outcomes.push({file: f.display, format: f.recognition?.format ?? null, la: f.recognition?.la ?? null, year: f.recognition?.year ?? null, outcome: kind, message, rows, issues});

  for (const f of files) if (!f.recognition || f.problem) outcome(f, "refused", f.problem ?? "not recognised");

  const addresses = new AddressBook();
  const later = new LaterCopies();
  const warningsOf = new Map<Return, string[]>();
  const order = [...returns].sort(loadingOrder);
  const thisYear = fyOfDay(options.asOf);
  let n = 0;
  for (const ret of order) {
    for (const s of ret.superseded) outcome(s.file, "superseded", `a newer ${s.file.recognition!.format} file for authority ${ret.la}${ret.year === null ? "" : `, ${ret.year}`} (${s.by.display}) replaces this one in the same inbox`);
    const stage = new Stage(join(options.stageDir, `return-${++n}`));
    const held: HeldRow[] = [];
    const warnings: string[] = [];
    const reads = new Map<DoorFile, FileRead>();
    let outside = 0;
    let updated = 0;
    let unkeyed = 0;
    let wardless = 0;
    // Within a return too, addresses come first: an SSD extract's referrals find their wards in its own ssd_address.
    for (const f of [...ret.files].sort((a, b) => Number(isAddress(b)) - Number(isAddress(a)))) {
      const read = await readIdentified(f, ret, options, (item) => {
        if ("held" in item) {
          held.push(item.held);
          unkeyed++;
          return;
        }
        if ("address" in item) {
          addresses.add(item.address.key, item.address.from, item.address.to, item.address.ward);
          return;
        }
        const type = item.type;
        if (!isExtractType(type)) return;
        const contract = contractFor(type, ret.year === null ? thisYear : ret.year - 1);
        const own = withWard(item.values, contract.periodField, addresses);
        const years = yearsOf(contract, own, ret.year, options.asOf);
        const id = own[contract.key];
        const copyKey = ret.year !== null && !contract.periodEnd && id ? LaterCopies.key(type, ret.la, id) : null;
        if (years === "outside") {
          const dated = fyOfDate(own[contract.periodField]!);
          if (copyKey && dated < ret.year! - 1) later.offer(copyKey, {values: own, origin: item.origin, type, from: ret, dated});
          else outside++;
          return;
        }
        const copy = copyKey ? later.take(copyKey) : undefined;
        if (copy) updated++;
        const values = copy?.values ?? own;
        const origin = copy?.origin ?? item.origin;
        if (years === "undated") {
          // Only an extract of every year gives this (a return's records are its year's): without a date a record has no year, so it is held, not guessed.
          held.push({file: item.origin.file, row: item.origin.row, field: contract.periodField, rule: "missing",
            message: `row ${item.origin.row} has no ${contract.periodField}, so it cannot be placed in a year`});
          return;
        }
        if (contract.wardField && !values[contract.wardField]) wardless++;
        for (const y of years) stage.write(type, ret.la, y, codedForYear(values, y), origin);
      });
      reads.set(f, read);
      for (const i of read.report.issues) {
        if (i.row !== null) held.push({file: f.display, row: i.row, field: i.field, rule: i.rule, message: i.message});
      }
    }
    const groups = stage.close();
    const feedsRecords = (f: DoorFile) => reads.get(f)!.records > 0 || (f.importer!.feeds?.(f.recognition!).length ?? 0) > 0
      || ret.files.some((o) => o.importer!.needs?.(o.recognition!).includes(f.recognition!.format));
    const blocking = ret.files.filter((f) => reads.get(f)!.fatal && feedsRecords(f));
    const missingNeeds = ret.files.flatMap((f) => (f.importer!.needs?.(f.recognition!) ?? []).filter((need) => !ret.files.some((o) => o.recognition!.format === need)).map((need) => ({f, need})));
    const label = ret.year === null ? `${ret.family} extract for authority ${ret.la}` : `${ret.family} return for authority ${ret.la}, ${fyFileLabel(ret.year - 1)}`;
    if (blocking.length || missingNeeds.length) {
      const why = blocking.length
        ? `${blocking.map((b) => b.display).join(", ")} could not be used (${firstFatal(reads.get(blocking[0])!)})`
        : missingNeeds.map(({f, need}) => `${f.display} needs the ${need} table of the same return, which is not in the inbox`).join("; ");
      for (const f of ret.files) {
        const r = reads.get(f)!;
        outcome(f, "refused", `the ${label} is incomplete and was not loaded; the earlier data stays: ${why}`, r.report.rows, r.report.issues.length);
      }
      rmSync(stage.dir, {recursive: true, force: true});
      addresses.discard();
      later.discard();
      continue;
    }
    addresses.keep();
    later.keep();
    warningsOf.set(ret, warnings);
    if (outside) warnings.push(`${outside} record(s) dated outside ${label.replace(/^.* /, "")} belong to another year's return and were not loaded from this one`);
    if (updated) warnings.push(`${updated} record(s) were taken from a later return that holds them with what was known after 31 March (an assessment completed, a conference held)`);
    if (unkeyed) warnings.push(`${unkeyed} record(s) had no child id and were quarantined`);
    if (wardless && !options.postcodes?.covers(ret.la)) {
      warnings.push(`no postcode lookup for authority ${ret.la}: ${wardless} record(s) have no ward (borough figures count them; ward views cannot). Add data/reference/postcode-wards.csv (postcode,la_code,ward_id)`);
    }
    for (const f of ret.files) {
      const r = reads.get(f)!;
      const feeds = feedsRecords(f);
      outcome(f, feeds ? "used" : "validated",
        `${r.report.rows} rows, ${r.report.issues.length} issue(s)${feeds ? `; part of the ${label}` : `; checked and reported (Curve has no extract for ${f.recognition!.format} yet)`}${r.fatal ? `; not usable: ${firstFatal(r)}` : ""}${r.notMapped.length ? `; read but not loaded: ${r.notMapped.join("; ")}` : ""}`,
        r.report.rows, r.report.issues.length);
    }
    // Held rows go to the quarantine of the return's own year, or its first staged extract.
    const home = groups.find((g) => ret.year !== null && g.collectionYear === ret.year - 1) ?? groups[0];
    for (const g of groups) {
      staged.push({...g, sources: ret.files.map((f) => f.display), held: g === home ? held : [], warnings});
    }
    if (!groups.length && held.length) warnings.push(`${held.length} row issue(s) in a return with nothing to load`);
  }
  // Kept: the reads of this run's returns. An entry for a file that has left the inbox would never be read again.
  options.readCache?.store.prune();
  // Staged groups share their return's warnings array, so this reaches every extract the return loads.
  const read = new Set([...warningsOf.keys()].filter((r) => r.year !== null).map((r) => returnRead(r.family, r.la, r.year! - 1)));
  for (const [ret, copies] of later.untaken()) warningsOf.get(ret)?.push(...untakenWarnings(copies, read, options.loaded ?? new Set()));
  return {staged, outcomes, cleanup: () => rmSync(options.stageDir, {recursive: true, force: true})};
}

const isAddress = (f: DoorFile) => /address/.test(f.recognition?.format ?? "");
const firstFatal = (r: FileRead) => r.report.issues.find((i) => i.fatal)?.message ?? "unreadable";

/** Identity out, Curve values in: keyed child, month of birth, ward from the record's own postcode; the original values never leave here. */
function identify(rec: SourceRecord, ret: Return, options: DoorOptions): Identified {
  const id = rec.person.childId?.trim();
  if (!id) {
    return {held: {file: rec.origin.file, row: rec.origin.row, field: "child id", rule: "missing-child-id", message: `row ${rec.origin.row} has no child id, so it cannot be joined to the child's other records`}};
  }
  const keys = options.keys();
  const key = keys.of(ret.la, id);
  const values: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(rec.values)) {
    if (typeof v !== "string") values[k] = v;
    else if (v.includes(CHILD_TOKEN)) values[k] = v.split(CHILD_TOKEN).join(key.slice(0, 16));
    // A case-system id (SSD) is never stored as written: keyed, it still joins across tables and years.
    else if ((RECORD_ID_FIELDS as readonly string[]).includes(k)) values[k] = keys.ofRecord(ret.la, v);
    else values[k] = v;
  }
  values.child_key = key;
  values.la_code = ret.la;
  if (rec.person.dob !== undefined) values.birth_month = birthMonth(rec.person.dob);
  const lookup = options.postcodes;
  if (rec.type === "child_addresses") {
    return {address: {key, from: values.from_date ?? null, to: values.to_date ?? null, ward: lookup?.ward(ret.la, rec.person.homePostcode) ?? null}};
  }
  if (rec.person.homePostcode !== undefined) values.ward = lookup?.ward(ret.la, rec.person.homePostcode) ?? null;
  if (rec.person.placementPostcode !== undefined) values.placement_area = lookup?.area(ret.la, rec.person.placementPostcode) ?? null;
  return {type: rec.type, values, origin: rec.origin};
}

/**
 * A record without a ward of its own (no postcode: the CIN census) takes the ward of the child's
 * address on its date (`periodField`), from the address tables read so far. A new object when the
 * ward is set, never the record changed in place: it may be on its way into the read cache.
 */
function withWard(values: Record<string, string | null>, periodField: string, addresses: AddressBook): Record<string, string | null> {
  if (values.ward) return values;
  const ward = addresses.wardAt(values.child_key!, values[periodField]) ?? values.ward ?? null;
  return ward === (values.ward ?? null) ? values : {...values, ward};
}

/**
 * One file's records, identified: replayed from the read cache when it holds this very read, else
 * read from source (and kept in the cache when the read is usable).
 */
async function readIdentified(f: DoorFile, ret: Return, options: DoorOptions, onItem: (item: Identified) => void): Promise<FileRead> {
  // An address table is always read from source: its move-in dates, exact to the day (often a date
  // of birth), are used for wards and never stored. Address tables are small beside the returns.
  const cache = isAddress(f) ? undefined : options.readCache;
  const key = cache ? await readKey(f, ret, options.asOf, cache) : null;
  if (cache && key) {
    const cached = cache.store.replay(key, onItem);
    if (cached) return cached;
  }
  const writer = cache && key ? cache.store.writer(key) : null;
  try {
    const read = await readOne(f, ret, options.asOf, (rec) => {
      const item = identify(rec, ret, options);
      writer?.push(item);
      onItem(item);
    });
    if (read.fatal) writer?.abandon();
    else writer?.finish(read);
    return read;
  } catch (err) {
    writer?.abandon();
    throw err;
  }
}

/** The need-code → concern table the CIN importer maps with (loaded once a process, as it is there): a council's edit reads the censuses again. */
const NEED_CONCERNS = createHash("sha256").update(readFileSync(CIN_NEED_CONCERNS_FILE)).digest("hex");

/** Everything a file's read depends on besides the child key, the lookup and the code (the cache's salt). */
async function readKey(f: DoorFile, ret: Return, asOf: Date, {store, sha256Of}: NonNullable<DoorOptions["readCache"]>): Promise<string> {
  const companions = await Promise.all(ret.files.filter((o) => o !== f).map(async (o) => [o.display, JSON.stringify(o.recognition), await sha256Of(o.path)].join(" ")));
  return store.keyOf([
    f.display, JSON.stringify(f.recognition), await sha256Of(f.path), ret.la, ret.year, ...companions.sort(), NEED_CONCERNS,
    // A format whose checks compare dates with today gives another read tomorrow.
    f.importer!.readsToday ? asOf.toISOString().slice(0, 10) : null
  ]);
}

export function stageDirFor(root: string, runId: string): string {
  const dir = join(root, `curve-door-${runId}`);
  if (existsSync(dir)) rmSync(dir, {recursive: true, force: true});
  return dir;
}
