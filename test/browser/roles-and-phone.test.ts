import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import type {Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {axe, openPage, run, screenshotPath, startDashboards, type Dashboards} from "../helpers/browser.js";

/**
 * Sign-in and roles in the dashboards, and the dashboards on a phone (390 px), in Chromium over the
 * demo warehouse; and `npm run report` beside a running server. Issue 14, items 8, 10 and 11.
 */
let d: Dashboards;
const base = {local: "", shared: ""};
const token = {viewer: "", provider: "", commissioner: ""};
const OWN = "parenting-works";
const providers = JSON.parse(readFileSync("data/reference/providers.json", "utf8")).providers as {provider_id: string; name: string}[];
const otherNames = providers.filter((p) => p.provider_id !== OWN).map((p) => p.name);

beforeAll(async () => {
  d = await startDashboards("curve-roles-");
  base.local = await d.serve("commissioner"); // npm start's localhost: no token needed
  base.shared = await d.serve(null); // a shared server: every request needs a token
  token.viewer = d.tokens.create({role: "viewer", name: "browser viewer"}).token;
  token.provider = d.tokens.create({role: "provider", providerId: OWN, name: "browser provider"}).token;
  token.commissioner = d.tokens.create({role: "commissioner", name: "browser commissioner"}).token;
}, 900_000); // the demo pipeline and the build, on a shared 2-core machine
afterAll(() => d?.close());

async function signIn(page: Page, secret: string) {
  await page.locator("#token").fill(secret);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/sign-in"), {timeout: 30_000}), page.getByRole("button", {name: "Sign in", exact: true}).click()]);
  await page.waitForLoadState("networkidle");
}

const visibleWorkshopForms = (page: Page) => page.locator("details.workshop-form").evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).length);

describe("sign-in and roles", {timeout: 180_000}, () => {
  it("on a server with no local role a page sends the reader to sign in, and a viewer's token brings them back to it without the workshop forms", async () => {
    const notSignedIn = (url: string, status: number) => status === 401 && !url.includes("/api/sign-in");
    const {page, problems} = await openPage(d.browser, `${base.shared}/turn-the-curve?indicator=cp-rate&geography=target-wards`, {allow: notSignedIn});
    await page.waitForURL(/\/sign-in\?next=/, {timeout: 30_000});
    await page.waitForSelector("#token");
    expect(await page.locator("h1").first().textContent()).toBe("Sign in");
    expect(await axe(page)).toEqual([]);
    await page.screenshot({path: screenshotPath("sign-in"), fullPage: true});
    // The page being left failed its requests with 401 (that is what sent the reader here): from
    // here on, nothing may fail.
    problems.failed.length = 0;
    problems.errors.length = 0;
    await signIn(page, token.viewer);
    expect(new URL(page.url()).pathname).toBe("/turn-the-curve");
    await page.waitForSelector("figure.chart-card svg", {timeout: 30_000});
    expect(await page.locator("h1").first().textContent()).toBe("Turn the Curve explorer");
    expect(await visibleWorkshopForms(page)).toBe(0);
    expect(await page.getByText("Freeze this baseline", {exact: true}).isVisible()).toBe(false);
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });

  it("a wrong token is refused on the sign-in page with the API's reason, and nothing is stored", async () => {
    const {page} = await openPage(d.browser, `${base.shared}/sign-in`, {allow: (url, status) => status === 401 && url.endsWith("/api/me")});
    await page.locator("#token").fill("curve_00000000_" + "a".repeat(43));
    await page.getByRole("button", {name: "Sign in", exact: true}).click();
    await expect.poll(() => page.locator(".notice-error").textContent(), {timeout: 15_000}).toContain("That token was not accepted");
    expect(await page.evaluate(() => sessionStorage.getItem("curve-token"))).toBeNull();
    await page.close();
  });

  it("a provider signs in to its own service and is never shown another provider's name", async () => {
    const {page, problems} = await openPage(d.browser, `${base.shared}/sign-in`);
    await signIn(page, token.provider);
    expect(new URL(page.url()).pathname).toBe("/providers");
    await page.waitForSelector("figure.chart-card svg", {timeout: 30_000});
    const own = providers.find((p) => p.provider_id === OWN)!.name;
    expect(await page.getByLabel("Provider or programme").evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe(own);
    const everything = await page.evaluate(() => document.body.innerText + Array.from(document.querySelectorAll("option, svg text")).map((e) => e.textContent).join(" "));
    for (const name of otherNames) expect(everything, name).not.toContain(name);
    // Nothing it may not see was even asked for: no 403 in the console.
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.screenshot({path: screenshotPath("providers-as-provider"), fullPage: true});
    await page.close();
  });

  it("a commissioner's token shows the workshop forms", async () => {
    const {page, problems} = await openPage(d.browser, `${base.shared}/sign-in?next=${encodeURIComponent("/turn-the-curve?indicator=cp-rate&geography=target-wards")}`);
    await signIn(page, token.commissioner);
    await page.waitForSelector("figure.chart-card svg", {timeout: 30_000});
    await expect.poll(() => visibleWorkshopForms(page), {timeout: 15_000}).toBeGreaterThanOrEqual(4);
    expect(await page.getByText("Freeze this baseline", {exact: true}).isVisible()).toBe(true);
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });

  it("the Data page shows a commissioner what the role may see, with no refused request", async () => {
    const {page, problems} = await openPage(d.browser, `${base.local}/data`);
    await expect.poll(() => page.locator(".notice-info").count(), {timeout: 15_000}).toBeGreaterThanOrEqual(2);
    expect(await page.locator(".notice-info").first().textContent()).toContain("Not available to your role");
    expect(await page.locator(".grid .card h2").allTextContents()).toContain("Warehouse");
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });
});

const PHONE = {width: 390, height: 844};
const PAGES = ["/", "/turn-the-curve?indicator=cp-rate&geography=target-wards", "/target-wards", "/providers", "/report?indicator=cp-rate&geography=target-wards", "/methods", "/data", "/sign-in"];

/** Text boxes in a chart card: rendered font size (px) and overlapping pairs. */
async function chartText(figure: Locator) {
  return figure.first().evaluate((f) => {
    // Labels only: a funnel's point markers are ▲▼● glyphs (text marks), and points may overlap as points do.
    const texts = Array.from(f.querySelectorAll(".chart-body svg text")).filter((t) => (t.textContent ?? "").trim() && !t.closest(".funnel-glyph"));
    const boxes = texts.map((t) => ({text: t.textContent!.trim(), r: t.getBoundingClientRect(), px: parseFloat(getComputedStyle(t).fontSize) * ((t as SVGTextElement).getScreenCTM()?.a ?? 1)}));
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) overlaps.push(`${boxes[i].text} × ${boxes[j].text}`);
    }
    return {labels: boxes.length, smallest: Math.min(...boxes.map((b) => b.px)), overlaps};
  });
}

