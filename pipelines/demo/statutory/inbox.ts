/**
 * The inbox `npm start` loads from the demo: either Curve's own layout for everything, or (the
 * default) the statutory files for the five types a council returns to the DfE (referrals, assessments,
 * s47, CP plans from the CIN census; looked-after episodes from the SSDA903) plus Curve's layout for
 * the four with no statutory return (early help, service episodes, MARAC, participation).
 */
import {copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {parse} from "csv-parse/sync";
import {csvLine} from "../csv.js";
import {EXTRACT_FILE_PATTERN, type ExtractType} from "../extracts.js";
import {STATUTORY_DIR} from "./index.js";

export const DEMO_INPUTS = ["curve", "statutory"] as const;
export type DemoInput = (typeof DEMO_INPUTS)[number];

/** Loaded from the statutory files in "statutory" mode; the rest stay in Curve's layout. */
export const STATUTORY_TYPES: readonly ExtractType[] = ["referrals", "assessments", "s47", "cp_plans", "looked_after",
  "cin_episodes", "cp_reviews", "cla_missing", "cla_health", "care_leavers"];
export const CURVE_ONLY_TYPES: readonly ExtractType[] = ["early_help", "service_episodes", "marac", "participation"];

/** Which demo input to use: CURVE_DEMO_INPUT overrides the configured value; default the statutory files. */
export function demoInput(configured: DemoInput | undefined, env: Record<string, string | undefined> = process.env): DemoInput {
  const v = env.CURVE_DEMO_INPUT ?? configured ?? "statutory";
  if (!(DEMO_INPUTS as readonly string[]).includes(v)) throw new Error(`CURVE_DEMO_INPUT must be ${DEMO_INPUTS.join(" or ")}, not "${v}"`);
  return v as DemoInput;
}

export interface AssembleOptions {
  /**
   * The door's keyed hash of a council child id. When given, Curve-layout rows for children who
   * are also in the statutory files get the key the door will give those children, so a CAF or a
   * service episode still joins the child's referrals (read through the demo's key crosswalk).
   */
  rekey?: (laCode: string, councilChildId: string) => string;
}

export interface AssembledFile {
  name: string;
  source: "curve" | "statutory";
  /** Curve extract type, or the statutory format. */
  kind: string;
}

/** Statutory files a council would drop in its inbox (not the README, not the demo's key crosswalk). */
const STATUTORY_FILE = /^(\d{3})_(SSDA903_\d{4}_(Header|Episodes|Missing|OC2|OC3)\.csv|CIN_Census_\d{4}\.xml|ssd_address\.csv|postcode_ward_lookup\.csv)$/;

export function statutoryKind(name: string): string {
  if (/_Header\.csv$/.test(name)) return "ssda903:header";
  if (/_Episodes\.csv$/.test(name)) return "ssda903:episodes";
  const table = /_(Missing|OC2|OC3)\.csv$/.exec(name);
  if (table) return `ssda903:${table[1].toLowerCase()}`;
  if (name.endsWith(".xml")) return "cin-census";
  if (name.endsWith("ssd_address.csv")) return "ssd:address";
  return "postcode-lookup";
}

export function assembleDemoInbox(demoDir: string, inbox: string, mode: DemoInput, options: AssembleOptions = {}): AssembledFile[] {
  mkdirSync(inbox, {recursive: true});
  const out: AssembledFile[] = [];
  const curveTypes = mode === "curve" ? null : new Set<string>(CURVE_ONLY_TYPES);
  const crosswalk = mode === "statutory" && options.rekey ? readCrosswalks(demoDir) : null;
  for (const name of readdirSync(demoDir).sort()) {
    const m = EXTRACT_FILE_PATTERN.exec(name);
    if (!m || (curveTypes && !curveTypes.has(m[1]))) continue;
    if (crosswalk && options.rekey) writeRekeyed(join(demoDir, name), join(inbox, name), m[2], crosswalk, options.rekey);
    else copyFileSync(join(demoDir, name), join(inbox, name));
    out.push({name, source: "curve", kind: m[1]});
  }
  if (mode === "curve") return out;
  const root = join(demoDir, STATUTORY_DIR);
  if (!existsSync(root)) throw new Error(`${root}: no statutory demo files; run npm run demo-data -- --force to write them`);
  for (const la of readdirSync(root).filter((d) => /^\d{3}$/.test(d)).sort()) {
    for (const name of readdirSync(join(root, la)).sort()) {
      if (!STATUTORY_FILE.test(name)) continue;
      copyFileSync(join(root, la, name), join(inbox, name));
      out.push({name, source: "statutory", kind: statutoryKind(name)});
    }
  }
  return out;
}

type Crosswalk = Map<string, Map<string, string>>;

function readCrosswalks(demoDir: string): Crosswalk {
  const out: Crosswalk = new Map();
  const root = join(demoDir, STATUTORY_DIR);
  for (const la of existsSync(root) ? readdirSync(root).filter((d) => /^\d{3}$/.test(d)) : []) {
    const path = join(root, la, `${la}_demo_key_crosswalk.csv`);
    if (!existsSync(path)) continue;
    const rows = parse(readFileSync(path, "utf8"), {columns: true}) as {child_key: string; child_id: string}[];
    out.set(la, new Map(rows.map((r) => [r.child_key, r.child_id])));
  }
  return out;
}

function writeRekeyed(from: string, to: string, laCode: string, crosswalk: Crosswalk, rekey: NonNullable<AssembleOptions["rekey"]>): void {
  const rows = parse(readFileSync(from, "utf8"), {columns: false}) as string[][];
  const header = rows[0];
  const col = header.findIndex((h) => h === "child_key" || h === "young_person_key");
  const ids = crosswalk.get(laCode);
  let text = csvLine(header);
  for (const r of rows.slice(1)) {
    const id = col >= 0 ? ids?.get(r[col]) : undefined;
    text += csvLine(id === undefined ? r : r.map((v, i) => (i === col ? rekey(laCode, id) : v)));
  }
  writeFileSync(to, text);
}
