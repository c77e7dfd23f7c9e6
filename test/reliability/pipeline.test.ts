import {spawnSync} from "node:child_process";
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync} from "node:fs";
import {createServer} from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {gzipSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import {listRuns} from "../../pipelines/run.js";
import {startSchedule} from "../../pipelines/schedule.js";
import {REFERRAL_HEADER, referral, referralsCsv, scratch} from "../helpers/warehouse.js";

/**
 * Reliability drills for the pipeline (issue 13): each reproduces a way a bad inbox lost or hid data,
 * and states the rule that now protects it. Files are small; each drill runs in a few seconds.
 */

const FILE = "referrals_821_2012-13.csv";
const LA_HEADER = "episode_id,child_key,la_code,birth_month,sex,ethnicity,ward,start_date,end_date,legal_status,placement,reason_ceased";
const count = async (s: ReturnType<typeof scratch>, sql: string) => (await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM ${sql}`))[0].n;
/** Referrals for a collection year other than 2012-13: same shape, dates moved into that year. */
const referralsFor = (year: number, ids: number[]) =>
  [REFERRAL_HEADER, ...ids.map((i) => referral(i, {referral_date: `${year}-06-15`}))].join("\n") + "\n";

describe("the replace guard: a file never silently empties or shrinks a published period", () => {
  it("refuses a file that would replace a period with nothing, keeping the previous rows and naming the file, period, rows and dominant rule", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(10));
    await s.run();
    // Another authority's referrals saved under this authority's name: every row breaks wrong-authority.
    s.put(FILE, referralsCsv(10).replaceAll(",821,", ",383,"));
    const second = await s.run();
    const e = second.extracts[0];
    expect(e.outcome).toBe("refused");
    expect(e.message).toMatch(/referrals_821_2012-13\.csv/);
    expect(e.message).toMatch(/2012-13/);
    expect(e.message).toMatch(/10 rows in, 10 quarantined/);
    expect(e.message).toMatch(/wrong-authority/);
    expect(await count(s, "referrals")).toBe(10);
  });

  it("refuses a replacement whose dates Excel turned into serial numbers, naming the rule", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(10));
    await s.run();
    s.put(FILE, referralsCsv(10).replaceAll("2012-06-15", "41075"));
    const e = (await s.run()).extracts[0];
    expect(e.outcome).toBe("refused");
    expect(e.message).toMatch(/most for invalid \(10 rows\)/);
    expect(e.message).toMatch(/referral_date: expected a date as YYYY-MM-DD or DD\/MM\/YYYY, got '41075'/);
    expect(await count(s, "referrals")).toBe(10);
  });

  it("holds a file that would lose more than 20% of the period's rows until it is accepted by name", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(10));
    await s.run();
    s.put(FILE, referralsCsv(7));
    const held = await s.run();
    expect(held.extracts[0].outcome).toBe("held");
    expect(held.extracts[0].message).toMatch(/10 to 7 rows/);
    expect(held.extracts[0].message).toMatch(/--accept referrals_821_2012-13\.csv/);
    expect(await count(s, "referrals")).toBe(10);
    const accepted = await s.run(undefined, {accept: [FILE]});
    expect(accepted.extracts[0].outcome).toBe("replaced");
    expect(await count(s, "referrals")).toBe(7);
  });

  it("takes the share of rows a replacement may lose from the configuration", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(10));
    await s.run();
    s.put(FILE, referralsCsv(7));
    const loose = await s.run(undefined, {replaceGuard: {maxLossShare: 0.5}});
    expect(loose.extracts[0].outcome).toBe("replaced");
  });

  it("refuses a brand-new period whose every row is quarantined rather than publishing it empty", async () => {
    const s = scratch();
    s.put("referrals_821_2011-12.csv", referralsFor(2011, [1, 2, 3]));
    await s.run();
    s.put(FILE, referralsCsv(4).replaceAll(",821,", ",383,").replaceAll("R821-", "Q821-"));
    const second = await s.run();
    const e = second.extracts.find((x) => x.file === FILE)!;
    expect(e.outcome).toBe("refused");
    expect(e.message).toMatch(/4 rows in, 4 quarantined.*wrong-authority/);
    expect(await count(s, "extract_loads WHERE period = '2012-13'")).toBe(0);
  });

  it("`pipeline run --accept <file>` confirms held files, and the flag repeats", () => {
    const s = scratch();
    const env = {...process.env, CURVE_INBOX: s.inbox, CURVE_WAREHOUSE: s.warehouseDir};
    const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "pipelines/cli.ts", "run", ...args], {encoding: "utf8", env});
    s.put(FILE, referralsCsv(10));
    s.put("referrals_821_2013-14.csv", referralsFor(2013, [21, 22, 23, 24, 25]));
    expect(cli().status).toBe(0);
    s.put(FILE, referralsCsv(5));
    s.put("referrals_821_2013-14.csv", referralsFor(2013, [21, 22]));
    const held = cli();
    expect(held.stderr).toMatch(/held: .*referrals_821_2012-13\.csv/);
    expect(held.stderr).toMatch(/held: .*referrals_821_2013-14\.csv/);
    const accepted = cli("--accept", FILE, "--accept", "referrals_821_2013-14.csv");
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toMatch(/published: .*2 replaced/);
  }, 90_000);
});

describe("one bad inbox entry is refused by name; the rest of the inbox loads", () => {
  it("reads a file with CR-only line endings (old Mac Excel) correctly", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(6, "\r"));
    const r = await s.run();
    expect(r.extracts[0]).toMatchObject({outcome: "loaded", rowsIn: 6, rowsLoaded: 6, rowsQuarantined: 0});
  });

  it("refuses a gzip file that is not a CSV, a directory named like an extract and an entry it cannot read, naming each", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(5));
    s.put("marac_821_2012-13.csv.gz", gzipSync("case_id,la_code,meeting,meeting_date,referring_agency,repeat_case,children_in_household\nM1,821,May,2012-05-03,Police,N,2\n"));
    s.put("assessments_821_2012-13.csv.gz", gzipSync(referralsCsv(5000)).subarray(0, 3000)); // cut short in transit
    s.put("referrals_821_2013-14.csv.gz", gzipSync(Buffer.from(Array.from({length: 4096}, (_, i) => (i * 7919) % 256))));
    mkdirSync(join(s.inbox, "referrals_821_2014-15.csv"));
    symlinkSync(join(s.root, "nowhere.csv"), join(s.inbox, "referrals_821_2015-16.csv"));
    const unreadable = join(s.inbox, "referrals_821_2011-12.csv");
    writeFileSync(unreadable, referralsFor(2011, [99]));
    chmodSync(unreadable, 0o000);
    const r = await s.run();
    expect(r.status).toBe("published");
    const by = (f: string) => r.extracts.find((e) => e.file === f);
    expect(by(FILE)).toMatchObject({outcome: "loaded", rowsLoaded: 5});
    expect(by("marac_821_2012-13.csv.gz")).toMatchObject({outcome: "loaded", rowsLoaded: 1}); // a real gzip CSV still loads
    expect(by("referrals_821_2013-14.csv.gz")).toMatchObject({outcome: "refused"});
    expect(by("referrals_821_2013-14.csv.gz")!.message).toMatch(/referrals_821_2013-14\.csv\.gz.*not a gzip-compressed CSV/);
    expect(by("assessments_821_2012-13.csv.gz")!.message).toMatch(/assessments_821_2012-13\.csv\.gz cannot be read to the end \(unexpected end of file\)/);
    expect(by("referrals_821_2014-15.csv")!.message).toMatch(/referrals_821_2014-15\.csv is a directory/);
    expect(by("referrals_821_2015-16.csv")!.message).toMatch(/referrals_821_2015-16\.csv cannot be read/);
    // Root reads a mode-000 file; anyone else is refused it. Either way the run names it and goes on.
    const u = by("referrals_821_2011-12.csv")!;
    expect(u.outcome === "loaded" || /cannot be read/.test(u.message)).toBe(true);
  });

  it("refuses a binary file as not a CSV/XML/xlsx file", async () => {
    const s = scratch();
    s.put(FILE, Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(2000, 0), Buffer.from(REFERRAL_HEADER)]));
    const r = await s.run();
    expect(r.extracts[0].outcome).toBe("refused");
    expect(r.extracts[0].message).toMatch(/referrals_821_2012-13\.csv is not a CSV\/XML\/xlsx file/);
  });

  it("refuses an extract for an authority code that is not in the reference data", async () => {
    const s = scratch();
    s.put("referrals_999_2012-13.csv", referralsCsv(3).replaceAll(",821,", ",999,"));
    const r = await s.run();
    expect(r.extracts[0].outcome).toBe("refused");
    expect(r.extracts[0].message).toMatch(/'999' is not a known authority/);
  });

  it("refuses both files when two in one inbox are for the same type, authority and period, naming them", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(5));
    s.put("referrals_821_2012-13.old.csv", referralsCsv(4));
    s.put("referrals_821_2013-14.csv", referralsFor(2013, [31, 32]));
    const r = await s.run();
    const clash = r.extracts.filter((e) => e.file.startsWith("referrals_821_2012-13"));
    expect(clash.map((e) => e.outcome)).toEqual(["refused", "refused"]);
    for (const e of clash) expect(e.message).toMatch(/referrals_821_2012-13\.csv and referrals_821_2012-13\.old\.csv/);
    expect(await count(s, "referrals")).toBe(2);
  });
});

describe("wide files: columns outside the contract are dropped by name, never scanned or stored", () => {
  it("drops a column outside the contract without reading its values, and keeps it out of quarantine", async () => {
    const s = scratch();
    const csv = [REFERRAL_HEADER + ",caseworker_notes", referral(1) + ",see file", referral(2, {ward: "atlantis"}) + ",call back"].join("\n") + "\n";
    s.put(FILE, csv);
    const r = await s.run();
    expect(r.extracts[0]).toMatchObject({outcome: "loaded", rowsLoaded: 1, rowsQuarantined: 1});
    expect(r.extracts[0].warnings.join(" ")).toMatch(/column\(s\) outside the contract dropped unread: caseworker_notes/);
    const [q] = await s.query<{raw: string}>(`SELECT raw::VARCHAR AS raw FROM quarantine`);
    expect(q.raw).not.toMatch(/caseworker_notes|call back/);
  });

  it("loads a 300-column file in bounded memory", () => {
    const out = spawnSync(process.execPath, ["--import", "tsx", "test/reliability/wide-file.ts", "300", "300"], {encoding: "utf8"});
    const figures = JSON.parse(out.stdout.trim().split("\n").at(-1)!);
    expect(figures).toMatchObject({outcome: "loaded", loaded: 300});
    expect(figures.maxRssMB).toBeLessThan(400);
  }, 30_000);

  it("refuses a file with an absurd number of columns before reading its rows", async () => {
    const s = scratch();
    const filler = Array.from({length: 5000}, (_, i) => `x${i}`);
    s.put(FILE, [[REFERRAL_HEADER, ...filler].join(","), [referral(1), ...filler.map(() => "1")].join(",")].join("\n") + "\n");
    const r = await s.run();
    expect(r.extracts[0].outcome).toBe("refused");
    expect(r.extracts[0].message).toMatch(/referrals_821_2012-13\.csv has 5011 columns; at most 2000 are read/);
  });
});

describe("identity of a file is its content and its target", () => {
  it("loads the same bytes under another period's name instead of calling them unchanged", async () => {
    const s = scratch();
    // An episode open through both years belongs in both returns: the same bytes are valid for each.
    const csv = `${LA_HEADER}\nL1,abc0000000000001,821,2005-01,1,White,dallow,2010-06-01,,C2,U1,\n`;
    s.put("looked_after_821_2012-13.csv", csv);
    await s.run();
    s.put("looked_after_821_2013-14.csv", csv);
    const r = await s.run();
    expect(r.status).toBe("published");
    expect(r.extracts.find((e) => e.file === "looked_after_821_2013-14.csv")).toMatchObject({outcome: "loaded", rowsLoaded: 1});
    expect(r.extracts.find((e) => e.file === "looked_after_821_2012-13.csv")).toMatchObject({outcome: "unchanged"});
  });

  it("quarantines a record key already published for another period of the same type and authority, naming that file", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(10));
    await s.run();
    s.put("referrals_821_2013-14.csv", referralsFor(2013, [1, 2, 3, 4, 5, 11, 12, 13]));
    const r = await s.run();
    expect(r.extracts.find((e) => e.file === "referrals_821_2013-14.csv")).toMatchObject({rowsLoaded: 3, rowsQuarantined: 5});
    expect(await count(s, "referrals")).toBe(13);
    const q = await s.query<{rule: string; message: string}>(`SELECT rule, message FROM quarantine WHERE file = 'referrals_821_2013-14.csv'`);
    expect(q.map((x) => x.rule)).toEqual(Array(5).fill("duplicate-key"));
    expect(q[0].message).toMatch(/already loaded from referrals_821_2012-13\.csv \(2012-13\)/);
  });
});

describe("versions: publish only when data changed, and sweep everything a version owns", () => {
  it("a run whose every file is refused or unchanged publishes nothing, and the runs log still lists the refusals", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(5));
    expect((await s.run()).version).toBe(1);
    s.put("referrals_821_2013-14.csv", "");
    const r = await s.run();
    expect(r.status).toBe("unchanged");
    expect(r.version).toBe(1);
    expect(readdirSync(s.warehouseDir).filter((f) => f.endsWith(".duckdb"))).toEqual(["v000001.duckdb"]);
    const logged = listRuns(s.warehouseDir).find((x) => x.run_id === r.run_id)!;
    expect(logged.status).toBe("unchanged");
    expect(logged.extracts.find((e) => e.file === "referrals_821_2013-14.csv")).toMatchObject({outcome: "refused"});
  });

  it("sweeps parquet/<version>/ with the versions it keeps", async () => {
    const s = scratch();
    for (let i = 1; i <= 5; i++) {
      s.put(FILE, referralsCsv(10 + i));
      expect((await s.run()).status).toBe("published");
    }
    const versions = readdirSync(s.warehouseDir).filter((f) => /^v\d{6}\.duckdb$/.test(f)).map((f) => f.replace(".duckdb", "")).sort();
    expect(versions).toEqual(["v000003", "v000004", "v000005"]);
    expect(readdirSync(join(s.warehouseDir, "parquet")).sort()).toEqual(versions);
  });

  it("a kill that lands after the version is published leaves the run recorded as published", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(5));
    const killed = spawnSync(process.execPath, ["--import", "tsx", "test/reliability/kill-after-publish.ts", s.inbox, s.warehouseDir], {encoding: "utf8"});
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(s.warehouseDir, "CURRENT"))).toBe(true);
    const [run] = listRuns(s.warehouseDir);
    expect(run).toMatchObject({status: "published", version: 1});
  });
});

describe("the scheduled pipeline runs in a child process, so the API survives it", () => {
  // A child starts in about a second on an idle machine; allow for a heavily shared one.
  const CHILD_WAIT = 30_000;
  const config = (s: ReturnType<typeof scratch>) => ({inbox: s.inbox, warehouseDir: s.warehouseDir, referenceDir: "data/reference", demoExtracts: s.inbox,
    appStore: `${s.root}/app.duckdb`, keepVersions: 3, pipelineSchedule: "* * * * * *", port: 0});

  it("runs the scheduled pipeline in another process", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(5));
    const published: number[] = [];
    const job = startSchedule(config(s), () => undefined, {onPublished: () => published.push(Date.now())});
    const until = Date.now() + CHILD_WAIT;
    while (published.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    job?.stop();
    expect(published.length).toBe(1);
    const [run] = listRuns(s.warehouseDir).filter((r) => r.status === "published");
    expect(run.pid).toBeDefined();
    expect(run.pid).not.toBe(process.pid);
  }, CHILD_WAIT + 5000);

  it("keeps answering requests while a scheduled run runs out of memory, and logs the crash", async () => {
    const s = scratch();
    const server = createServer((_, res) => res.end("ok")).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const events: Record<string, unknown>[] = [];
    const job = startSchedule(config(s), (e) => events.push(e),
      {childEntry: "test/reliability/exhausting-pipeline.ts", childExecArgv: ["--max-old-space-size=48"]});
    const answers: number[] = [];
    const until = Date.now() + CHILD_WAIT;
    while (!events.some((e) => e.msg === "scheduled pipeline run crashed") && Date.now() < until) {
      answers.push((await fetch(url)).status);
      await new Promise((r) => setTimeout(r, 50));
    }
    job?.stop();
    const crash = events.find((e) => e.msg === "scheduled pipeline run crashed");
    expect(crash).toBeDefined();
    expect(String(crash!.detail)).toMatch(/the previous version keeps serving/);
    expect(answers.length).toBeGreaterThan(3);
    expect(answers.every((a) => a === 200)).toBe(true);
    expect((await fetch(url)).status).toBe(200);
    server.close();
  }, CHILD_WAIT + 5000);
});

describe("tokens", () => {
  it("refuses `tokens create --provider` for a provider that is not in the reference data", () => {
    const dir = mkdtempSync(join(tmpdir(), "curve-tokens-"));
    const out = spawnSync(process.execPath, ["--import", "tsx", "api/auth/cli.ts", "create", "--role", "provider", "--provider", "no-such-provider"],
      {encoding: "utf8", env: {...process.env, CURVE_TOKENS: join(dir, "tokens.json")}});
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/no-such-provider.*not a provider in data\/reference\/providers\.json/);
    expect(existsSync(join(dir, "tokens.json"))).toBe(false);
  });
});
