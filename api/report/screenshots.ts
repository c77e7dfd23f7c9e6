import {mkdirSync} from "node:fs";
import {ensureDashboards, launchChromium, probeRunningServer, startLocalServer, type LocalServer} from "./browser.js";
import {loadConfig} from "../../pipelines/config.js";

/**
 * `npm run screenshots`: every dashboard page at 1280 px and at a phone's 390 px, into docs/screenshots/.
 * Made from the running server when there is one (with CURVE_TOKEN if it asks), otherwise from a
 * server started here over the published warehouse as a commissioner, so the pictures show what the
 * workshop sees. Tests never write docs/: this is the one place the pictures are refreshed.
 */
const PAGES = [
  {path: "/", name: "home"},
  {path: "/turn-the-curve?indicator=cp-rate&geography=target-wards", name: "turn-the-curve"},
  {path: "/target-wards", name: "target-wards"},
  {path: "/providers", name: "providers"},
  {path: "/report?indicator=cp-rate&geography=target-wards", name: "report"},
  {path: "/methods", name: "methods"},
  {path: "/data", name: "data"},
  {path: "/sign-in", name: "sign-in"}
];
const WIDTHS = [{width: 1280, height: 900, suffix: ""}, {width: 390, height: 844, suffix: "-390"}];
const out = process.env.CURVE_SCREENSHOTS ?? "docs/screenshots";

const token = process.env.CURVE_TOKEN;
let server: LocalServer | null = null;
const running = await probeRunningServer(loadConfig().port, token);
let base = running.base;
if (running.status !== "ok") {
  ensureDashboards("index.html");
  server = await startLocalServer({role: "commissioner", requireAppStore: true});
  base = server.base;
}
mkdirSync(out, {recursive: true});
const browser = await launchChromium();
try {
  for (const {width, height, suffix} of WIDTHS) {
    const context = await browser.newContext({viewport: {width, height}, extraHTTPHeaders: token ? {authorization: `Bearer ${token}`} : {}});
    for (const p of PAGES) {
      const page = await context.newPage();
      await page.goto(base + p.path, {waitUntil: "networkidle", timeout: 120_000});
      await page.waitForTimeout(500); // charts drawn after the last response
      const file = `${out}/${p.name}${suffix}.png`;
      await page.screenshot({path: file, fullPage: true});
      console.log(`wrote ${file}`);
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server?.close();
}
