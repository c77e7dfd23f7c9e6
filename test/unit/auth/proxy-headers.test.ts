import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {PROXY_HEADERS, viaProxy} from "../../../api/auth/middleware.js";

/**
 * The README tells whoever puts a reverse proxy in front of Curve which headers make a request "not
 * local" (issue 13, defect 8): the list it prints must be the list the code checks, and presence —
 * even empty — must be what counts.
 */
describe("the README's promise about proxy headers", () => {
  const readme = readFileSync("README.md", "utf8").replace(/\s+/g, " ");

  it("names exactly the headers the local-role check treats as a proxy, and says an empty one counts", () => {
    const sentence = /A proxy header is any of (.*?), \*\*present at all, even empty\*\*/.exec(readme);
    expect(sentence, "README.md: 'A proxy header is any of …, **present at all, even empty**'").not.toBeNull();
    const named = [...sentence![1].matchAll(/`([A-Za-z-]+)`/g)].map((m) => m[1].toLowerCase());
    expect(named.sort()).toEqual([...PROXY_HEADERS].sort());
  });

  it("treats each of them as a proxy when present with an empty value, and a request with none as direct", () => {
    for (const h of PROXY_HEADERS) expect(viaProxy(new Headers({[h]: ""})), h).toBe(true);
    expect(viaProxy(new Headers({accept: "application/json"}))).toBe(false);
  });
});
