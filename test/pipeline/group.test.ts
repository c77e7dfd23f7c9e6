import {describe, expect, it} from "vitest";
import {join} from "node:path";
import {groupFiles} from "../../pipelines/load/extract.js";
import {REFERRAL_HEADER, referral, scratch} from "../helpers/warehouse.js";

/**
 * A run loads the files of one extract type together (pipelines/load/extract.ts loadExtractGroup):
 * staged, typed and checked in a few statements for all of them. What must not change: each file is
 * judged on its own, its rows are numbered from its own first line, and files whose outcomes depend
 * on each other come out as if they had been loaded one after the other.
 */
const referralsFor = (year: number, ids: number[], over: Record<number, Record<string, string>> = {}) =>
  [REFERRAL_HEADER, ...ids.map((i) => referral(i, {referral_date: `${year}-06-15`, ...over[i]}))].join("\n") + "\n";

describe("files of one type load together", () => {
  it("each file is judged on its own: one refused for an identifier, one with a quarantined row, one clean", async () => {
    const s = scratch();
    s.put("referrals_821_2012-13.csv", referralsFor(2012, [1, 2, 3]));
    // An NHS number (passes the modulus-11 check) as a referral id refuses its file whole, and only its file.
    s.put("referrals_821_2013-14.csv", referralsFor(2013, [11, 12], {12: {referral_id: "9434765919"}}));
    s.put("referrals_821_2014-15.csv", referralsFor(2014, [21, 22, 23, 24], {23: {referral_date: "2014-02-30"}}));
    const r = await s.run();
    expect(r.extracts.map((e) => [e.file, e.outcome, e.rowsLoaded, e.rowsQuarantined])).toEqual([
      ["referrals_821_2012-13.csv", "loaded", 3, 0],
      ["referrals_821_2013-14.csv", "refused", 0, 0],
      ["referrals_821_2014-15.csv", "loaded", 3, 1]]);
    expect(r.extracts[1].message).toMatch(/column 'referral_id' holds NHS numbers/);
    // Lineage: each file's rows are numbered from its own first data line.
    const rows = await s.query<{id: string; file: string; row: number}>(`SELECT r.referral_id AS id, l.file, r.source_row AS row
      FROM referrals r JOIN extract_loads l USING (load_id) ORDER BY id`);
    expect(rows.map((x) => [x.id.slice(-2), x.file.slice(14, 21), x.row])).toEqual([
      ["01", "2012-13", 1], ["02", "2012-13", 2], ["03", "2012-13", 3], ["21", "2014-15", 1], ["22", "2014-15", 2], ["24", "2014-15", 4]]);
    const q = await s.query<{file: string; source_row: number; rule: string}>(`SELECT file, source_row, rule FROM quarantine`);
    expect(q).toEqual([{file: "referrals_821_2014-15.csv", source_row: 3, rule: "invalid"}]);
  });

  it("a record key in two files of one run is a copy in the later file only if the earlier one loaded it", async () => {
    const s = scratch();
    // Key 4 is quarantined in the earlier file (impossible date), so the later file's 4 is the record's only copy.
    s.put("referrals_821_2012-13.csv", referralsFor(2012, [1, 2, 3, 4, 5], {4: {referral_date: "2012-13-01"}}));
    s.put("referrals_821_2013-14.csv", referralsFor(2013, [4, 5, 6]));
    const r = await s.run();
    expect(r.extracts.map((e) => [e.file, e.outcome, e.rowsLoaded, e.rowsQuarantined])).toEqual([
      ["referrals_821_2012-13.csv", "loaded", 4, 1],
      ["referrals_821_2013-14.csv", "loaded", 2, 1]]);
    const q = await s.query<{file: string; rule: string; message: string}>(`SELECT file, rule, message FROM quarantine ORDER BY file`);
    expect(q.map((x) => [x.file, x.rule])).toEqual([["referrals_821_2012-13.csv", "invalid"], ["referrals_821_2013-14.csv", "duplicate-key"]]);
    expect(q[1].message).toMatch(/R821-000005' is already loaded from referrals_821_2012-13\.csv \(2012-13\)/);
  });

  it("groups consecutive files of one type and contract only, so one authority's files still load in period order", () => {
    const s = scratch();
    const names = ["cp_plans_821_2012-13.csv", "cp_plans_821_2013-14.csv", "referrals_180_2024-25.csv", "referrals_821_2023-24.csv",
      "referrals_821_2024-25.csv", "referrals_822_2024-25.csv"];
    for (const n of names) s.put(n, "x\n");
    // Sex is coded M/F/U from 2024-25: another contract, so 821's 2023-24 file is a group of its own
    // between the 2024-25 files rather than joining a group that would load after 821's 2024-25.
    expect(groupFiles(names.map((n) => join(s.inbox, n)))).toEqual([[0, 1], [2], [3], [4, 5]]);
  });
});

