import {mkdirSync, writeFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {parseArgs} from "node:util";
import {loadCatalogue} from "../oba/catalogue.js";
import {ensureDashboards, launchChromium, startLocalServer, type LocalServer} from "./browser.js";

/**
 * `npm run report -- --indicator cp-rate[,cla-rate] --geography target-wards [--period financial-year] [--out file.pdf]`
 *
 * The printable Turn the Curve report (dashboards/report.md) as an A4 PDF, one page per indicator:
 * starts the server in this process on a free loopback port (or uses --url of one already running),
 * opens the page in headless Chromium and prints it with the page's print stylesheet.
 */
const USAGE = `usage: npm run report -- --indicator <id>[,<id>…] [--geography borough|target-wards|rest-of-borough|area:<id>|ward:<id>] [--code <id>] [--period financial-year|quarter|month|rolling-12-months] [--out file.pdf] [--url http://localhost:3000]`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

let args;
try {
  args = parseArgs({
    options: {
      indicator: {type: "string", multiple: true},
      geography: {type: "string", default: "target-wards"},
      code: {type: "string"},
      period: {type: "string"},
      out: {type: "string"},
      url: {type: "string"},
      timeout: {type: "string", default: "60000"},
      help: {type: "boolean", short: "h"}
    },
    allowPositionals: false
  }).values;
} catch (e) {
  fail(`${(e as Error).message}\n${USAGE}`);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const catalogue = loadCatalogue();
const ids = (args.indicator ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
if (!ids.length) fail(`--indicator is required.\n${USAGE}\nindicators: ${catalogue.indicators.map((i) => i.id).join(", ")}`);
const unknown = ids.filter((id) => !catalogue.byId.has(id));
if (unknown.length) fail(`unknown indicator(s): ${unknown.join(", ")}. Known: ${catalogue.indicators.map((i) => i.id).join(", ")}`);

// "ward:biscot", or "ward" with --code biscot.
let geography = args.geography!;
if (args.code && !geography.includes(":")) geography = `${geography}:${args.code}`;
const [geoType, geoCode] = geography.split(":");
const types = ["borough", "target-wards", "rest-of-borough", "area", "ward"];
if (!types.includes(geoType)) fail(`--geography ${geoType} is not one of ${types.join(", ")}`);
if ((geoType === "area" || geoType === "ward") && !geoCode) fail(`--geography ${geoType} needs a code: e.g. --geography ${geoType}:${geoType === "ward" ? "biscot" : "central"}`);
for (const id of ids) {
  const ind = catalogue.byId.get(id)!;
  if (!ind.geographies.includes(geoType as never)) fail(`${id} is not published for ${geoType} (allowed: ${ind.geographies.join(", ")})`);
  if (args.period && !ind.periods.includes(args.period as never)) fail(`${id} is not published by ${args.period} (allowed: ${ind.periods.join(", ")})`);
}
const out = resolve(args.out ?? `turn-the-curve-${ids.join("-")}-${geography.replace(":", "-")}.pdf`);
const timeout = Number(args.timeout);

let server: LocalServer | null = null;
let base = args.url?.replace(/\/$/, "");
if (!base) {
  ensureDashboards("report.html");
  server = await startLocalServer({role: "viewer"});
  base = server.base;
  for (const note of server.notes) console.error(`note: ${note}`);
}
const browser = await launchChromium();
try {
  const page = await browser.newPage({viewport: {width: 1240, height: 1754}});
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  const query = new URLSearchParams({indicator: ids.join(","), geography, ...(args.period ? {period: args.period} : {})});
  await page.goto(`${base}/report?${query}`, {waitUntil: "networkidle", timeout});
  await page.waitForSelector("html[data-report-ready]", {timeout});
  const shown = await page.evaluate(() => document.querySelectorAll(".report-page").length);
  const notices = await page.evaluate(() => Array.from(document.querySelectorAll(".report-page .notice"), (n) => n.textContent?.trim() ?? ""));
  await page.emulateMedia({media: "print"});
  const pdf = await page.pdf({format: "A4", printBackground: true});
  mkdirSync(dirname(out), {recursive: true});
  writeFileSync(out, pdf);
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
  for (const n of notices) console.error(`warning: ${n}`);
  if (problems.length) console.error(`warning: ${problems.length} request(s) or script(s) failed: ${[...new Set(problems)].slice(0, 5).join("; ")}`);
  console.log(`wrote ${out}: ${shown} report page(s), ${pages} PDF page(s), ${Math.round(pdf.length / 1024)} kB`);
  if (shown !== ids.length) process.exitCode = 1;
} finally {
  await browser.close();
  await server?.close();
}
