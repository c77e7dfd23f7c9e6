import {createReadStream} from "node:fs";
import {basename} from "node:path";
import {parse as csvParse} from "csv-parse";
import {parseDate} from "../contracts/fields.js";
import {categoryOfAbuse, ethnicityGroup, leadingCode, sexMfu, yesNo} from "../contracts/statutory/codes.js";
import {concernFromNeedCode} from "./cin-concern-map.js";
import {NOT_HOME_ADDRESS, SSD_TABLES, type SsdTable} from "../contracts/statutory/ssd.js";
import type {Importer, ImportItem, ReadContext} from "./importer.js";
import type {Probe} from "./sniff.js";
import type {Issue, Recognition, SourceRecord} from "./types.js";

/**
 * Standard Safeguarding Dataset extract tables as CSV, one table a file, recognised by header.
 *
 * Joins: the SSD keeps a child's date of birth, sex and ethnicity in ssd_person only, and an s47
 * enquiry's conference in ssd_initial_cp_conference. Each table is read with the context of its
 * extract (the same authority's other SSD tables, the door's companions): `buildSsdContext` reads those
 * two tables into id-keyed maps (one small entry per child or conference), once per extract. Without
 * them, records carry no characteristics and the file gets one issue saying why. Sex is given as
 * M/F/U: the door codes it for the collection year each record is placed in. Ids are the case
 * system's own: the door replaces them with keyed hashes. Parquet is not read (CSV only).
 */

export interface SsdPerson {
  dob: string | null;
  sex: string | null;
  ethnicity: string | null;
}

export interface SsdContext {
  persons?: Map<string, SsdPerson>;
  icpcByEnquiry?: Map<string, {date: string | null; plan: boolean | null}>;
}

export function recognise(probe: Pick<Probe, "kind" | "header">): Recognition | null {
  if (probe.kind !== "csv" || !probe.header) return null;
  const header = probe.header.map((h) => h.trim().toLowerCase());
  const table = SSD_TABLES.find((t) => t.required.every((c) => header.includes(c)));
  return table ? {family: "ssd", format: `ssd:${table.table}`, la: null, year: null} : null;
}

/** SSD dates are SQL datetimes ("2023-05-01 00:00:00.000") or, after a spreadsheet, DD/MM/YYYY. */
function ssdDate(text: string | null | undefined): string | null {
  if (!text) return null;
  const t = text.trim();
  return parseDate(t.slice(0, 10)) ?? parseDate(t.split(/[ T]/)[0]);
}

function value(row: Record<string, string>, column: string): string | null {
  const v = row[column]?.trim();
  return v ? v : null;
}

async function* rowsOf(path: string): AsyncGenerator<Record<string, string>> {
  const parser = createReadStream(path).pipe(csvParse({
    columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), bom: true, skip_empty_lines: true, relax_column_count: true
  }));
  for await (const row of parser) yield row as Record<string, string>;
}

/** Reads ssd_person and ssd_initial_cp_conference among an extract's files into the maps the other tables join to. */
export async function buildSsdContext(files: readonly {path: string; recognition: Recognition}[]): Promise<SsdContext> {
  const context: SsdContext = {};
  for (const {path, recognition: r} of files) {
    if (r.format === "ssd:person") {
      context.persons ??= new Map();
      for await (const row of rowsOf(path)) {
        const id = value(row, "pers_person_id");
        if (id === null) continue;
        context.persons.set(id, {
          dob: ssdDate(value(row, "pers_dob")) ?? ssdDate(value(row, "pers_expected_dob")),
          sex: sexMfu(value(row, "pers_sex") ?? value(row, "pers_gender")),
          ethnicity: ethnicityGroup(value(row, "pers_ethnicity"))
        });
      }
    } else if (r.format === "ssd:initial_cp_conference") {
      context.icpcByEnquiry ??= new Map();
      for await (const row of rowsOf(path)) {
        const enquiry = value(row, "icpc_s47_enquiry_id");
        if (enquiry === null) continue;
        const cpFlag = yesNo(value(row, "icpc_icpc_outcome_cp_flag"));
        context.icpcByEnquiry.set(enquiry, {
          date: ssdDate(value(row, "icpc_icpc_date")),
          plan: cpFlag ?? (value(row, "icpc_cp_plan_id") !== null ? true : null)
        });
      }
    }
  }
  return context;
}

