import {readdirSync, readFileSync, rmSync, statSync} from "node:fs";
import {DuckDBInstance} from "@duckdb/node-api";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {parquetQuery, publishedFromScratch, publishedState as published, REFERRAL_HEADER, referral, referralsCsv, scratch} from "../helpers/warehouse.js";

/** A build from scratch of the same inbox: what an incremental run must publish. */
const fromScratch = (s: ReturnType<typeof scratch>) => publishedFromScratch(s.inbox);

/**
 * Incremental publish (issue 16 §2): a run derives again only the (extract, authority) slices it
 * changed, and shares the other extracts' Parquet files with the previous version, so a one-file run
 * costs the file, not the warehouse. The rule it must keep: the published tables and facts are
 * exactly what a build from scratch of the same files gives.
 */

const LA_HEADER = "episode_id,child_key,la_code,birth_month,sex,ethnicity,ward,start_date,end_date,legal_status,placement,reason_ceased";
const referralsFor = (year: number, ids: number[]) =>
  [REFERRAL_HEADER, ...ids.map((i) => referral(i, {referral_date: `${year}-06-15`}))].join("\n") + "\n";
const leedsReferrals = [REFERRAL_HEADER,
  ...[1, 2, 3].map((i) => referral(i, {referral_id: `R383-${i}`, la_code: "383", ward: "leeds-jess"}))].join("\n") + "\n";
const luton2012 = `${LA_HEADER}\nL1,abc0000000000001,821,2005-01,1,White,dallow,2010-06-01,,C2,U1,\n`;
// Leeds' episode stays open: its snapshot facts must run to whatever month a later run extends the calendar to.
const leeds2012 = `${LA_HEADER}\nL9,abc0000000000009,383,2006-03,2,Asian,leeds-jess,2011-02-01,,C2,U1,\n`;
// Starts later than anything before it: the snapshot calendar grows, so every authority's open episodes gain months.
const luton2013 = `${LA_HEADER}\nL1,abc0000000000001,821,2005-01,1,White,dallow,2010-06-01,2013-09-30,C2,U1,E41\nL2,abc0000000000002,821,2004-01,2,Black,biscot,2013-11-01,,C2,U1,\n`;

const parquetFiles = (dir: string): string[] =>
  readdirSync(dir, {recursive: true}).map(String).filter((f) => f.endsWith(".parquet")).sort();

const parquetCount = async (dir: string): Promise<number> =>
  (await parquetQuery(`SELECT sum(count)::INTEGER AS n FROM read_parquet('${dir}/**/*.parquet')`))[0].n as number;

