import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {lutonWorld, obaScratch} from "../../helpers/oba.js";

/** What drove the change: contributions by breakdown group that add up to the total change. */

const s = obaScratch();
beforeAll(async () => {
  lutonWorld(s);
  expect((await s.run()).status).toBe("published");
});
afterAll(() => s.close());

const drivers = (id: string, q: string) => s.get(`/api/indicators/${id}/drivers?${q}`);
const sum = (groups: any[]) => groups.reduce((t, g) => t + g.contribution, 0);

describe("GET /api/indicators/:id/drivers", () => {
  it("sorts the groups of a count by the size of their contribution, which is their change", async () => {
    // As an analyst: in this fixture every source's count is tiny, and with every `c` at least 1 the
    // year totals would give them all back, so a suppressed role sees the totals as c (issue 13, item 7).
    const {status, body} = await s.get("/api/indicators/referrals/drivers?breakdown=source&from=2008/09&to=2015/16", "analyst");
    expect(status).toBe(200);
    expect(body.method).toBe("count");
    expect(body.totalChange).toBe(0);
    expect(body.groups[0]).toMatchObject({group: "6", from: {numerator: 40}, to: {numerator: 75}, change: 35, contribution: 35});
    expect(sum(body.groups)).toBe(body.totalChange);
    const sizes = body.groups.map((g: any) => Math.abs(g.contribution));
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
  });

  it("decomposes a rate by ward with its own population (shift-share) so contributions add up to the change in the rate", async () => {
    const {body} = await drivers("cp-rate", "geography=target-wards&breakdown=ward&from=2012/13&to=2015/16");
    expect(body.method).toBe("shift-share");
    expect(body.from.period).toBe("2012/13");
    expect(body.totalChange).toBeLessThan(0);
    expect(sum(body.groups)).toBeCloseTo(body.totalChange, 10);
    expect(body.sumOfContributions).toBeCloseTo(body.totalChange, 10);
    expect(body.decomposition).toMatch(/within-group effect/);
  });

  it("decomposes a rate by a breakdown without its own population as shares of the total rate", async () => {
    const {body} = await drivers("cla-rate", "breakdown=placement&from=2008/09&to=2015/16");
    expect(body.method).toBe("share");
    expect(sum(body.groups)).toBeCloseTo(body.totalChange, 10);
    expect(body.groups.every((g: any) => g.mixEffect === null)).toBe(true);
  });

  it("pools groups hidden by disclosure control so the contributions still add up and no small count is shown", async () => {
    const {body} = await drivers("cp-plans", "geography=target-wards&breakdown=ward&from=2014/15&to=2015/16");
    // 18 → 12 plans across 5 wards: every ward count is 2-4, all c.
    const pooled = body.groups.find((g: any) => g.group === "suppressed groups");
    expect(pooled.from.numerator).toBe("c");
    expect(body.suppressedGroups).toBe(5);
    expect(sum(body.groups)).toBe(body.totalChange);
    expect(JSON.stringify(body.groups)).not.toMatch(/"numerator":[1-5][,}]/);
  });

  it("refuses with clear 4xx: from not before to, missing or unknown breakdown, unknown indicator, periods outside the data", async () => {
    const order = await drivers("referrals", "breakdown=source&from=2015/16&to=2012/13");
    expect(order.status).toBe(400);
    expect(order.body.error.message).toBe("from (2015/16) must be before to (2012/13)");
    expect((await drivers("referrals", "from=2012/13&to=2015/16")).status).toBe(400);
    const bd = await drivers("referrals", "breakdown=colour&from=2012/13&to=2015/16");
    expect(bd.status).toBe(400);
    expect(bd.body.error.message).toMatch(/no breakdown 'colour'/);
    expect((await drivers("nope", "breakdown=source&from=2012/13&to=2015/16")).status).toBe(404);
    const outside = await drivers("referrals", "breakdown=source&from=2001/02&to=2015/16");
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(/2001\/02 is outside the loaded extracts/);
  });
});
