import {mkdtempSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {generateDemoExtracts} from "../../pipelines/demo/generate.js";
import {Rng} from "../../pipelines/demo/rng.js";
import {parquetQuery, publishedFromScratch, publishedState, rowDifference, scratch} from "../helpers/warehouse.js";
import {parquetDirOf} from "../../pipelines/warehouse/store.js";

/**
 * Incremental publish against builds from scratch, over seeded sequences of runs (issue 16 §2). A
 * run derives again only the slices, months and calendar months it changed; what it publishes must
 * still be exactly what one run over the same inbox publishes. The hand-written cases in
 * incremental.test.ts pin the known shapes; these sequences mix them as a council's year does:
 * returns arriving out of order, last year's return corrected (dates moved across months and
 * years, episodes closed or reopened, rows removed, wards recoded) while this year's lists the same
 * open episodes, two authorities, every extract type.
 *
 * Sequence 9 found a calendar that gained months counting a month twice (facts.ts CALENDAR_MONTHS),
 * sequence 7 a record a correction moved into the other year lost from both (extract.ts judgeAgain),
 * and, once carried rows were also re-dated, a record valid in two years published from whichever
 * file arrived first (7 of seeds 1-12 failed; the earlier year's now, LoadContext.canReload).
 * A longer search: CURVE_DIFF_SEEDS=$(seq -s, 1 40) npx vitest run <this file>.
 */
const SEEDS = (process.env.CURVE_DIFF_SEEDS ?? "7,9").split(",").map(Number);

const root = mkdtempSync(join(tmpdir(), "curve-incremental-diff-"));
const demoDir = join(root, "demo");
/** File name → content: three years of the demo's files, for one child in sixteen (kept small, kept coherent; MARAC cases have no child, one in sixteen rows). */
const demoFiles = new Map<string, string>();

beforeAll(() => {
  generateDemoExtracts({outDir: demoDir, seed: 2014, years: ["2011-12", "2012-13", "2013-14"], statutory: false});
  for (const f of readdirSync(demoDir).filter((n) => n.endsWith(".csv")).sort()) {
    const [header, ...rows] = readFileSync(join(demoDir, f), "utf8").trimEnd().split("\n");
    const key = header.split(",").findIndex((c) => c === "child_key" || c === "young_person_key");
    const kept = key < 0 ? rows.filter((_, i) => i % 16 === 0) : rows.filter((r) => r.split(",")[key].endsWith("0"));
    demoFiles.set(f, [header, ...kept].join("\n") + "\n");
  }
}, 120_000);

afterAll(() => rmSync(root, {recursive: true, force: true}));

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const DAY = 86_400_000;

/**
 * A corrected return: about one row in eight changed, as a council's resubmission changes it. A
 * date moves by up to four months either way (across months, sometimes across years), an end date
 * is cleared or set, a ward is recoded to another row's, or the row goes (few enough that the
 * replace guard lets the file through).
 */
function correct(content: string, rng: Rng): string {
  const [header, ...rows] = content.trimEnd().split("\n");
  const cols = header.split(",");
  const dates = cols.flatMap((c, i) => (/_date$/.test(c) ? [i] : []));
  const ends = cols.flatMap((c, i) => (c === "end_date" || c === "closure_date" ? [i] : []));
  const ward = cols.indexOf("ward");
  const maxDropped = Math.floor(rows.length * 0.05);
  let dropped = 0;
  const out: string[] = [];
  for (const row of rows) {
    if (!rng.chance(0.125)) {
      out.push(row);
      continue;
    }
    // Rows with quoted fields (MARAC's agencies) are left as they are: this is not a CSV writer.
    if (row.includes('"')) {
      out.push(row);
      continue;
    }
    const cells = row.split(",");
    const what = rng.int(4);
    if (what === 3 && dropped < maxDropped) {
      dropped++;
      continue;
    }
    if (what === 2 && ward >= 0) cells[ward] = rows[rng.int(rows.length)].split(",")[ward];
    else if (what === 1 && ends.length) {
      const end = ends[0];
      const start = dates.find((i) => i !== end && cells[i]);
      cells[end] = cells[end] || start === undefined ? "" : isoDay(Date.parse(cells[start]) + rng.range(1, 400) * DAY);
    } else {
      const filled = dates.filter((i) => cells[i]);
      if (filled.length) {
        const i = filled[rng.int(filled.length)];
        cells[i] = isoDay(Date.parse(cells[i]) + rng.range(-120, 120) * DAY);
      }
    }
    out.push(cells.join(","));
  }
  return [header, ...out].join("\n") + "\n";
}

/** The live version's facts table and its Parquet, each as sorted rows of text. */
async function factsAndParquet(s: ReturnType<typeof scratch>): Promise<[string[], string[]]> {
  const [{v}] = await s.query<{v: string}>(`SELECT value AS v FROM meta WHERE key = 'version'`);
  const columns = (await s.query<{c: string}>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'facts' ORDER BY ordinal_position`))
    .map(({c}) => `coalesce(${c}::VARCHAR, '∅')`).join(" || '|' || ");
  const inTable = (await s.query<{r: string}>(`SELECT ${columns} AS r FROM facts ORDER BY r`)).map((x) => x.r);
  const dir = parquetDirOf(s.warehouseDir, Number(v));
  const inParquet = await parquetQuery(`SELECT ${columns} AS r FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true, hive_types_autocast = false) ORDER BY r`);
  return [inTable, inParquet.map((x) => String(x.r))];
}

describe("incremental publish over seeded sequences of runs", () => {
  for (const seed of SEEDS) {
    it(`sequence ${seed}: after every run, the published tables, facts and Parquet equal a build from scratch of the same inbox`, async () => {
      const rng = Rng.fromSeed(`incremental-diff-${seed}`);
      // Its own stream, so the sequences the seeds above were found with stay as they were.
      const redating = Rng.fromSeed(`incremental-diff-redating-${seed}`);
      const s = scratch("curve-diff-");
      const names = [...demoFiles.keys()];
      const waiting = [...names].sort(() => rng.next() - 0.5);
      const present: string[] = [];
      let published_ = 0;
      // The first run brings half the files; each later one brings a few more and corrects a few it has.
      for (let step = 0; step < 5; step++) {
        const arriving = waiting.splice(0, step === 0 ? Math.floor(names.length / 2) : rng.range(1, 4));
        for (const f of arriving) s.put(f, demoFiles.get(f)!);
        present.push(...arriving);
        // Files of 50 rows or more: a correction of a handful of rows would take more than the replace
        // guard lets through unconfirmed (the guard has tests of its own in test/reliability), and be held.
        const correctable = present.filter((f) => demoFiles.get(f)!.split("\n").length > 51);
        const corrected = step === 0 ? [] : Array.from({length: rng.range(1, 3)}, () => correctable[rng.int(correctable.length)]);
        for (const f of new Set(corrected)) s.put(f, correct(readFileSync(join(s.inbox, f), "utf8"), rng));
        // A year's file that carries rows of another year's (the same records, keys, dates and all),
        // as a resubmission built from an overlapping query does; or, every other time, the same
        // records re-dated into the carrier's year (a reused id): valid in both years, they are the
        // earlier year's, whichever file arrived first.
        const carrier = step === 0 ? undefined : correctable[rng.int(correctable.length)];
        const source = carrier && present.find((f) => f !== carrier && f.slice(0, -11) === carrier.slice(0, -11));
        if (carrier && source) {
          const rows = readFileSync(join(s.inbox, source), "utf8").trimEnd().split("\n").slice(1).filter(() => rng.chance(0.1));
          const years = +carrier.slice(-11, -7) - +source.slice(-11, -7);
          const redated = redating.chance(0.5);
          const copied = redated ? rows.map((r) => r.replace(/\b(\d{4})(-\d\d-\d\d)\b/g, (_, y: string, md: string) => `${+y + years}${md}`)) : rows;
          s.put(carrier, readFileSync(join(s.inbox, carrier), "utf8") + copied.map((r) => `${r}\n`).join(""));
          corrected.push(`${carrier} (with ${rows.length} rows of ${source}${redated ? ", re-dated" : ""})`);
        }
        const run = await s.run();
        expect(run.status, run.message).toBe("published");
        expect(run.extracts.filter((e) => e.outcome === "held" || e.outcome === "failed").map((e) => `${e.file}: ${e.message}`)).toEqual([]);
        published_++;

        const mine = await publishedState(s);
        const theirs = await publishedFromScratch(s.inbox);
        const what = `step ${step} (arrived ${arriving.join(" ")}; corrected ${[...new Set(corrected)].join(" ")})`;
        for (const t of Object.keys(theirs)) expect(rowDifference(mine[t], theirs[t]), `${what}: ${t}`).toEqual({extra: [], missing: []});
        const [inTable, inParquet] = await factsAndParquet(s);
        expect(rowDifference(inParquet, inTable), `${what}: the facts' Parquet`).toEqual({extra: [], missing: []});
      }
      expect(published_).toBe(5);
      rmSync(s.root, {recursive: true, force: true});
    }, 300_000);
  }
});
