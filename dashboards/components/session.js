/* global sessionStorage, location, URLSearchParams */
// Who is signed in. The token a person pastes (or an OpenID Connect access token) lives in
// sessionStorage: it goes with this tab and is forgotten when the tab closes, and it is sent only to
// this origin's API. On `npm start`'s localhost no token is needed (the configured local role).

// Loaded by every page (through api.js): the phone layout of report cards rides along.
import "./layout.js";
import {setSmallCounts} from "./small-counts.js";

const KEY = "curve-token";

export function storedToken() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: behave as signed out
  }
}

export function rememberToken(token) {
  sessionStorage.setItem(KEY, token);
  me = null;
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
  me = null;
}

/** The Authorization header for API requests, when someone has signed in in this tab. */
export function authHeaders(token = storedToken()) {
  return token ? {authorization: `Bearer ${token}`} : {};
}

export const onSignInPage = () => /^\/sign-in(\.html)?\/?$/.test(location.pathname);

/** The sign-in page, coming back here afterwards. */
export function signInHref() {
  return `/sign-in?${new URLSearchParams({next: location.pathname + location.search})}`;
}

let me = null;

/**
 * The caller as GET /api/me describes it ({role, providerId, provider, can: {...}}), or null when not
 * signed in. Asked once per page.
 */
export function whoAmI() {
  me ??= fetch("/api/me", {headers: {accept: "application/json", ...authHeaders()}}).then((r) => (r.ok ? r.json() : null)).catch(() => null);
  return me;
}

// Mark the page with what the caller may do, so the stylesheet hides what it could not use (the
// workshop forms for a role that cannot save). Until the answer comes they stay hidden.
if (!onSignInPage()) {
  whoAmI().then((who) => {
    if (!who) return;
    document.documentElement.dataset.role = who.role;
    setSmallCounts(who.disclosure);
    if (who.can.saveWorkshop) document.documentElement.dataset.canSave = "true";
  });
}
