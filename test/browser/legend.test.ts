import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {resolvePolicies} from "../../api/oba/policy.js";
import {openPage, startDashboards, type Dashboards} from "../helpers/browser.js";

/**
 * The dashboards' legend names the counts the caller's disclosure policy shows as c (issue 13): a
 * commissioner whose council raised the threshold to 9 is not told "1–5".
 */
let d: Dashboards;
let strict = "";
let standard = "";

beforeAll(async () => {
  d = await startDashboards("curve-legend-");
  strict = await d.serve("commissioner", {disclosure: resolvePolicies({roles: {commissioner: {primaryMax: 9}}})});
  standard = await d.serve("commissioner");
}, 900_000);
afterAll(() => d?.close());

describe("the symbols legend", {timeout: 180_000}, () => {
  it("says 1–9 children under a policy that hides 1 to 9, and 1–5 under the default", async () => {
    for (const [base, range] of [[strict, "1–9"], [standard, "1–5"]]) {
      const {page, problems} = await openPage(d.browser, `${base}/`);
      const legend = page.locator("p.legend").first();
      await legend.waitFor({timeout: 60_000});
      await expect.poll(() => legend.textContent(), {timeout: 30_000}).toContain(`c confidential (${range} children`);
      expect(problems).toEqual({offsite: [], failed: [], errors: []});
      await page.close();
    }
  });
});
