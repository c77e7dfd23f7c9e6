/* global URLSearchParams, location, setTimeout, clearTimeout */
// The dashboards' only data source is the API on the same origin. Errors come back as
// {error: {code, message}}; turn them into exceptions whose message a reader can act on.
import {html} from "htl";
import {authHeaders, onSignInPage, signInHref} from "./session.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// One request per address at a time: cells that ask for the same thing together share the answer,
// and a series (the heaviest read, asked for by the chart, the sparklines and the report) is kept
// for a minute so a re-render does not fetch it again.
const inFlight = new Map();
const SERIES_TTL_MS = 60_000;

export function getJson(path) {
  const hit = inFlight.get(path);
  if (hit && (hit.pending || Date.now() - hit.at < SERIES_TTL_MS)) return hit.promise;
  const entry = {pending: true, at: Date.now(), promise: null};
  awaiting(+1);
  entry.promise = fetch(path, {headers: {accept: "application/json", ...authHeaders()}}).then(readJson).finally(() => {
    awaiting(-1);
    entry.pending = false;
    entry.at = Date.now();
    if (!/\/api\/indicators\/[^/]+\/series/.test(path)) inFlight.delete(path);
  });
  entry.promise.catch(() => inFlight.delete(path));
  inFlight.set(path, entry);
  return entry.promise;
}

// Loading, not stale numbers. While an answer the page asked for is awaited, what is on screen
// belongs to the previous choice (Framework keeps a cell's output until its inputs resolve). So the
// page is marked busy — aria-busy on <main>, which style.css uses to grey every output that is not a
// control, and a "Loading…" status — until every request has settled and the cells waiting on them
// have redrawn (a short grace, since one answer often starts the next request: series → baseline).
let waiting = 0;
let settling = null;
let loadedOnce = false;
const SETTLE_MS = 120;

function awaiting(delta) {
  if (typeof document === "undefined") return;
  waiting += delta;
  clearTimeout(settling);
  if (waiting > 0) return showBusy(true);
  settling = setTimeout(() => waiting === 0 && showBusy(false), SETTLE_MS);
}

function showBusy(on) {
  const main = document.getElementById("observablehq-main") ?? document.querySelector("main");
  if (!main) return;
  let status = document.getElementById("curve-loading");
  if (!status) {
    status = document.createElement("p");
    status.id = "curve-loading";
    status.className = "loading-status";
    status.setAttribute("role", "status");
    status.hidden = true;
    main.before(status); // outside <main>: a live region inside a busy one is not announced
  }
  if (on) {
    main.setAttribute("aria-busy", "true");
    status.textContent = loadedOnce ? "Loading your new choice… the greyed figures below are from the previous one and are not current." : "Loading…";
    status.hidden = false;
  } else {
    main.removeAttribute("aria-busy");
    status.textContent = "";
    status.hidden = true;
    loadedOnce = true;
  }
}

export async function sendJson(method, path, body) {
  const response = await fetch(path, {method, headers: {"content-type": "application/json", accept: "application/json", ...authHeaders()}, body: JSON.stringify(body)});
  return readJson(response);
}

async function readJson(response) {
  const body = await response.json().catch(() => null);
  // Not signed in (no local role here, or the token expired): send the reader to sign in and back.
  if (response.status === 401 && !onSignInPage()) location.assign(signInHref());
  if (!response.ok) {
    const e = body?.error;
    const details = Array.isArray(e?.details) ? `: ${e.details.map((d) => `${d.field ? `${d.field} — ` : ""}${d.message}`).join("; ")}` : "";
    throw new ApiError(response.status, e?.code ?? "error", `${e?.message ?? `the server answered ${response.status}`}${details && !e?.message?.includes(details.slice(2)) ? details : ""}`);
  }
  return body;
}

/** Like getJson, but a failure becomes {error} so one broken panel does not blank the page. */
export async function tryJson(path) {
  try {
    return await getJson(path);
  } catch (error) {
    return {error};
  }
}

/** A query string from an object, skipping empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** The message a page shows where a panel could not be drawn. */
export function problem(error, what = "this panel") {
  const forbidden = error?.status === 403;
  return html`<div class="notice ${forbidden ? "notice-info" : "notice-error"}" role="status"><strong>${forbidden ? "Not available to your role" : `Could not load ${what}`}.</strong> ${error?.message ?? String(error)}</div>`;
}
