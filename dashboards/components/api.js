/* global URLSearchParams, location */
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
  entry.promise = fetch(path, {headers: {accept: "application/json", ...authHeaders()}}).then(readJson).finally(() => {
    entry.pending = false;
    entry.at = Date.now();
    if (!/\/api\/indicators\/[^/]+\/series/.test(path)) inFlight.delete(path);
  });
  entry.promise.catch(() => inFlight.delete(path));
  inFlight.set(path, entry);
  return entry.promise;
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
