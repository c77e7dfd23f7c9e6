import {Hono} from "hono";
import {describe, expect, it} from "vitest";
import {handleError} from "../../api/errors.js";
import {badRequest, DomainError, notFound, type DomainErrorKind} from "../../api/oba/errors.js";

/** The domain raises errors by kind, without HTTP; api/errors.ts is the one place a kind becomes a status. */

async function answer(err: Error) {
  const app = new Hono().get("/", () => {
    throw err;
  });
  app.onError((e, c) => handleError(e, c));
  const res = await app.request("/");
  return {status: res.status, body: await res.json()};
}

describe("domain errors over HTTP", () => {
  it("maps each kind of domain error to its status and passes code, message and details through unchanged", async () => {
    const expected: Record<DomainErrorKind, number> = {invalid: 400, forbidden: 403, "not-found": 404, conflict: 409, "cannot-compute": 422, misconfigured: 500};
    for (const [kind, status] of Object.entries(expected) as [DomainErrorKind, number][]) {
      const a = await answer(new DomainError(kind, `a-${kind}`, `because ${kind}`, {field: "x"}));
      expect(a).toEqual({status, body: {error: {code: `a-${kind}`, message: `because ${kind}`, details: {field: "x"}}}});
    }
  });

  it("keeps the codes clients already read for a missing record and a bad request, and leaves details out when there are none", async () => {
    expect(await answer(notFound("baseline", "bl-x"))).toEqual({status: 404, body: {error: {code: "not-found", message: "baseline 'bl-x' does not exist"}}});
    expect(await answer(badRequest("value must not be negative", {field: "value"}))).toEqual({status: 400, body: {error: {code: "bad-request", message: "value must not be negative", details: {field: "value"}}}});
  });
});
