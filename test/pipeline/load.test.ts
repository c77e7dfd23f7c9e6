import {describe, expect, it} from "vitest";
import iconv from "iconv-lite";
import {REFERRAL_HEADER, referral, referralsCsv, scratch} from "../helpers/warehouse.js";

const FILE = "referrals_821_2012-13.csv";
const MARAC_HEADER = "case_id,la_code,meeting,meeting_date,referring_agency,repeat_case,children_in_household";

async function loadOne(name: string, content: string | Buffer) {
  const s = scratch();
  s.put(name, content);
  const record = await s.run();
  return {s, record, result: record.extracts[0]};
}

describe("loading an extract", () => {
  it("publishes valid rows with lineage: load id and source row", async () => {
    const {s, record, result} = await loadOne(FILE, referralsCsv(20));
    expect(record.status).toBe("published");
    expect(result).toMatchObject({outcome: "loaded", rowsIn: 20, rowsLoaded: 20, rowsQuarantined: 0});
    const rows = await s.query<{n: number; rows: number; load_id: string}>(`SELECT count(*)::INTEGER AS n, max(source_row)::INTEGER AS rows, any_value(load_id) AS load_id FROM referrals`);
    expect(rows[0]).toMatchObject({n: 20, rows: 20, load_id: result.loadId});
    const sex = await s.query<{sex: string}>(`SELECT DISTINCT sex FROM referrals`);
    expect(sex).toEqual([{sex: "M"}]); // CIN 2012-13 coding 1 is published as M
  });

  it("a second load of the same extract changes no row", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(10));
    await s.run();
    const before = await s.query(`SELECT * FROM referrals ORDER BY referral_id`);
    const second = await s.run();
    expect(second.status).toBe("unchanged");
    expect(await s.query(`SELECT * FROM referrals ORDER BY referral_id`)).toEqual(before);
  });

  it("a corrected extract for the same period replaces the earlier one", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(10));
    await s.run();
    // 10% fewer rows: within the replace guard's 20% (a bigger loss is held: test/reliability/).
    s.put(FILE, referralsCsv(9));
    const second = await s.run();
    expect(second.extracts[0].outcome).toBe("replaced");
    expect((await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM referrals`))[0].n).toBe(9);
    expect((await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM extract_loads`))[0].n).toBe(1);
  });
});