describe("incremental publish", () => {
  it("a run that adds, replaces and extends files publishes exactly what a build from scratch of the same files does", async () => {
    const grown = scratch();
    grown.put("referrals_821_2012-13.csv", referralsCsv(6));
    grown.put("referrals_383_2012-13.csv", leedsReferrals);
    grown.put("looked_after_821_2012-13.csv", luton2012);
    grown.put("looked_after_383_2012-13.csv", leeds2012);
    expect((await grown.run()).status).toBe("published");
    // One authority's referrals gain a year and are corrected; its looked-after episodes gain a later return.
    grown.put("referrals_821_2012-13.csv", referralsCsv(7));
    grown.put("referrals_821_2013-14.csv", referralsFor(2013, [21, 22]));
    grown.put("looked_after_821_2013-14.csv", luton2013);
    const second = await grown.run();
    expect(second.status).toBe("published");
    expect(second.extracts.filter((e) => e.outcome !== "unchanged").map((e) => [e.file, e.outcome]).sort()).toEqual([
      ["looked_after_821_2013-14.csv", "loaded"], ["referrals_821_2012-13.csv", "replaced"], ["referrals_821_2013-14.csv", "loaded"]]);

    const [a, b] = [await published(grown), await fromScratch(grown)];
    expect(a.referrals).toHaveLength(12);
    expect(a.looked_after).toHaveLength(3);
    // Leeds' open episode is counted in the month the later Luton return added.
    expect(a.facts.some((r) => r.includes('"measure":"cla-open"') && r.includes('"la_code":"383"') && r.includes('"month":"2013-11-01"'))).toBe(true);
    expect(a).toEqual(b);
  }, 180_000);

  it("derives an event extract's facts again in the months its rows left and arrived in, and leaves its other years' facts as they were", async () => {
    const s = scratch();
    const monthsOf = (ids: number[], dates: string[]) => [REFERRAL_HEADER, ...ids.map((i, n) => referral(i, {referral_date: dates[n % dates.length]}))].join("\n") + "\n";
    s.put("referrals_821_2012-13.csv", monthsOf([1, 2, 3, 4], ["2012-06-15", "2012-09-03"]));
    s.put("referrals_821_2013-14.csv", monthsOf([11, 12, 13], ["2013-05-20"]));
    expect((await s.run()).version).toBe(1);
    // A correction moves the September referrals to October and adds one in January: September must
    // lose its facts, October and January gain theirs, and 2013-14 (not in this run) keeps its own.
    s.put("referrals_821_2012-13.csv", monthsOf([1, 2, 3, 4, 5], ["2012-06-15", "2012-10-08", "2013-01-30"]));
    const second = await s.run();
    expect(second.extracts.find((e) => e.file === "referrals_821_2012-13.csv")?.outcome).toBe("replaced");
    const months = await s.query<{month: string; n: number}>(`SELECT month::VARCHAR AS month, count::INTEGER AS n FROM facts
      WHERE measure = 'referrals' AND la_code = '821' AND breakdown = 'all' ORDER BY month`);
    expect(months).toEqual([{month: "2012-06-01", n: 2}, {month: "2012-10-01", n: 2}, {month: "2013-01-01", n: 1}, {month: "2013-05-01", n: 3}]);
    expect(await published(s)).toEqual(await fromScratch(s));
  }, 120_000);

  it("derives everything again when the previous version was derived by other contracts or facts", async () => {
    const s = scratch();
    s.put("referrals_383_2012-13.csv", leedsReferrals);
    expect((await s.run()).version).toBe(1);
    // A version from older code: other derivations, and facts this code would not have written.
    const db = await DuckDBInstance.create(join(s.warehouseDir, "v000001.duckdb"));
    const conn = await db.connect();
    await conn.run(`UPDATE meta SET value = 'older' WHERE key = 'derivation_sha256'`);
    await conn.run(`DELETE FROM facts WHERE la_code = '383'`);
    conn.closeSync();
    db.closeSync();
    s.put("referrals_821_2012-13.csv", referralsCsv(2));
    expect((await s.run()).version).toBe(2);
    const [{n}] = await s.query<{n: number}>(`SELECT sum(count)::INTEGER AS n FROM facts WHERE la_code = '383' AND measure = 'referrals' AND breakdown = 'all'`);
    expect(n).toBe(3);
  });

  it("shares every unchanged (extract, authority) Parquet partition with the previous version and writes the changed one anew", async () => {
    const s = scratch();
    s.put("referrals_821_2012-13.csv", referralsCsv(6));
    s.put("referrals_383_2012-13.csv", leedsReferrals);
    s.put("looked_after_821_2012-13.csv", luton2012);
    expect((await s.run()).version).toBe(1);
    s.put("referrals_821_2013-14.csv", referralsFor(2013, [21, 22]));
    expect((await s.run()).version).toBe(2);

    const [v1, v2] = ["v000001", "v000002"].map((v) => join(s.warehouseDir, "parquet", v));
    const inode = (dir: string, f: string) => statSync(join(dir, f)).ino;
    const files = parquetFiles(v2);
    const shared = files.filter((f) => f.startsWith("extract=looked_after/") || f.startsWith("extract=referrals/la_code=383/"));
    const rewritten = files.filter((f) => f.startsWith("extract=referrals/la_code=821/"));
    expect(shared.some((f) => f.startsWith("extract=referrals/la_code=383/"))).toBe(true);
    expect(shared.some((f) => f.startsWith("extract=looked_after/la_code=821/"))).toBe(true);
    expect(rewritten.length).toBeGreaterThan(0);
    // Leeds' referrals and Luton's looked-after facts did not change: the same files, not copies.
    for (const f of shared) expect(inode(v2, f)).toBe(inode(v1, f));
    for (const f of rewritten.filter((f) => parquetFiles(v1).includes(f))) expect(inode(v2, f)).not.toBe(inode(v1, f));
    // Every fact of the new version is in its Parquet, shared files included.
    const [{facts}] = await s.query<{facts: number}>(`SELECT sum(count)::INTEGER AS facts FROM facts`);
    expect(await parquetCount(v2)).toBe(facts);
  });

  it("when a run adds months to the calendar, counts the other authorities' open episodes in the new months only and still shares every partition without snapshots", async () => {
    const s = scratch();
    s.put("referrals_383_2012-13.csv", leedsReferrals);
    s.put("looked_after_821_2012-13.csv", luton2012);
    s.put("looked_after_383_2012-13.csv", leeds2012);
    expect((await s.run()).version).toBe(1);
    // Luton's later return starts an episode in November 2013: the calendar gains months for everyone.
    s.put("looked_after_821_2013-14.csv", luton2013);
    expect((await s.run()).version).toBe(2);

    // Leeds' episode (open since February 2011) is counted once in every month to the new end, as a build from scratch counts it.
    const open = await s.query<{month: string; count: number}>(`SELECT month::VARCHAR AS month, count FROM facts
      WHERE measure = 'cla-open' AND la_code = '383' AND breakdown = 'all' ORDER BY month`);
    expect(open).toHaveLength(34);
    expect(open.at(-1)).toEqual({month: "2013-11-01", count: 1});
    expect(open.every((r) => r.count === 1)).toBe(true);
    expect(await published(s)).toEqual(await fromScratch(s));

    const [v1, v2] = ["v000001", "v000002"].map((v) => join(s.warehouseDir, "parquet", v));
    const inode = (dir: string, f: string) => statSync(join(dir, f)).ino;
    // Leeds' referrals have no snapshot: the same file. Leeds' looked-after facts gained months: the
    // same files, and one more holding only the new months.
    const leedsReferralFiles = parquetFiles(v2).filter((f) => f.startsWith("extract=referrals/la_code=383/"));
    const leedsCareBefore = parquetFiles(v1).filter((f) => f.startsWith("extract=looked_after/la_code=383/"));
    const leedsCareAdded = parquetFiles(v2).filter((f) => f.startsWith("extract=looked_after/la_code=383/") && !leedsCareBefore.includes(f));
    expect(leedsReferralFiles.length).toBeGreaterThan(0);
    expect(leedsCareBefore.length).toBeGreaterThan(0);
    for (const f of [...leedsReferralFiles, ...leedsCareBefore]) expect(inode(v2, f)).toBe(inode(v1, f));
    expect(leedsCareAdded).toHaveLength(1);
    const added = await parquetQuery(`SELECT DISTINCT measure, min(month)::VARCHAR AS first FROM read_parquet('${join(v2, leedsCareAdded[0])}') GROUP BY ALL`);
    expect(added).toEqual([{measure: "cla-open", first: "2011-03-01"}]); // the calendar ended in February 2011 (Leeds' episode start)
    expect(parquetFiles(v2).some((f) => f.includes("_gained"))).toBe(false);
    const [{facts}] = await s.query<{facts: number}>(`SELECT sum(count)::INTEGER AS facts FROM facts`);
    expect(await parquetCount(v2)).toBe(facts);
  }, 120_000);

  it("judges the months a run adds by the calendar's last month, not its end date's: a mid-month end already has the next month, a first has not", async () => {
    const s = scratch();
    const leedsOpen = `${LA_HEADER}\nL9,abc0000000000009,383,2006-03,2,Asian,leeds-jess,2011-02-01,,C2,U1,\n`;
    const lutonStarting = (...starts: string[]) => [LA_HEADER, ...starts.map((d, i) =>
      `L${i + 1},abc000000000000${i + 1},821,2005-01,1,White,dallow,${d},,C2,U1,`)].join("\n") + "\n";
    const leedsCareMonths = () => s.query<{month: string; count: number}>(`SELECT month::VARCHAR AS month, count FROM facts
      WHERE measure = 'cla-open' AND la_code = '383' AND breakdown = 'all' ORDER BY month`);
    s.put("looked_after_383_2012-13.csv", leedsOpen);
    // The calendar ends on 1 March 2013: its last month is March.
    s.put("looked_after_821_2012-13.csv", lutonStarting("2013-03-01"));
    expect((await s.run()).version).toBe(1);
    expect((await leedsCareMonths()).at(-1)?.month).toBe("2013-03-01");
    // An episode starting on 20 March moves the end within March, but the calendar gains April.
    s.put("looked_after_821_2012-13.csv", lutonStarting("2013-03-01", "2013-03-20"));
    expect((await s.run()).version).toBe(2);
    expect((await leedsCareMonths()).at(-1)?.month).toBe("2013-04-01");
    expect(await published(s)).toEqual(await fromScratch(s));
    // A later return moves the end to mid-June: Leeds' April, which the calendar had, is not counted again.
    s.put("looked_after_821_2013-14.csv", lutonStarting("2013-06-12"));
    expect((await s.run()).version).toBe(3);
    const months = await leedsCareMonths();
    expect(months.at(-1)).toEqual({month: "2013-07-01", count: 1});
    expect(months.every((r) => r.count === 1)).toBe(true);
    expect(new Set(months.map((r) => r.month)).size).toBe(months.length);
    expect(await published(s)).toEqual(await fromScratch(s));
  }, 120_000);

  it("a record a correction moves into the other year is loaded from that year, whether both years are resubmitted together or one after the other", async () => {
    const rows = (ids: number[], date: string, moved?: {id: number; date: string}) => [REFERRAL_HEADER,
      ...ids.map((i) => referral(i, {referral_date: i === moved?.id ? moved.date : date}))].join("\n") + "\n";
    const before = {"referrals_821_2012-13.csv": rows([1, 2, 3, 4, 5, 6], "2012-06-15"), "referrals_821_2013-14.csv": rows([7, 8, 9, 10, 11, 12], "2013-05-20")};
    // Referral 7 was in fact made on 20 March 2013: the corrected 2012-13 file lists it, the corrected 2013-14 one does not.
    const after = {"referrals_821_2012-13.csv": rows([1, 2, 3, 4, 5, 6, 7], "2012-06-15", {id: 7, date: "2013-03-20"}), "referrals_821_2013-14.csv": rows([8, 9, 10, 11, 12], "2013-05-20")};
    const referral7 = (s: ReturnType<typeof scratch>) => s.query<{date: string}>(`SELECT referral_date::VARCHAR AS date FROM referrals WHERE referral_id = 'R821-000007'`);

    const together = scratch();
    for (const [f, c] of Object.entries(before)) together.put(f, c);
    expect((await together.run()).version).toBe(1);
    for (const [f, c] of Object.entries(after)) together.put(f, c);
    expect((await together.run()).status).toBe("published");
    expect(await referral7(together)).toEqual([{date: "2013-03-20"}]);
    expect(await together.query(`SELECT * FROM quarantine`)).toEqual([]);
    expect(await published(together)).toEqual(await fromScratch(together));

    const oneThenOther = scratch();
    for (const [f, c] of Object.entries(before)) oneThenOther.put(f, c);
    expect((await oneThenOther.run()).version).toBe(1);
    // 2012-13 first: 2013-14 still holds referral 7, and gives it up to the earlier year, as a build
    // from scratch does. The 2013-14 file, unchanged in the inbox, is loaded again and quarantines its copy.
    oneThenOther.put("referrals_821_2012-13.csv", after["referrals_821_2012-13.csv"]);
    const second = await oneThenOther.run();
    expect(second.status).toBe("published");
    expect(second.extracts.find((e) => e.file === "referrals_821_2013-14.csv")?.message)
      .toMatch(/loaded again: 1 record\(s\) it held are loaded from an earlier period's file, and quarantined here as copies/);
    expect(await referral7(oneThenOther)).toEqual([{date: "2013-03-20"}]);
    expect((await oneThenOther.query<{file: string; message: string}>(`SELECT file, message FROM quarantine`)))
      .toEqual([{file: "referrals_821_2013-14.csv", message: "referral_id 'R821-000007' is already loaded from referrals_821_2012-13.csv (2012-13); a record may appear in one period only"}]);
    expect(await published(oneThenOther)).toEqual(await fromScratch(oneThenOther));
    // Then 2013-14 without it: nothing is held back any more.
    oneThenOther.put("referrals_821_2013-14.csv", after["referrals_821_2013-14.csv"]);
    expect((await oneThenOther.run()).status).toBe("published");
    expect(await referral7(oneThenOther)).toEqual([{date: "2013-03-20"}]);
    expect(await oneThenOther.query(`SELECT * FROM quarantine`)).toEqual([]);
    expect(await published(oneThenOther)).toEqual(await fromScratch(oneThenOther));
  }, 120_000);

  it("a record two periods' files both validly hold is the earlier period's whichever arrived first; a later file gone from the inbox keeps it until it is back", async () => {
    const s = scratch();
    const rows = (ids: number[], date: string) => [REFERRAL_HEADER, ...ids.map((i) => referral(i, {referral_date: date}))].join("\n") + "\n";
    const [earlier, later] = ["referrals_821_2012-13.csv", "referrals_821_2013-14.csv"];
    const referral7 = () => s.query<{date: string; file: string}>(`SELECT referral_date::VARCHAR AS date, file FROM referrals JOIN extract_loads USING (load_id) WHERE referral_id = 'R821-000007'`);
    // Referral 7, re-dated into each year's file (a reused id, or an overlapping query re-run).
    s.put(later, rows([7, 8, 9, 10, 11, 12], "2013-05-20"));
    expect((await s.run()).version).toBe(1);

    // The later year's file is not in the inbox when the earlier one arrives: it cannot be judged
    // again, so it keeps the record and the arriving copy is quarantined, naming it. Never both.
    const laterContent = readFileSync(join(s.inbox, later), "utf8");
    rmSync(join(s.inbox, later));
    s.put(earlier, rows([1, 2, 3, 4, 5, 6, 7], "2012-06-15"));
    expect((await s.run()).version).toBe(2);
    expect(await referral7()).toEqual([{date: "2013-05-20", file: later}]);
    expect((await s.query<{file: string; message: string}>(`SELECT file, message FROM quarantine`)))
      .toEqual([{file: earlier, message: `referral_id 'R821-000007' is already loaded from ${later} (2013-14); a record may appear in one period only`}]);

    // Back in the inbox: the earlier file is loaded again and takes the record, the later one gives it up.
    s.put(later, laterContent);
    const back = await s.run();
    expect(back.version).toBe(3);
    expect(back.extracts.find((e) => e.file === earlier)?.message).toMatch(/loaded again: 1 record\(s\) it held back as already loaded from a later period's file are this period's/);
    expect(back.extracts.find((e) => e.file === later)?.message).toMatch(/loaded again: 1 record\(s\) it held are loaded from an earlier period's file/);
    expect(await referral7()).toEqual([{date: "2012-06-15", file: earlier}]);
    expect(await published(s)).toEqual(await fromScratch(s));
    // And it stays settled: nothing is loaded again once each record is in one period.
    const settled = await s.run();
    expect(settled.version ?? 3).toBe(3);
    expect(settled.extracts.filter((e) => e.outcome !== "unchanged")).toEqual([]);
  }, 120_000);

  it("writes every partition anew when the previous version's Parquet was laid out otherwise", async () => {
    const s = scratch();
    s.put("referrals_821_2012-13.csv", referralsCsv(6));
    s.put("looked_after_821_2012-13.csv", luton2012);
    expect((await s.run()).version).toBe(1);
    // A version written by code that partitioned otherwise carries no (or another) layout file.
    const v1 = join(s.warehouseDir, "parquet", "v000001");
    rmSync(join(v1, "_partitioned_by"));
    s.put("referrals_821_2013-14.csv", referralsFor(2013, [21, 22]));
    expect((await s.run()).version).toBe(2);
    const v2 = join(s.warehouseDir, "parquet", "v000002");
    const v1Inodes = new Set(parquetFiles(v1).map((f) => statSync(join(v1, f)).ino));
    expect(parquetFiles(v2).some((f) => f.startsWith("extract=looked_after/"))).toBe(true);
    expect(parquetFiles(v2).filter((f) => v1Inodes.has(statSync(join(v2, f)).ino))).toEqual([]);
    const [{facts}] = await s.query<{facts: number}>(`SELECT sum(count)::INTEGER AS facts FROM facts`);
    expect(await parquetCount(v2)).toBe(facts);
  });
});