/** One context per extract: the tables of one authority's SSD are read one after another with the same companions. */
let cached: {key: string; context: Promise<SsdContext>} | null = null;

function contextFor(path: string, recognition: Recognition, ctx: ReadContext): Promise<SsdContext> {
  const files = [{path, recognition}, ...ctx.companions].filter((f) => f.recognition.format === "ssd:person" || f.recognition.format === "ssd:initial_cp_conference");
  const key = files.map((f) => f.path).sort().join("\u0000");
  if (cached?.key !== key) cached = {key, context: buildSsdContext(files)};
  return cached.context;
}

export async function* read(path: string, recognition: Recognition, ctx: ReadContext): AsyncGenerator<ImportItem> {
  yield* parseTable(path, recognition, await contextFor(path, recognition, ctx));
}

export async function* parseTable(path: string, recognition: Recognition, context: SsdContext = {}): AsyncGenerator<ImportItem> {
  const file = basename(path);
  const table = SSD_TABLES.find((t) => `ssd:${t.table}` === recognition.format);
  if (!table) throw new RangeError(`${recognition.format} is not an SSD table this parser reads`);
  const persons = context.persons;
  const needsPersons = table.mapsTo === "referrals" || table.mapsTo === "cp_plans" || table.mapsTo === "looked_after";
  if (needsPersons && !persons) {
    yield {row: null, field: "person_id", rule: "ssd-person-not-joined",
      message: `${file}: no ssd_person table for the same authority, so birth month, sex and ethnicity are empty on its records`};
  }
  let rows = 0;
  try {
    // Plan sequence is the plan's rank among the child's plans in the extract: SSD keeps no count of previous plans.
    const planRank = table.mapsTo === "cp_plans" ? await rankPlans(path) : null;
    for await (const row of rowsOf(path)) {
      rows += 1;
      yield* tableRecords(table, row, rows, file, context, planRank);
    }
  } catch (err) {
    const e = err as {code?: string; lines?: number};
    yield {row: null, field: "file", rule: "csv-unreadable", fatal: true,
      message: `${file} could not be read as CSV${e.lines ? ` at line ${e.lines}` : ""}: ${e.code ?? "unreadable"}`};
    yield {tally: {rows, readable: false}};
    return;
  }
  const notMapped = typeof table.mapsTo === "object" ? [`ssd:${table.table} (${rows} rows): ${table.mapsTo.notMapped}`] : undefined;
  yield {tally: {rows, ...(notMapped ? {notMapped} : {})}};
}

async function rankPlans(path: string): Promise<Map<string, string[]>> {
  const starts = new Map<string, string[]>();
  for await (const row of rowsOf(path)) {
    const person = value(row, "cppl_person_id");
    const start = ssdDate(value(row, "cppl_cp_plan_start_date"));
    if (person === null || start === null) continue;
    starts.set(person, [...(starts.get(person) ?? []), start]);
  }
  for (const list of starts.values()) list.sort();
  return starts;
}

