import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {Attacker, chosenTables, exposed, fetchTables, recoveredSmall, TARGETING, writeDisclosureFixture} from "../../helpers/disclosure-attack.js";
import {obaScratch, row} from "../../helpers/oba.js";

/**
 * Disclosure control that no combination of queries can undo (METHODS §7).
 *
 * An attacker with the viewer role reads a few hundred tables that between them hold every kind of
 * sum it can subtract with — wards → area → borough, target + rest = borough, months → quarters →
 * years, 12 months → a rolling count, a breakdown's groups → the total, linked definitions, baselines'
 * SPC means and naive forecasts, drivers' totals, rates × denominators — over two years of referrals
 * and child protection plans with many ward × month counts of 1–5 (test/helpers/disclosure-attack.ts),
 * and solves them to a fixed point. No count the analyst sees as 1–5 may be recovered; the analyst
 * gets the unsuppressed numbers. `npm run check:suppression` runs the same attack on every table the
 * API has (each geography on its own, every breakdown everywhere: some thousands of requests).
 */

const s = obaScratch("curve-suppression-", {appStore: false});

beforeAll(async () => {
  writeDisclosureFixture(s);
  const run = await s.run();
  expect(run.status).toBe("published");
  expect(run.extracts.every((e) => e.rowsQuarantined === 0), JSON.stringify(run.extracts.map((e) => e.warnings))).toBe(true);
}, 300_000);
afterAll(() => s.close());

describe("disclosure control against an attacker who combines every table", () => {
  const viewer = new Attacker();
  const analyst = new Attacker();

  beforeAll(async () => {
    const asked = await fetchTables(s.app, "viewer", viewer, chosenTables({breakdowns: true, baselines: true}));
    expect(asked).toBeGreaterThan(300);
    // The analyst's view of every geography and period (without breakdowns, to keep the test quick).
    await fetchTables(s.app, "analyst", analyst, chosenTables({breakdowns: false, baselines: false}));
    viewer.buildEquations();
    viewer.solve();
  }, 300_000);

  it("the analyst gets the unsuppressed numbers: no c anywhere, and the small counts are there", async () => {
    expect(analyst.hidden.size).toBe(0);
    const res = await s.app.request(`/api/wards/targeting?indicators=${Object.keys(TARGETING).join(",")}&period=2013/14&draws=100`, {headers: {"x-test-role": "analyst"}});
    expect(res.status).toBe(200);
    expect(await res.text()).not.toMatch(/"c"/);
    const small = [...analyst.known].filter(([, v]) => v >= 1 && v <= 5);
    expect(small.length).toBeGreaterThan(200);
    // A small ward's monthly referrals are among them.
    expect(small.some(([k]) => /^referrals\|ward:(barnfield|saints|south|wigmore|icknield)\|m:/.test(k))).toBe(true);
  });

  it("the viewer is shown no count of 1 to 5 and hides every one the analyst sees", () => {
    const shown = [...viewer.known].filter(([k, v]) => !viewer.recovered.has(k) && v >= 1 && v <= 5);
    expect(shown).toEqual([]);
    for (const [k, v] of analyst.known) {
      if (v >= 1 && v <= 5 && !k.includes("&")) expect(viewer.hidden.has(k) || !viewer.known.has(k), k).toBe(true);
    }
  });

  it("recovers nothing small by subtraction across every table, period, geography and breakdown", () => {
    expect(viewer.leaks).toEqual([]);
    expect(recoveredSmall(viewer)).toEqual([]);
    // The attack had material: it knew thousands of counts, saw hundreds hidden and recovered some by its sums.
    expect(viewer.known.size).toBeGreaterThan(2000);
    expect(viewer.hidden.size).toBeGreaterThan(200);
    expect(viewer.recovered.size).toBeGreaterThan(0);
    // Whatever the attacker did recover agrees with the analyst's figures (its sums are the right ones).
    for (const [k] of viewer.recovered) {
      const truth = analyst.known.get(k);
      if (truth !== undefined) expect(viewer.known.get(k), k).toBe(truth);
    }
    // And no count the analyst sees as 1-5 is among what the viewer knows.
    expect(exposed(viewer, analyst)).toEqual([]);
  });

  it("the attack is real: on the same tables without the lattice, per-request suppression gives small counts away", () => {
    const naive = new Attacker();
    // Wards A (3), B (20), C (40) of a 63 borough, suppressed one request at a time: A and B hidden in
    // one table, A and C in another (a different request chose a different partner).
    naive.learn("x|ward:c|m:1|", 40, "published");
    naive.learn("x|borough|m:1|", 63, "published");
    naive.learn("x|ward:b|m:1|", 20, "published");
    naive.equations.push({terms: [["x|ward:a|m:1|", 1], ["x|ward:b|m:1|", 1], ["x|ward:c|m:1|", 1], ["x|borough|m:1|", -1]], total: 0, why: "wards → borough"});
    naive.solve();
    expect(naive.known.get("x|ward:a|m:1|")).toBe(3);
  });
});

