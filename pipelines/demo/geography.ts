import {readFileSync} from "node:fs";
import {join} from "node:path";
import {parse} from "csv-parse/sync";
import type {ProviderSpec} from "./reference/providers.js";

/** Ward ids for authorities the reference data does not map: `<la_code>-w01` … `<la_code>-wNN`. */
export function syntheticWardIds(laCode: string, wardCount: number): string[] {
  const width = Math.max(2, String(wardCount).length);
  return Array.from({length: wardCount}, (_, i) => `${laCode}-w${String(i + 1).padStart(width, "0")}`);
}

export interface Ward {
  laCode: string;
  id: string;
  name: string;
  area: string;
  target: boolean;
  idaci: number;
  /** children[year][age] for mid-years 2008–2016. */
  children: Map<number, number[]>;
}

export interface Authority {
  laCode: string;
  name: string;
  region: string;
  wardCount: number;
  childPopulation: number;
}

export interface ReferenceData {
  wards: Ward[];
  areas: {laCode: string; id: string; name: string}[];
  targetWards: {id: string; laCode: string; wards: string[]};
  authorities: Authority[];
  providers: ProviderSpec[];
}

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, "utf8"), {columns: true, skip_empty_lines: true}) as Record<string, string>[];
}

export function loadReferenceData(dir: string): ReferenceData {
  const target = JSON.parse(readFileSync(join(dir, "target-wards.json"), "utf8")) as {id: string; la_code: string; wards: string[]};
  const idaci = new Map(readCsv(join(dir, "deprivation.csv")).map((r) => [`${r.la_code}/${r.ward_id}`, Number(r.idaci_score)]));
  const wards: Ward[] = readCsv(join(dir, "wards.csv")).map((r) => ({
    laCode: r.la_code,
    id: r.ward_id,
    name: r.name,
    area: r.area_id,
    target: r.la_code === target.la_code && target.wards.includes(r.ward_id),
    idaci: idaci.get(`${r.la_code}/${r.ward_id}`) ?? 0.2,
    children: new Map()
  }));
  const byKey = new Map(wards.map((w) => [`${w.laCode}/${w.id}`, w]));
  for (const r of readCsv(join(dir, "population.csv"))) {
    const ward = byKey.get(`${r.la_code}/${r.ward_id}`);
    if (!ward) continue;
    const year = Number(r.year);
    if (!ward.children.has(year)) ward.children.set(year, new Array(18).fill(0));
    ward.children.get(year)![Number(r.age)] = Number(r.children);
  }
  return {
    wards,
    areas: readCsv(join(dir, "areas.csv")).map((r) => ({laCode: r.la_code, id: r.area_id, name: r.name})),
    targetWards: {id: target.id, laCode: target.la_code, wards: target.wards},
    authorities: readCsv(join(dir, "authorities.csv")).map((r) => ({
      laCode: r.la_code,
      name: r.name,
      region: r.region,
      wardCount: Number(r.ward_count),
      childPopulation: Number(r.child_population)
    })),
    providers: (JSON.parse(readFileSync(join(dir, "providers.json"), "utf8")) as {providers: ProviderSpec[]}).providers
  };
}

/** Children aged lo–hi in a ward in a mid-year (clamped to the years the reference data covers). */
export function wardChildren(ward: Ward, year: number, lo = 0, hi = 17): number {
  let ages = ward.children.get(year);
  if (!ages) {
    const years = [...ward.children.keys()];
    ages = ward.children.get(Math.min(Math.max(year, Math.min(...years)), Math.max(...years)))!;
  }
  let n = 0;
  for (let a = lo; a <= hi; a++) n += ages[a];
  return n;
}

export function wardsOf(ref: ReferenceData, laCode: string): Ward[] {
  return ref.wards.filter((w) => w.laCode === laCode);
}

/**
 * Neighbourhood area of each synthetic ward: the wards are split in order into five areas named
 * like Luton's (central, north, east, south, west), so early-help extracts keep one area code list.
 */
export const SYNTHETIC_AREAS = ["central", "north", "east", "south", "west"] as const;
export function syntheticAreaIds(wardCount: number): string[] {
  return Array.from({length: wardCount}, (_, i) => SYNTHETIC_AREAS[Math.floor((i * SYNTHETIC_AREAS.length) / wardCount)]);
}