function* tableRecords(
  table: SsdTable, row: Record<string, string>, n: number, file: string, context: SsdContext, planRank: Map<string, string[]> | null
): Generator<ImportItem> {
  const prefix = table.required[0].split("_")[0];
  const personId = value(row, `${prefix}_person_id`);
  const origin = {file, row: n};
  const known = personId !== null ? context.persons?.get(personId) : undefined;
  if (personId === null) {
    yield {row: n, field: `${prefix}_person_id`, rule: "ssd-person-id-missing", message: `row ${n}: ${prefix}_person_id is missing`} satisfies Issue;
  } else if (context.persons && !known && table.mapsTo !== "child_addresses") {
    yield {row: n, field: `${prefix}_person_id`, rule: "ssd-person-unknown", message: `row ${n}: the person is not in ssd_person`} satisfies Issue;
  }
  const characteristics = {sex: known?.sex ?? null, ethnicity: known?.ethnicity ?? null};
  const person = {childId: personId, dob: known?.dob ?? null};
  const record = (type: SourceRecord["type"], values: Record<string, string | null>): SourceRecord => ({type, values, person, origin});

  switch (table.mapsTo) {
    case "referrals": {
      const nfa = yesNo(value(row, "cine_referral_nfa"));
      yield record("referrals", {
        referral_id: value(row, "cine_referral_id"), referral_date: ssdDate(value(row, "cine_referral_date")),
        source: leadingCode(value(row, "cine_referral_source_code"), /^(\d{1,2}[A-F]?)\b/),
        primary_concern: concernFromNeedCode(leadingCode(value(row, "cine_cin_primary_need_code"), /^(N\d)\b/)),
        outcome: nfa === true ? "nfa" : nfa === false ? "single_assessment" : null,
        ...characteristics
      });
      break;
    }
    case "assessments":
      yield record("assessments", {
        assessment_id: value(row, "cina_assessment_id"), referral_id: value(row, "cina_referral_id"), assessment_type: "single",
        start_date: ssdDate(value(row, "cina_assessment_start_date")), completion_date: ssdDate(value(row, "cina_assessment_auth_date")),
        factors: null
      });
      break;
    case "s47": {
      const id = value(row, "s47e_s47_enquiry_id");
      const icpc = id !== null ? context.icpcByEnquiry?.get(id) : undefined;
      const nfa = yesNo(value(row, "s47e_s47_nfa"));
      const outcome = icpc?.plan === true ? "plan" : icpc || nfa === true ? "no_plan" : "pending";
      yield record("s47", {enquiry_id: id, start_date: ssdDate(value(row, "s47e_s47_start_date")), icpc_date: icpc?.date ?? null, outcome});
      break;
    }
    case "cp_plans": {
      const start = ssdDate(value(row, "cppl_cp_plan_start_date"));
      const rank = personId !== null && start !== null ? planRank?.get(personId)?.indexOf(start) ?? -1 : -1;
      yield record("cp_plans", {
        plan_id: value(row, "cppl_cp_plan_id"), start_date: start, end_date: ssdDate(value(row, "cppl_cp_plan_end_date")),
        category: categoryOfAbuse(value(row, "cppl_cp_plan_initial_category")),
        plan_sequence: rank >= 0 ? String(rank + 1) : null, factors: null, ...characteristics
      });
      break;
    }
    case "looked_after":
      // Legal status and placement live in ssd_legal_status and ssd_cla_placement, not joined yet: the
      // contract quarantines these records until they are (see the report on the formats branch).
      yield record("looked_after", {
        episode_id: value(row, "clae_cla_episode_id"), start_date: ssdDate(value(row, "clae_cla_episode_start_date")),
        end_date: ssdDate(value(row, "clae_cla_episode_ceased")), legal_status: null, placement: null,
        reason_ceased: value(row, "clae_cla_episode_ceased_reason"), ...characteristics
      });
      break;
    case "child_addresses": {
      if (NOT_HOME_ADDRESS.test(value(row, "addr_address_type") ?? "")) break;
      yield {type: "child_addresses", origin,
        person: {childId: personId, homePostcode: value(row, "addr_address_postcode")},
        values: {from_date: ssdDate(value(row, "addr_address_start_date")), to_date: ssdDate(value(row, "addr_address_end_date"))}};
      break;
    }
  }
}

const tableOf = (r: Recognition) => SSD_TABLES.find((t) => `ssd:${t.table}` === r.format);

export const ssdImporter: Importer = {
  family: "ssd",
  describe: "Standard Safeguarding Dataset table (CSV), one table a file",
  recognise,
  read,
  feeds: (r) => {
    const mapsTo = tableOf(r)?.mapsTo;
    return typeof mapsTo === "string" && mapsTo !== "child_addresses" ? [mapsTo] : [];
  },
  // Characteristics come from ssd_person: without it the records would load with no sex, ethnicity or month of birth.
  needs: (r) => (["referrals", "cp_plans", "looked_after"].includes(tableOf(r)?.mapsTo as string) ? ["ssd:person"] : []),
  // An SSD extract holds every year: each row goes to its own date's year.
  datedByRecord: true
};
