/**
 * The Standard Safeguarding Dataset (data-to-insight/ssd-data-model, `data/objects/ssd_*.yml`) as data:
 * the tables Curve reads, the columns that recognise each (every SSD column carries its table's prefix,
 * so a header identifies its table), and the Curve extract each becomes.
 */
import type {ExtractType} from "../extracts.js";

export interface SsdTable {
  table: string;
  /** Columns a header must have for the file to be this table. */
  required: readonly string[];
  mapsTo: ExtractType | "child_addresses" | {notMapped: string};
}

export const SSD_TABLES: readonly SsdTable[] = [
  {table: "person", required: ["pers_person_id"], mapsTo: {notMapped: "person characteristics are joined onto the other tables' records (birth month, sex, ethnicity)"}},
  {table: "cin_episodes", required: ["cine_referral_id", "cine_person_id", "cine_referral_date"], mapsTo: "referrals"},
  {table: "cin_assessments", required: ["cina_assessment_id", "cina_person_id", "cina_assessment_start_date"], mapsTo: "assessments"},
  {table: "s47_enquiry", required: ["s47e_s47_enquiry_id", "s47e_person_id", "s47e_s47_start_date"], mapsTo: "s47"},
  {table: "initial_cp_conference", required: ["icpc_icpc_id", "icpc_person_id"], mapsTo: {notMapped: "initial conferences are joined onto their section 47 enquiries (icpc_date, outcome)"}},
  {table: "cp_plans", required: ["cppl_cp_plan_id", "cppl_person_id", "cppl_cp_plan_start_date"], mapsTo: "cp_plans"},
  {table: "cla_episodes", required: ["clae_cla_episode_id", "clae_person_id", "clae_cla_episode_start_date"], mapsTo: "looked_after"},
  {table: "early_help_episodes", required: ["earl_episode_id", "earl_person_id"], mapsTo: {notMapped: "Curve's early_help extract needs area, lead agency, level of need, step and outcome, which the SSD episode does not carry"}},
  {table: "address", required: ["addr_person_id", "addr_address_postcode"], mapsTo: "child_addresses"}
];

/** Address types that are not where the child lives (a placement address never gives a home ward). */
export const NOT_HOME_ADDRESS = /placement|care|school|correspond|previous/i;
