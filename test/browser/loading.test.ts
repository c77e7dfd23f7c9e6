import type {Route} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {openPage, startDashboards, type Dashboards} from "../helpers/browser.js";

/**
 * Loading states instead of stale numbers (issue 14, item 9): when a reader changes the indicator and
 * the API's answer is slow, the previous indicator's figures are not shown as current; when the
 * answer fails, the page says so. In Chromium over the demo warehouse, with the answers held back.
 */
let d: Dashboards;
let base = "";
beforeAll(async () => {
  d = await startDashboards("curve-loading-");
  base = await d.serve("commissioner");
}, 900_000);
afterAll(() => d?.close());

/** The forecast sentence, whether <main> is busy, the sentence's block opacity, and the loading status. */
const state = (page: import("playwright-core").Page) => page.evaluate(() => {
  const sentence = document.querySelector(".forecast-sentence");
  const status = document.getElementById("curve-loading");
  return {
    sentence: sentence?.textContent ?? null,
    busy: document.getElementById("observablehq-main")!.getAttribute("aria-busy") === "true",
    opacity: sentence ? Number(getComputedStyle(sentence.closest(".observablehq--block")!).opacity) : null,
    status: status && !status.hidden ? status.textContent : null
  };
});

describe("loading states (issue 14 item 9)", {timeout: 180_000}, () => {
  it("while a new indicator's answer is awaited the old figures are greyed and labelled as not current; then the new ones show; a failed answer says so", async () => {
    const failed = (url: string, status: number) => status === 500 && url.includes("/api/indicators/single-assessments-on-time/");
    const {page, problems} = await openPage(d.browser, `${base}/turn-the-curve?indicator=cp-rate&geography=borough`, {allow: failed});
    await page.waitForSelector(".forecast-sentence");
    const before = await state(page);
    expect(before).toMatchObject({busy: false, opacity: 1, status: null});
    expect(before.sentence).toMatch(/^If nothing changes/);

    // Hold back every answer about children looked after until released.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/api/indicators/cla-rate/**", async (route: Route) => {
      await held;
      await route.continue();
    });
    const indicator = page.getByLabel("Indicator", {exact: true});
    const choose = async (name: RegExp) => indicator.selectOption({label: (await indicator.locator("option", {hasText: name}).first().textContent())!});
    await choose(/^Children looked after/);
    await expect.poll(() => state(page), {timeout: 10_000}).toMatchObject({busy: true, sentence: before.sentence});
    // The old sentence is still in the page, but greyed and announced as not current.
    await expect.poll(async () => (await state(page)).opacity, {timeout: 5_000}).toBeLessThan(0.5);
    expect((await state(page)).status).toMatch(/Loading your new choice.*not current/);

    release();
    await expect.poll(() => state(page), {timeout: 30_000}).toMatchObject({busy: false, opacity: 1, status: null});
    const after = await state(page);
    expect(after.sentence).toMatch(/^If nothing changes, we expect about [\d,.]+ per 10,000/);
    expect(after.sentence).not.toBe(before.sentence);
    // The new figures are the API's for the new indicator.
    const baseline = await (await fetch(`${base}/api/indicators/cla-rate/baseline?geography=borough&code=${(await (await fetch(`${base}/api/indicators`)).json()).indicators.find((i: {id: string}) => i.id === "cla-rate").laCode}&period=financial-year&method=auto`)).json();
    const last = baseline.forecast.points.at(-1);
    expect(after.sentence).toContain(`by ${last.period}`);

    // An answer that fails: the page says so and is not left busy, nor showing the last indicator's forecast.
    await page.route("**/api/indicators/single-assessments-on-time/**", (route: Route) => route.fulfill({status: 500, contentType: "application/json", body: JSON.stringify({error: {code: "internal", message: "the warehouse could not be read"}})}));
    await choose(/^Single assessments/);
    await expect.poll(() => page.locator(".notice-error").allTextContents(), {timeout: 30_000}).toEqual(expect.arrayContaining([expect.stringContaining("Could not load a statistical baseline")]));
    // Busy clears a moment after the last answer settles (one answer often starts the next request).
    await expect.poll(() => state(page), {timeout: 10_000}).toMatchObject({busy: false, sentence: null, status: null});
    expect({...problems, errors: problems.errors.filter((e) => !/status of 500/.test(e))}).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });
});