// ------------------------------------------------------------------ providers

describe("a provider never sees another provider's counts, alone or by differencing pools", () => {
  const p = obaScratch("curve-suppression-providers-", {appStore: false});
  const ME = "parenting-works";
  const as = {"x-test-role": "provider", "x-test-provider": ME};
  // 2013/14 episodes: Triple P by three providers (one of them also runs home visiting), and four
  // providers on their own programmes, two of them with fewer than six episodes.
  const DELIVERY: [string, string, number][] = [
    [ME, "triple-p", 30], ["lbc-family-support", "triple-p", 25], ["home-start-luton", "triple-p", 7],
    ["home-start-luton", "home-start-visiting", 4], ["fnp-luton", "family-nurse-partnership", 12], ["lbc-fgc", "family-group-conference", 3], ["beds-dapp", "dapp", 9]
  ];
  beforeAll(async () => {
    let child = 0;
    const episodes = DELIVERY.flatMap(([provider, programme, n]) => Array.from({length: n}, (_, i) => row("service_episodes", {
      child_key: ++child, provider_id: provider, programme_id: programme, level_of_need: 2 + (i % 2),
      referral_date: "2013-05-01", start_date: "2013-05-08", end_date: i % 4 === 3 ? "" : "2013-10-01",
      end_reason: i % 4 === 3 ? "" : ["completed", "completed", "disengaged"][i % 3], outcome_pre: 40, outcome_post: i % 4 === 3 ? "" : 40 + (i % 3) * 6, unit_cost: 500
    })));
    p.extract("service_episodes", 2013, episodes);
    const run = await p.run();
    expect(run.status).toBe("published");
  }, 300_000);
  afterAll(() => p.close());

  const get = async (path: string) => {
    const res = await p.app.request(path, {headers: as});
    return {status: res.status, body: res.status === 200 ? await res.json() as any : null};
  };

  // Who delivers what is public (commissioning contracts), though the API names only the provider's own service to it.
  const PROVIDERS = [...new Set(DELIVERY.map(([provider]) => provider))];
  const PROGRAMMES = [...new Set(DELIVERY.map(([, programme]) => programme))];
  const deliverers = (programme: string) => [...new Set(DELIVERY.filter(([, g]) => g === programme).map(([provider]) => provider))];

  it("refuses every other provider's report card and every pool with fewer than two other providers", async () => {
    for (const pr of PROVIDERS) {
      const res = await get(`/api/providers/${pr}/report-card?period=2013/14`);
      expect(res.status, pr).toBe(pr === ME ? 200 : 403);
    }
    // The list gives the provider its own service, and each programme's number of providers.
    const list = (await get("/api/providers")).body;
    expect(list.providers.map((p: any) => p.id)).toEqual([ME]);
    const mine = new Set(list.providers[0].programmes.map((g: any) => g.id));
    expect(list.programmes.map((g: any) => g.id)).toEqual(expect.arrayContaining(PROGRAMMES));
    for (const g of list.programmes) {
      const others = g.providerCount - (mine.has(g.id) ? 1 : 0);
      if (PROGRAMMES.includes(g.id)) expect(others, g.id).toBeGreaterThanOrEqual(deliverers(g.id).filter((x) => x !== ME).length);
      expect((await get(`/api/providers/programmes/${g.id}/report-card?period=2013/14`)).status, g.id).toBe(others >= 2 ? 200 : 403);
    }
  });

  it("recovers no other provider's count by subtracting pools it may see", async () => {
    const list = (await get("/api/providers")).body;
    const pairsOf = new Map<string, string[]>(); // unit → (provider/programme) pairs it pools
    const allPairs = new Set<string>();
    for (const g of PROGRAMMES) {
      const pairs = deliverers(g).map((x) => `${x}/${g}`);
      pairsOf.set(`programme:${g}`, pairs);
      pairs.forEach((x) => allPairs.add(x));
    }
    for (const pr of PROVIDERS) {
      const pairs = [...allPairs].filter((x) => x.startsWith(`${pr}/`));
      pairsOf.set(`provider:${pr}`, pairs);
    }
    pairsOf.set("all", [...allPairs]);
    // Everything the provider is shown, as (unit, figure) → number.
    const seen = new Map<string, number>();
    const note = (unit: string, figure: string, v: unknown) => {
      if (typeof v === "number") seen.set(`${unit}|${figure}`, v);
    };
    const proportions = list.measures.filter((m: any) => m.statistic === "proportion" && !m.dataDevelopment).map((m: any) => m.id);
    for (const m of proportions) {
      for (const scope of [null, ...list.programmes.map((g: any) => g.id)]) {
        const res = await get(`/api/providers/compare?measure=${m}&period=2013/14${scope ? `&programme=${scope}` : ""}`);
        if (res.status !== 200) continue;
        const unit = scope ? `programme:${scope}` : "all";
        note(unit, `${m}:numerator`, res.body.pooled.numerator);
        note(unit, `${m}:denominator`, res.body.pooled.denominator);
        for (const r of res.body.providers) {
          expect(r.providerId, "a provider sees only its own row").toBe(ME);
          note(`provider:${r.providerId}`, `${m}:numerator`, r.numerator);
          note(`provider:${r.providerId}`, `${m}:denominator`, r.denominator);
        }
      }
    }
    const vfm = (await get("/api/providers/value-for-money?period=2013/14")).body;
    for (const r of vfm.rows) {
      const unit = r.kind === "all" ? "all" : `${r.kind}:${r.id}`;
      if (r.kind === "provider") expect(r.id).toBe(ME);
      for (const f of ["episodesEnded", "betterOff", "totalCost"]) note(unit, `vfm:${f}`, r[f]);
    }
    for (const g of list.programmes) {
      const res = await get(`/api/providers/programmes/${g.id}/report-card?period=2013/14`);
      if (res.status !== 200) continue;
      for (const m of res.body.measures) for (const h of m.baseline?.history ?? []) {
        note(`programme:${g.id}`, `${m.id}:${h.period}:numerator`, h.numerator);
        note(`programme:${g.id}`, `${m.id}:${h.period}:denominator`, h.denominator);
      }
    }
    // Subtraction over pairs, figure by figure: a pool is the sum of its pairs.
    const figures = new Set([...seen.keys()].map((k) => k.split("|")[1]));
    const recovered: string[] = [];
    for (const f of figures) {
      const known = new Map<string, number>();
      const units = [...pairsOf.keys()].filter((u) => seen.has(`${u}|${f}`));
      for (let changed = true; changed; ) {
        changed = false;
        for (const u of units) {
          const unknown = pairsOf.get(u)!.filter((x) => !known.has(x));
          if (unknown.length !== 1) continue;
          known.set(unknown[0], seen.get(`${u}|${f}`)! - pairsOf.get(u)!.filter((x) => known.has(x)).reduce((s, x) => s + known.get(x)!, 0));
          changed = true;
        }
      }
      for (const [pair, v] of known) if (!pair.startsWith(`${ME}/`)) recovered.push(`${pair} ${f} = ${v}`);
    }
    expect(recovered).toEqual([]);
    // The provider did see pooled figures (the test reads real responses).
    expect([...seen.keys()].some((k) => k.startsWith("all|"))).toBe(true);
  });
});