describe("real-world mess", () => {
  it("reads UTF-8 with a byte-order mark", async () => {
    const {result} = await loadOne(FILE, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(referralsCsv(3))]));
    expect(result).toMatchObject({outcome: "loaded", rowsLoaded: 3});
  });

  it("reads Windows-1252 from Excel and says so", async () => {
    const csv = `${MARAC_HEADER}\nM1,821,03/04/2012,2012-04-03,Women’s Aid – LAWC,N,2\n`;
    const {s, result} = await loadOne("marac_821_2012-13.csv", iconv.encode(csv, "win1252"));
    expect(result.outcome).toBe("loaded");
    expect(result.warnings.join(" ")).toMatch(/Windows-1252/);
    expect((await s.query<{a: string}>(`SELECT referring_agency AS a FROM marac`))[0].a).toBe("Women’s Aid – LAWC");
  });

  it("reads CRLF line endings", async () => {
    const {result} = await loadOne(FILE, referralsCsv(5, "\r\n"));
    expect(result).toMatchObject({outcome: "loaded", rowsLoaded: 5, rowsQuarantined: 0});
  });

  it("keeps quoted commas and newlines inside a value", async () => {
    const csv = `${MARAC_HEADER}\nM1,821,"07&21/08/12",2012-08-07,"Voluntary Sector (Women's Aid, LAWC)",Y,3\nM2,821,"two\nlines",2012-08-07,Police,N,0\n`;
    const {s, result} = await loadOne("marac_821_2012-13.csv", csv);
    expect(result).toMatchObject({outcome: "loaded", rowsLoaded: 2});
    const rows = await s.query<{meeting: string; referring_agency: string}>(`SELECT meeting, referring_agency FROM marac ORDER BY case_id`);
    expect(rows[0].referring_agency).toBe("Voluntary Sector (Women's Aid, LAWC)");
    expect(rows[1].meeting).toBe("two\nlines");
  });

  it("refuses an empty file and keeps the previous data", async () => {
    const s = scratch();
    s.put(FILE, referralsCsv(4));
    await s.run();
    s.put(FILE, "");
    const second = await s.run();
    expect(second.extracts[0]).toMatchObject({outcome: "refused"});
    expect(second.extracts[0].message).toMatch(/empty/);
    expect((await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM referrals`))[0].n).toBe(4);
  });

  it("refuses a header-only file rather than wiping the period", async () => {
    const {result} = await loadOne(FILE, REFERRAL_HEADER + "\n");
    expect(result.outcome).toBe("refused");
    expect(result.message).toMatch(/header but no data rows/);
  });

  it("quarantines a truncated last line, naming the missing fields", async () => {
    const csv = referralsCsv(3) + "R821-000099,abc0000000000099,821,2008-05";
    const {s, result} = await loadOne(FILE, csv);
    expect(result).toMatchObject({rowsLoaded: 3, rowsQuarantined: 1});
    const q = await s.query<{source_row: number; field: string; rule: string; message: string}>(`SELECT source_row, field, rule, message FROM quarantine ORDER BY field`);
    expect(q.every((r) => r.source_row === 4 && r.rule === "missing")).toBe(true);
    expect(q.map((r) => r.field)).toEqual(expect.arrayContaining(["referral_date", "ward", "source"]));
  });

  it("ignores extra columns with a warning and reads reordered columns by name", async () => {
    const cols = REFERRAL_HEADER.split(",");
    const reordered = [...cols].reverse();
    const lines = [reordered.join(",") + ",team"];
    for (let i = 1; i <= 3; i++) {
      const values = referral(i).split(",");
      lines.push(reordered.map((c) => values[cols.indexOf(c)]).join(",") + ",North team");
    }
    const {s, result} = await loadOne(FILE, lines.join("\n") + "\n");
    expect(result).toMatchObject({outcome: "loaded", rowsLoaded: 3});
    expect(result.warnings.join(" ")).toMatch(/column\(s\) outside the contract dropped unread: team/);
    expect((await s.query<{w: string}>(`SELECT DISTINCT ward AS w FROM referrals`))[0].w).toBe("biscot");
  });

  it("refuses a file with a missing column, naming it", async () => {
    const csv = REFERRAL_HEADER.replace(",outcome", "") + "\n" + referral(1).replace(/,initial_assessment$/, "") + "\n";
    const {result} = await loadOne(FILE, csv);
    expect(result.outcome).toBe("refused");
    expect(result.message).toMatch(/missing column\(s\) outcome/);
  });

  it("accepts dd/mm/yyyy dates and quarantines impossible ones with file, row, field and expectation", async () => {
    const csv = [REFERRAL_HEADER, referral(1, {referral_date: "15/06/2012"}), referral(2, {referral_date: "2012-13-45"})].join("\n") + "\n";
    const {s, result} = await loadOne(FILE, csv);
    expect(result).toMatchObject({rowsLoaded: 1, rowsQuarantined: 1});
    expect((await s.query<{d: string}>(`SELECT referral_date::VARCHAR AS d FROM referrals`))[0].d).toBe("2012-06-15");
    const [q] = await s.query<Record<string, unknown>>(`SELECT file, source_row, field, rule, message FROM quarantine`);
    expect(q).toMatchObject({file: FILE, source_row: 2, field: "referral_date", rule: "invalid"});
    expect(q.message).toMatch(/expected a date as YYYY-MM-DD or DD\/MM\/YYYY, got '2012-13-45'/);
  });
});

describe("direct identifiers refuse the whole file", () => {
  it("refuses a column that looks like a name", async () => {
    const csv = REFERRAL_HEADER + ",child_surname\n" + referral(1) + ",Smith\n";
    const {s, result} = await loadOne(FILE, csv);
    expect(result.outcome).toBe("refused");
    expect(result.message).toMatch(/column 'child_surname' the column name suggests a person's name/);
    expect((await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM referrals`))[0].n).toBe(0);
  });

  it("refuses NHS numbers that pass the modulus-11 check, wherever they are", async () => {
    const csv = [REFERRAL_HEADER, referral(1), referral(2, {referral_id: "9434765919"})].join("\n") + "\n";
    const {s, result} = await loadOne(FILE, csv);
    expect(result.outcome).toBe("refused");
    expect(result.message).toMatch(/'referral_id' holds NHS numbers/);
    expect((await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM quarantine`))[0].n).toBe(0); // not stored anywhere
  });

  it("refuses an identifier in a column whose valid values cannot hold one, rather than quarantine it with its value", async () => {
    const csv = [REFERRAL_HEADER, referral(1), referral(2, {child_key: "9434765919"})].join("\n") + "\n";
    const {s, result} = await loadOne(FILE, csv);
    expect(result.outcome).toBe("refused");
    expect(result.message).toMatch(/'child_key' holds NHS numbers/);
    expect((await s.query<{n: number}>(`SELECT count(*)::INTEGER AS n FROM quarantine`))[0].n).toBe(0);
  });

  it("refuses full postcodes and full dates of birth", async () => {
    const postcode = await loadOne(FILE, [REFERRAL_HEADER, referral(1, {ward: "LU1 3JH"})].join("\n") + "\n");
    expect(postcode.result.message).toMatch(/'ward' holds full postcodes/);
    const dob = await loadOne(FILE, [REFERRAL_HEADER, referral(1, {birth_month: "2008-05-17"})].join("\n") + "\n");
    expect(dob.result.message).toMatch(/'birth_month' holds full dates of birth/);
  });
});

describe("row rules quarantine, never drop", () => {
  it("quarantines unknown wards, future dates, ages out of range and every copy of a duplicate key", async () => {
    const csv = [
      REFERRAL_HEADER,
      referral(1),
      referral(2, {ward: "atlantis"}),
      referral(3, {birth_month: "1990-01"}),
      referral(4), referral(4),
      referral(5, {la_code: "383"})
    ].join("\n") + "\n";
    const {s, result} = await loadOne(FILE, csv);
    expect(result).toMatchObject({rowsIn: 6, rowsLoaded: 1, rowsQuarantined: 5});
    const rules = (await s.query<{rule: string}>(`SELECT DISTINCT rule FROM quarantine ORDER BY rule`)).map((r) => r.rule);
    expect(rules).toEqual(["age-out-of-range", "duplicate-key", "unknown-ward", "wrong-authority"]);
    const future = await loadOne("cp_plans_821_2026-27.csv", [
      "plan_id,child_key,la_code,birth_month,sex,ethnicity,ward,start_date,end_date,category,plan_sequence,factors",
      "P1,abc0000000000001,821,2020-01,F,White,dallow,2026-12-01,,NEG,1,3A",
      "P2,abc0000000000002,821,2020-01,M,White,dallow,2026-05-01,2026-04-01,NEG,1,",
      "P3,abc0000000000003,821,2020-01,1,White,dallow,2026-05-01,,NEG,1,",
      // One valid row: a file that would publish nothing is refused whole (the replace guard).
      "P4,abc0000000000004,821,2020-01,F,White,dallow,2026-05-01,,NEG,1,"
    ].join("\n") + "\n");
    const fq = await future.s.query<{rule: string; message: string}>(`SELECT rule, message FROM quarantine ORDER BY rule`);
    expect(fq.map((r) => r.rule)).toEqual(["ends-before-start", "future-date", "invalid"]);
    expect(fq[1].message).toMatch(/start_date 2026-12-01 is in the future/);
    // Contracts are versioned by collection year: the 2024-25 CIN census moved sex to M/F/U.
    expect(fq[2].message).toBe("sex: expected one of M, F, U, got '1'");
  });
});

describe("episode extracts", () => {
  const HEADER = "episode_id,child_key,la_code,birth_month,sex,ethnicity,ward,start_date,end_date,legal_status,placement,reason_ceased";
  it("accept episodes open during the year, publish each episode once from the latest return, and quarantine one that ended before the year", async () => {
    const s = scratch();
    s.put("looked_after_821_2012-13.csv", [HEADER,
      "L1,abc0000000000001,821,2005-01,1,White,dallow,2010-06-01,,C2,U1,",
      "L2,abc0000000000002,821,2005-01,2,White,dallow,2009-06-01,2011-01-01,C2,U1,E11"].join("\n") + "\n");
    s.put("looked_after_821_2013-14.csv", [HEADER, "L1,abc0000000000001,821,2005-01,1,White,dallow,2010-06-01,2013-09-30,C2,U1,E41"].join("\n") + "\n");
    const run = await s.run();
    expect(run.extracts.map((e) => [e.rowsLoaded, e.rowsQuarantined])).toEqual([[1, 1], [1, 0]]);
    const rows = await s.query<{episode_id: string; end_date: string}>(`SELECT episode_id, end_date::VARCHAR AS end_date FROM looked_after`);
    expect(rows).toEqual([{episode_id: "L1", end_date: "2013-09-30"}]);
    const [q] = await s.query<{message: string}>(`SELECT message FROM quarantine`);
    expect(q.message).toMatch(/is not active in the collection year 2012-13/);
  });
});
