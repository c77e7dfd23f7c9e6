// The geographies the dashboards offer, from the committed reference data (data/reference): each
// authority's neighbourhood areas and wards with their vintage, and the configured target-ward set.
// Run by Observable Framework at build time; prints JSON on stdout.
import {readFileSync} from "node:fs";
import {join} from "node:path";

const dir = process.env.CURVE_REFERENCE_DIR ?? "data/reference";

function csv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, file), "utf8").trim().split(/\r?\n/);
  const keys = header.split(",");
  // Reference CSVs hold plain slugs and names without quoted commas.
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])));
}

const areas = csv("areas.csv");
const wards = csv("wards.csv");
const authorities = csv("authorities.csv").filter((a) => areas.some((x) => x.la_code === a.la_code));
const targetWards = JSON.parse(readFileSync(join(dir, "target-wards.json"), "utf8"));

process.stdout.write(JSON.stringify({
  authorities: authorities.map((a) => ({laCode: a.la_code, name: a.name})),
  areas: areas.map((a) => ({laCode: a.la_code, id: a.area_id, name: a.name})),
  wards: wards.map((w) => ({laCode: w.la_code, id: w.ward_id, name: w.name, area: w.area_id, vintage: w.vintage})),
  targetWards: {id: targetWards.id, name: targetWards.name, laCode: targetWards.la_code, wards: targetWards.wards, illustrative: targetWards.illustrative, note: targetWards.note ?? null}
}));
