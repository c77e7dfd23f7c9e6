import {mkdirSync, writeFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {parseArgs} from "node:util";
import {referenceFromEnv} from "../reference.js";
import {loadConfig} from "../../pipelines/config.js";
import {ensureDashboards, launchChromium, probeRunningServer, startLocalServer, type LocalServer} from "./browser.js";

/**
 * `npm run report -- --indicator cp-rate[,cla-rate] --geography target-wards [--period financial-year] [--out file.pdf]`
 * `npm run report -- --card early-help-strategy --geography target-wards [--out file.pdf]`
 *
 * The printable Turn the Curve report (dashboards/report.md) as an A4 PDF, one page per indicator, or
 * with --card a report card across all its measures (the home page, printed landscape). When Curve is
 * already running (npm start, on the configured port) the report is made from it: it holds the app
 * store, whose narratives a second process could not read. Otherwise the server starts in this
 * process on a free loopback port; --url names any other running server.
 */
const USAGE = `usage: npm run report -- (--indicator <id>[,<id>…] | --card <scorecard id>) [--geography borough|target-wards|rest-of-borough|area:<id>|ward:<id>] [--code <id>] [--period financial-year|quarter|month|rolling-12-months] [--out file.pdf] [--url http://localhost:3000] [--token <token>, or CURVE_TOKEN]`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

let args;
try {
  args = parseArgs({
    options: {
      indicator: {type: "string", multiple: true},
      card: {type: "string"},
      token: {type: "string"},
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

// The same reference files the API reads (CURVE_INDICATORS, CURVE_SCORECARDS), checked as it checks them.
const reference = referenceFromEnv();
const {catalogue} = reference;
const ids = (args.indicator ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
const cards = reference.scorecards;
if (args.card && ids.length) fail(`give --indicator or --card, not both.\n${USAGE}`);
if (args.card && !cards.some((c) => c.id === args.card)) fail(`unknown report card ${args.card}. Known: ${cards.map((c) => c.id).join(", ")}`);
if (!ids.length && !args.card) fail(`--indicator or --card is required.\n${USAGE}\nindicators: ${catalogue.indicators.map((i) => i.id).join(", ")}\nreport cards: ${cards.map((c) => c.id).join(", ")}`);
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
const out = resolve(args.out ?? (args.card ? `report-card-${args.card}-${geography.replace(":", "-")}.pdf` : `turn-the-curve-${ids.join("-")}-${geography.replace(":", "-")}.pdf`));
const timeout = Number(args.timeout);
const token = args.token ?? process.env.CURVE_TOKEN;

let server: LocalServer | null = null;
let base = args.url?.replace(/\/$/, "");
if (!base) {
  const running = await probeRunningServer(loadConfig().port, token);
  if (running.status === "ok") {
    base = running.base;
    console.error(`note: using the Curve server already running on ${base}`);
  } else if (running.status === "needs-token") {
    fail(`Curve is running on ${running.base} but asks for a token: pass --token <token> or set CURVE_TOKEN (npm run tokens -- create --role viewer).`, 1);
  } else {
    ensureDashboards("report.html");
    try {
      server = await startLocalServer({role: "viewer", requireAppStore: true});
    } catch (e) {
      fail((e as Error).message, 1);
    }
    base = server.base;
    for (const note of server.notes) console.error(`note: ${note}`);
  }
}
const browser = await launchChromium();
try {
  const context = await browser.newContext({viewport: args.card ? {width: 1754, height: 1240} : {width: 1240, height: 1754}, extraHTTPHeaders: token ? {authorization: `Bearer ${token}`} : {}});
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  if (args.card) {
    await page.goto(`${base}/?${new URLSearchParams({card: args.card, geography})}`, {waitUntil: "networkidle", timeout});
    await page.waitForSelector("table.scorecard tbody tr", {timeout});
    await page.waitForLoadState("networkidle", {timeout});
  } else {
    const query = new URLSearchParams({indicator: ids.join(","), geography, ...(args.period ? {period: args.period} : {})});
    await page.goto(`${base}/report?${query}`, {waitUntil: "networkidle", timeout});
    await page.waitForSelector("html[data-report-ready]", {timeout});
  }
  const shown = await page.evaluate((card) => document.querySelectorAll(card ? "table.scorecard tbody tr" : ".report-page").length, Boolean(args.card));
  const notices = await page.evaluate(() => Array.from(document.querySelectorAll(".report-page .notice, .notice-error"), (n) => n.textContent?.trim() ?? ""));
  await page.emulateMedia({media: "print"});
  const pdf = await page.pdf({format: "A4", landscape: Boolean(args.card), printBackground: true});
  mkdirSync(dirname(out), {recursive: true});
  writeFileSync(out, pdf);
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
  for (const n of notices) console.error(`warning: ${n}`);
  if (problems.length) console.error(`warning: ${problems.length} request(s) or script(s) failed: ${[...new Set(problems)].slice(0, 5).join("; ")}`);
  if (args.card) console.log(`wrote ${out}: report card ${args.card} with ${shown} measure(s), ${pages} PDF page(s), ${Math.round(pdf.length / 1024)} kB`);
  else console.log(`wrote ${out}: ${shown} report page(s), ${pages} PDF page(s), ${Math.round(pdf.length / 1024)} kB`);
  if (args.card ? shown === 0 : shown !== ids.length) process.exitCode = 1;
} finally {
  await browser.close();
  await server?.close();
}
