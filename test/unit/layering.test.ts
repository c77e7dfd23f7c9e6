import {readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";

/**
 * The layering of the API (docs: ARCHITECTURE.md, "the wing and the door"): a request goes down once,
 * route → domain → statistics, and back. Read from the import lines of the source itself. Beneath
 * every wing sits shared/: pure, dependency-free modules (the one calendar) that the API, the
 * pipelines and the dashboards each import, so a rule written there cannot drift between them.
 */

const files = (dir: string): string[] =>
  readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
const imports = (file: string) => [...readFileSync(file, "utf8").matchAll(/^import[^;]*?from "([^"]+)";/gms)].map((m) => m[1]);

describe("layering", () => {
  it("keeps route files apart: a route imports no other route, only the shared params.ts", () => {
    const crossings = files("api/routes").flatMap((f) => imports(f).filter((i) => i.startsWith("./") && i !== "./params.js").map((i) => `${f} → ${i}`));
    expect(crossings).toEqual([]);
  });

  it("keeps the domain free of HTTP: no file under api/oba, api/targeting, api/providers or api/stats imports a route or api/errors.ts", () => {
    const domain = ["api/oba", "api/targeting", "api/providers", "api/stats"].flatMap(files);
    const upward = domain.flatMap((f) => imports(f).filter((i) => /(^|\/)routes\//.test(i) || /^\.\.\/errors\.js$|^\.\.\/\.\.\/errors\.js$/.test(i)).map((i) => `${f} → ${i}`));
    expect(upward).toEqual([]);
  });

  it("keeps shared/ pure: its modules import nothing, so the API, the pipelines and the browser may all run them", () => {
    const shared = readdirSync("shared").filter((f) => /\.(js|ts)$/.test(f)).map((f) => join("shared", f));
    expect(shared).toContain("shared/calendar.js");
    expect(shared.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/^\s*(?:import|export)[^;]*?from\s+"([^"]+)"|\bimport\(|\brequire\(/gm)].map((m) => `${f} → ${m[1] ?? m[0]}`))).toEqual([]);
  });

  it("keeps the pipelines below the API: they import from api/ only the disclosure policy's schema", () => {
    const upward = ["pipelines"].flatMap(files).flatMap((f) => imports(f).filter((i) => /(^|\/)api\//.test(i)).map((i) => `${f} → ${i}`));
    expect(upward).toEqual(["pipelines/config.ts → ../api/oba/policy.js"]);
  });

  it("passes I/O down: no module of the domain reads a file or the environment, or keeps a cache of its own", () => {
    const domain = ["api/oba", "api/targeting", "api/providers"].flatMap(files);
    const io = domain.flatMap((f) => {
      const text = readFileSync(f, "utf8");
      return [
        ...imports(f).filter((i) => i === "node:fs").map((i) => `${f} → ${i}`),
        // A debugging switch that only prints is the one exception.
        ...[...text.matchAll(/process\.env\.(\w+)/g)].filter((m) => m[1] !== "CURVE_DISCLOSURE_DEBUG").map((m) => `${f}: ${m[0]}`),
        // Caches belong to the app (api/appcache.ts, api/reference.ts): nothing at module level keeps
        // answers. (A WeakMap keyed by the object it describes lives and dies with that object.)
        ...[...text.matchAll(/^(?:const|let) (\w+)\s*=\s*new (?:Map|Set)\b/gm)].map((m) => `${f}: module-level ${m[1]}`)
      ];
    });
    expect(io).toEqual([]);
  });

  it("keeps SQL out of the routes", () => {
    expect(files("api/routes").filter((f) => /\bSELECT\b/.test(readFileSync(f, "utf8")))).toEqual([]);
  });
});
