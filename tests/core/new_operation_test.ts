/**
 * What adding an operation costs: a declaration and a provider, nothing else. A test-only
 * operation, declared here once and added to the table, is served by the API (with its
 * permission check and validation), documented in the OpenAPI document, run by the worker, and
 * offered by the CLI — with no other file touched.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { defineOperation, OPERATIONS, operationTable } from "../../src/core/operations/mod.ts";
import { int, str } from "../../src/core/operations/fields.ts";
import { provide } from "../../src/worker/providers/mod.ts";
import { buildProgram } from "../../src/cli/mod.ts";
import { startTestApi, testToken } from "../helpers/api.ts";

/** The declaration: the one place the operation is written. */
const greet = defineOperation({
  type: "test.greet.get",
  kind: "query",
  permission: "network:read",
  summary: "Greets from the target hosts",
  input: z.strictObject({
    name: str({ description: "Who to greet.", minLength: 1, maxLength: 20 }),
    times: int({ description: "How often.", min: 1, max: 3 }).default(1),
  }),
  result: z.looseObject({ greeting: z.string() }),
  routes: [{
    method: "post",
    path: "/test/greet",
    operationId: "PostTestGreet",
    tags: ["Test"],
    collection: "TestGreetCollection",
    request: "TestGreetRequest",
  }],
  cli: { command: ["test", "greet"], args: ["name"] },
  provider: "test_greet",
});

/** The provider: how it runs on a host. */
const greetProvider = provide(
  greet,
  (input, ctx) =>
    Promise.resolve({
      greeting: `${"hello ".repeat(input.times)}${input.name} from ${ctx.hostname}`,
    }),
);

const table = operationTable([...OPERATIONS.values(), greet]);

/** Runs the CLI in-process and returns what it printed. */
async function cli(args: string[]): Promise<string> {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => printed.push(a.map(String).join(" "));
  try {
    await buildProgram({ operations: table }).parseAsync(args, { from: "user" });
  } finally {
    console.log = log;
  }
  return printed.join("\n");
}

Deno.test("a test-only operation appears in the API, the OpenAPI document, the worker and the CLI", async () => {
  await using api = await startTestApi({ operations: table, providers: [greetProvider] });

  const doc = (await api.admin.call("GET", "/openapi.json")).body;
  const op = doc.paths["/test/greet"].post;
  assert.equal(op.operationId, "PostTestGreet");
  assert.deepEqual(op.security, [{ BearerAuth: ["network:read"] }]);
  assert.equal(doc.components.schemas.TestGreetRequest.properties.times.maximum, 3);
  assert.match(doc.paths["/job"].post.description, /`test\.greet\.get`: `network:read`/);

  const r = await api.admin.call("POST", "/test/greet?target_hostname=host-a", {
    body: { name: "ops", times: 2 },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.results.map((x: { greeting: string }) => x.greeting), [
    "hello hello ops from host-a",
  ]);
  assert.equal(r.body.results[0].status, "ok");

  const bad = await api.admin.call("POST", "/test/greet", { body: { name: "ops", times: 9 } });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.body.detail, /body\.times: must be between 1 and 3 \(got 9\)/);
  const reader = await api.as({ permissions: ["system:read"] });
  assert.equal((await reader.call("POST", "/test/greet", { body: { name: "x" } })).status, 403);

  const viaJob = await api.admin.call("POST", "/job", {
    body: { operation: { type: "test.greet.get", data: { name: "q" } }, target_hostname: "_any" },
  });
  assert.equal(viaJob.status, 201, viaJob.text);

  const token = await testToken();
  const out = await cli([
    "client",
    "--url",
    api.url,
    "--token",
    token,
    "--json",
    "test",
    "greet",
    "cli",
    "--times",
    "3",
    "--target",
    "host-b",
  ]);
  const body = JSON.parse(out);
  assert.equal(body.results[0].greeting, "hello hello hello cli from host-b");
});

Deno.test("the shipped CLI has no command for an operation outside its table", () => {
  const client = buildProgram().commands.find((c) => c.name() === "client")!;
  assert.ok(client.commands.some((c) => c.name() === "system"));
  assert.ok(!client.commands.some((c) => c.name() === "test"));
});
