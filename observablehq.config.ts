// Observable Framework configuration. Everything is served from this machine: no CDN, no web fonts,
// no telemetry (OBSERVABLE_TELEMETRY_DISABLE is set by the npm scripts).
export default {
  root: "dashboards",
  output: "dist",
  title: "Curve",
  pages: [
    {name: "Report card", path: "/"},
    {name: "Turn the Curve explorer", path: "/turn-the-curve"},
    {name: "Target wards", path: "/target-wards"},
    {name: "Providers", path: "/providers"},
    {name: "Printable report", path: "/report"},
    {name: "Methods", path: "/methods"},
    {name: "Data", path: "/data"},
    {name: "Sign in", path: "/sign-in"}
  ],
  // The default stylesheets pull Google Fonts; ours is self-contained (see dashboards/prebuild.ts).
  globalStylesheets: [],
  style: "style.css",
  // A data: favicon, so browsers do not ask the server for /favicon.ico.
  head: '<link rel="icon" href="data:,"><meta name="description" content="Curve: outcomes and commissioning analytics for children\'s services">',
  footer: "Curve — figures are disclosure-controlled: c = suppressed (1–5 children), u = low reliability. Demo data is synthetic.",
  search: false,
  linkify: false
};
