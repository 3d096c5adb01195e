/** The one error -> status map: every code answers its documented status as problem+json. */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { ERROR_CODES, type ErrorCode, OsapiError } from "../../src/core/errors.ts";
import { Logger } from "../../src/log.ts";
import { errorHandler, STATUS_BY_CODE } from "../../src/api/middleware/errors.ts";
import { ApiError, PROBLEM_MEDIA_TYPE, STATUS_CODES } from "../../src/api/problem.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { OperationError, OperationInputError } from "../../src/core/job.ts";
import { RouteError, TargetError } from "../../src/core/targets.ts";
import { TokenError } from "../../src/api_auth/tokens.ts";
import { checkErrorResponse } from "../helpers/reference.ts";
import { MissingResourcesError } from "../../src/nats/resources.ts";

/** An app whose one route throws what `make` returns, with a log that keeps its lines. */
function appThrowing(make: () => unknown) {
  const lines: string[] = [];
  const app = new Hono();
  app.onError(errorHandler(new Logger("api", "debug", "json", (l) => lines.push(l))));
  app.get("/x", () => {
    throw make();
  });
  return { app, lines };
}

async function answer(make: () => unknown) {
  const { app, lines } = appThrowing(make);
  const res = await app.request("/x");
  assert.equal(res.headers.get("content-type"), PROBLEM_MEDIA_TYPE);
  const body = await res.json();
  // OSAPI's ErrorResponse members beside the problem details
  assert.equal(body.code, res.status);
  assert.equal(body.error, body.detail);
  await checkErrorResponse(body);
  return { status: res.status, body, lines };
}

/** The codes meant to answer each status (written out here, not read from the table). */
const CODES_BY_STATUS: Record<number, ErrorCode[]> = {
  400: [
    "request.invalid",
    "target.invalid",
    "subject.invalid",
    "operation.unknown",
    "operation.input_invalid",
  ],
  401: ["auth.unauthenticated", "auth.token_invalid"],
  403: ["auth.forbidden"],
  404: ["not_found", "job.not_found"],
  405: ["request.method_not_allowed"],
  409: ["conflict"],
  413: ["request.too_large"],
  415: ["request.unsupported_media_type"],
  422: ["request.unprocessable"],
  503: [
    "unavailable",
    "job.publish_failed",
    "job.results_unavailable",
    "job.store_unsupported",
    "nats.unavailable",
    "nats.resources_missing",
    "nats.consumers_unavailable",
  ],
  504: ["timeout"],
};

/** Every other code is a server-side failure: 500. */
const statusMeant = (code: ErrorCode) =>
  Number(Object.entries(CODES_BY_STATUS).find(([, codes]) => codes.includes(code))?.[0] ?? 500);

Deno.test("every error code answers its documented status", async () => {
  assert.deepEqual(Object.keys(STATUS_BY_CODE).sort(), Object.keys(ERROR_CODES).sort());
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const { status, body, lines } = await answer(() => new OsapiError(code, `boom ${code}`));
    assert.equal(status, statusMeant(code), code);
    assert.equal(body.status, status, code);
    if (status < 500 || status === 503 || status === 504) {
      assert.equal(body.detail, `boom ${code}`, code);
    } else {
      // a 500 says nothing of the failure; the log says what it was
      assert.equal(body.detail, "internal error; see the API server log", code);
      assert.ok(lines.some((l) => JSON.parse(l).code === code), code);
    }
    if (status >= 500) assert.equal(lines.length, 1, `${code} is logged once`);
    else assert.equal(lines.length, 0, `${code} is not logged`);
  }
});

Deno.test("ApiError keeps its status through its code", async () => {
  for (const [status, code] of Object.entries(STATUS_CODES)) {
    const e = new ApiError(Number(status) as 400, "said so");
    assert.equal(e.code, code);
    assert.ok(e instanceof OsapiError);
    const r = await answer(() => e);
    assert.equal(r.status, Number(status));
    if (r.status !== 500) assert.equal(r.body.detail, "said so");
  }
});

Deno.test("the job layer's errors answer by their codes", async () => {
  const cases: [() => Error, number][] = [
    [() => new TargetError("bad target"), 400],
    [() => new RouteError("bad subject token"), 400],
    [() => new OperationError("no such op"), 400],
    [() => new OperationInputError("bad field", "x"), 400],
    [() => new TokenError("token expired"), 401],
    [() => new MissingResourcesError("ns", ["stream ns-JOBS"]), 503],
    [() => new ConfigError([{ path: "a", message: "a: bad" }]), 500],
  ];
  for (const [make, want] of cases) {
    const r = await answer(make);
    assert.equal(r.status, want, make().name);
  }
});

Deno.test("an unknown error is a logged 500 that names neither the error nor its causes", async () => {
  const { status, body, lines } = await answer(() =>
    new Error("database exploded", { cause: new Error("inner reason") })
  );
  assert.equal(status, 500);
  assert.equal(body.detail, "internal error; see the API server log");
  assert.ok(!JSON.stringify(body).includes("exploded"));
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]);
  assert.equal(line.level, "error");
  assert.equal(line.error, "database exploded");
  assert.deepEqual(line.causes, ["Error: inner reason"]);
});

Deno.test("OsapiError: code, cause, name; the old classes are subclasses", () => {
  const cause = new Error("root");
  const e = new TargetError("bad", { cause });
  assert.ok(e instanceof OsapiError);
  assert.ok(e instanceof TargetError);
  assert.equal(e.code, "target.invalid");
  assert.equal(e.cause, cause);
  assert.equal(e.name, "TargetError");
  const c = new ConfigError([{ path: "x", message: "x: nope" }], "file f.yaml");
  assert.equal(c.code, "config.invalid");
  assert.equal(c.name, "ConfigError");
  assert.match(c.message, /invalid file f\.yaml:\n {2}- x: nope/);
});
