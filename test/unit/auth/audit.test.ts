import {mkdtempSync, readdirSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {AUDIT_LIMITS, AuditLog, auditParams, auditRoute, type AuditEntry} from "../../../api/auth/audit.js";

const dir = () => join(mkdtempSync(join(tmpdir(), "curve-audit-unit-")), "audit");
const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: `2026-11-23T10:00:${String(i % 60).padStart(2, "0")}.000Z`, principal: `token:${String(i).padStart(8, "0")}`, role: "viewer", provider_id: null,
  method: "GET", route: "/api/indicators", params: {n: String(i)}, status: 200, outcome: "allowed", rows: 1, ...over
});

describe("what one request can write into the audit trail", () => {
  it("truncates every parameter value, name and the route, and keeps at most 20 parameters", () => {
    const search = new URLSearchParams();
    search.set("period", "x".repeat(100_000));
    search.set("k".repeat(5000), "1");
    for (let i = 0; i < 500; i++) search.set(`p${i}`, "v");
    const params = auditParams(search);
    expect(Object.keys(params)).toHaveLength(AUDIT_LIMITS.params + 1);
    expect(params.period.length).toBeLessThan(AUDIT_LIMITS.value + 30);
    expect(params.period).toMatch(/…\[\+99880 chars\]$/);
    expect(Object.keys(params).every((k) => k.length < AUDIT_LIMITS.key + 30)).toBe(true);
    expect(params["…"]).toBe("482 more parameter(s) not recorded");
    expect(JSON.stringify(params).length).toBeLessThan(4000);
    expect(auditRoute("/api/" + "a".repeat(1_000_000)).length).toBeLessThan(AUDIT_LIMITS.route + 30);
  });

  it("never records a token: credential-named parameters, Curve tokens and JWTs anywhere are redacted", () => {
    const token = "curve_0123abcd_" + "S".repeat(43);
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    const params = auditParams(new URLSearchParams({access_token: "opaque-secret", code: "oauth-code", apiKey: "k1", q: `see ${token}`, period: jwt, measure: "better-off"}));
    expect(params).toEqual({access_token: "[redacted]", code: "[redacted]", apiKey: "[redacted]", q: "see [redacted]", period: "[redacted]", measure: "better-off"});
    expect(auditRoute(`/api/indicators/${token}`)).toBe("/api/indicators/[redacted]");
    expect(JSON.stringify(params)).not.toMatch(/opaque-secret|oauth-code|SSSS|eyJ/);
  });
});

describe("the audit files", () => {
  it("roll over by size within a day, and read back newest first across the parts", async () => {
    const log = new AuditLog(dir(), 30, 2000);
    for (let i = 0; i < 40; i++) log.append(entry(i));
    const files = readdirSync(log.dir).sort();
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(files).toContain("audit-2026-11-23.jsonl");
    expect(files).toContain("audit-2026-11-23.1.jsonl");
    for (const f of files) expect(statSync(join(log.dir, f)).size).toBeLessThanOrEqual(2000);
    const got = await log.query({limit: 40});
    expect(got.map((e) => e.params.n)).toEqual(Array.from({length: 40}, (_, i) => String(39 - i)));
    expect((await log.query({limit: 3})).map((e) => e.params.n)).toEqual(["39", "38", "37"]);
  });

  it("continues the day's last part after a restart instead of growing the first", async () => {
    const d = dir();
    const a = new AuditLog(d, 30, 2000);
    for (let i = 0; i < 20; i++) a.append(entry(i));
    const first = statSync(join(d, "audit-2026-11-23.jsonl")).size;
    const b = new AuditLog(d, 30, 2000);
    b.append(entry(99));
    expect(statSync(join(d, "audit-2026-11-23.jsonl")).size).toBe(first);
    expect(readdirSync(d).every((f) => statSync(join(d, f)).size <= 2000)).toBe(true);
    expect((await b.query({limit: 1}))[0].params.n).toBe("99");
  });

  it("reads entries back from a file of several MB, filters by principal and route, and skips a line cut short by a crash", async () => {
    const d = dir();
    const log = new AuditLog(d, 30);
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(JSON.stringify(entry(i, {route: i % 2 ? "/api/wards/biscot" : "/api/indicators", params: {pad: "p".repeat(200)}})));
    writeFileSync(join(d, "audit-2026-11-23.jsonl"), lines.join("\n") + "\n" + '{"at":"2026-11-23T1');
    expect(statSync(join(d, "audit-2026-11-23.jsonl")).size).toBeGreaterThan(4_000_000);
    const newest = await log.query({limit: 2});
    expect(newest.map((e) => e.principal)).toEqual(["token:00019999", "token:00019998"]);
    expect((await log.query({principal: "token:00000003"})).map((e) => e.route)).toEqual(["/api/wards/biscot"]);
    expect(await log.query({route: "/api/wards", limit: 5000})).toHaveLength(5000);
  });

  it("sweeps every part of a day past retention", () => {
    const d = dir();
    const log = new AuditLog(d, 1, 500);
    for (let i = 0; i < 10; i++) log.append(entry(i, {at: "2026-01-01T00:00:00.000Z"}));
    log.append(entry(1, {at: "2026-11-23T00:00:00.000Z"}));
    expect(log.sweep(new Date("2026-11-23T12:00:00Z")).length).toBeGreaterThan(1);
    expect(readdirSync(d)).toEqual(["audit-2026-11-23.jsonl"]);
  });
});
