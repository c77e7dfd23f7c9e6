import {readdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";

/**
 * Framework 1.13's page shell fails WCAG 2.2 AA in three places (found by the axe-core browser test):
 * no `lang` on <html>, a viewport that disables zoom (maximum-scale=1), and the sidebar's close label
 * placed directly inside an <ol>. UK public-sector sites must meet AA, so fix the built HTML here.
 */
function walk(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? (e.name.startsWith("_") ? [] : walk(join(dir, e.name))) : e.name.endsWith(".html") ? [join(dir, e.name)] : []);
}

for (const file of walk("dist")) {
  const html = readFileSync(file, "utf8")
    .replace(/<html>/, '<html lang="en-GB">')
    .replace(/<meta name="viewport" content="[^"]*">/, '<meta name="viewport" content="width=device-width, initial-scale=1">')
    .replace(/<ol>\s*(<label id="observablehq-sidebar-close"[^>]*><\/label>)/, "$1\n  <ol>");
  writeFileSync(file, html);
}