describe("on a phone (390 px)", {timeout: 180_000}, () => {
  it.each(PAGES)("%s does not scroll sideways, the key keeps clear of the sidebar button, and no axis label is drawn off its chart", async (path) => {
    const {page, problems} = await openPage(d.browser, base.local + path, PHONE);
    await page.waitForTimeout(500); // charts drawn after the last response
    const layout = await page.evaluate(() => {
      const toggle = document.getElementById("observablehq-sidebar-toggle")!.getBoundingClientRect();
      // Text outside charts, the symbols key and every chart's colour key.
      const text = Array.from(document.querySelectorAll("#observablehq-center *")).filter((e) => e.children.length === 0 && (e.textContent ?? "").trim() && !e.closest("svg"));
      const keys = Array.from(document.querySelectorAll(".legend, svg[aria-label^='Colour key']"));
      const under = [...text, ...keys].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left < toggle.right && r.right > toggle.left && r.top < toggle.bottom && r.bottom > toggle.top;
      }).map((e) => (e.textContent ?? "").trim().slice(0, 40));
      // Axis labels (tick labels, axis titles and row names) inside their chart and the screen.
      const offChart = Array.from(document.querySelectorAll(".chart-body svg")).flatMap((svg) => {
        const box = svg.getBoundingClientRect();
        return Array.from(svg.querySelectorAll("g[data-mark$='tick label'] text, g[data-mark$='axis label'] text, g.row-name text")).map((t) => ({t, r: t.getBoundingClientRect()}))
          .filter(({r}) => r.width > 0 && (r.left < Math.max(0, box.left) - 1 || r.right > Math.min(innerWidth, box.right) + 1))
          .map(({t, r}) => `${(t.textContent ?? "").slice(0, 40)} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
      });
      return {scrollWidth: document.documentElement.scrollWidth, under, offChart};
    });
    expect(layout).toEqual({scrollWidth: PHONE.width, under: [], offChart: []});
    expect(problems).toEqual({offsite: [], failed: [], errors: []});
    await page.close();
  });

  it("the report card's verdicts are on screen without scrolling sideways", async () => {
    const {page} = await openPage(d.browser, base.local + "/", PHONE);
    await expect.poll(() => page.locator("table.scorecard tbody tr").count(), {timeout: 15_000}).toBeGreaterThan(5);
    const cells = await page.locator("table.scorecard tbody tr").evaluateAll((rows) => rows.map((row) => {
      const table = row.closest("table")!;
      const column = Array.from(table.querySelectorAll("thead th")).findIndex((th) => /baseline/i.test(th.textContent ?? ""));
      const cell = row.children[column] as HTMLTableCellElement | undefined;
      if (!cell || cell.tagName !== "TD" || cell.colSpan > 1) return null;
      const r = cell.getBoundingClientRect();
      return {text: (cell.textContent ?? "").trim().slice(0, 30), left: Math.round(r.left), right: Math.round(r.right)};
    }).filter((c) => c !== null));
    expect(cells.length).toBeGreaterThan(5);
    for (const c of cells) {
      expect(c.left, c.text).toBeGreaterThanOrEqual(0);
      expect(c.right, c.text).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await axe(page)).toEqual([]);
    await page.screenshot({path: screenshotPath("home-390"), fullPage: true});
    await page.close();
  });

  it("the tile map's ward names and the funnels' provider names are legible: 10 px or more, none over another", async () => {
    const wards = await openPage(d.browser, base.local + "/target-wards", PHONE);
    const tileMap = wards.page.locator("figure.chart-card:has(svg[aria-label^='Tile map'])");
    await tileMap.first().waitFor({timeout: 30_000});
    const tiles = await chartText(tileMap);
    expect(tiles.labels).toBeGreaterThanOrEqual(19 * 2);
    expect(tiles.smallest).toBeGreaterThanOrEqual(10);
    expect(tiles.overlaps).toEqual([]);
    await wards.page.close();

    const funnels = await openPage(d.browser, base.local + "/providers", PHONE);
    // Funnel titles name the measure and period, and end with the view.
    for (const title of [/: raw percentages$/, /: case-mix adjusted$/]) {
      const figure = funnels.page.locator("figure.chart-card").filter({has: funnels.page.getByRole("heading", {name: title})});
      await figure.first().locator(".chart-body svg").first().waitFor({timeout: 30_000});
      const funnel = await chartText(figure);
      expect(funnel.labels, String(title)).toBeGreaterThan(5);
      expect(funnel.smallest, String(title)).toBeGreaterThanOrEqual(10);
      expect(funnel.overlaps, String(title)).toEqual([]);
    }
    await funnels.page.close();
  });
});

describe("npm run report", {timeout: 300_000}, () => {
  /** A config like data/config.json, pointing at this test's warehouse and app store, and at `port`. */
  function configFor(port: number) {
    const config = JSON.parse(readFileSync("data/config.json", "utf8"));
    const path = join(d.root, `config-${port}.json`);
    writeFileSync(path, JSON.stringify({...config, port, warehouseDir: d.warehouseDir, appStore: join(d.root, "app.duckdb"),
      auth: {...config.auth, tokens: {enabled: true, store: d.tokens.path}, audit: {dir: join(d.root, "report-audit"), retentionDays: 30}}}));
    return path;
  }

  it("uses the server that is running (it holds the app store) and prints the report card across measures", async () => {
    const port = Number(new URL(base.local).port);
    const out = join(d.root, "card.pdf");
    const result = await run("npm", ["run", "report", "--", "--card", "early-help-strategy", "--geography", "target-wards", "--out", out], {CURVE_CONFIG: configFor(port)});
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain(`using the Curve server already running on http://127.0.0.1:${port}`);
    expect(result.out).toMatch(/report card early-help-strategy with \d+ measure\(s\), [1-9]\d* PDF page\(s\)/);
    expect(readFileSync(out).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });

  it("refuses, rather than print \"Not yet written\", when no server answers and the app store is held by another process", async () => {
    const out = join(d.root, "locked.pdf");
    // This test process holds the app store open (as npm start would) and nothing listens on port 9.
    await d.appStore.baselines();
    const result = await run("npm", ["run", "report", "--", "--indicator", "cp-rate", "--geography", "target-wards", "--out", out], {CURVE_CONFIG: configFor(9)});
    expect(result.code).toBe(1);
    expect(result.out).toContain("is in use by another process");
    expect(existsSync(out)).toBe(false);
  });
});
