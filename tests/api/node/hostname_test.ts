/**
 * `PUT /api/node/{hostname}/hostname` end to end: API, real nats-server and workers on
 * temporary roots; answers checked against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { checkReference } from "../../helpers/reference.ts";

Deno.test("PUT /api/node/{hostname}/hostname sets the name on the target and is idempotent", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  const put = (target: string, body: unknown) =>
    api.admin.call("PUT", `/api/node/${target}/hostname`, { body });

  const first = await put("host-a", { hostname: "web-01" });
  assert.equal(first.status, 202, first.text);
  await checkReference("PutNodeHostname", 202, first.body);
  assert.deepEqual(
    first.body.results.map((r: Record<string, unknown>) => [r.hostname, r.status, r.changed]),
    [
      ["host-a", "ok", true],
    ],
  );
  assert.equal(await Deno.readTextFile(`${roots["host-a"]}/etc/hostname`), "web-01\n");
  await assert.rejects(Deno.stat(`${roots["host-b"]}/etc/hostname`), Deno.errors.NotFound);

  const again = await put("host-a", { hostname: "web-01" });
  assert.equal(again.body.results[0].changed, false);
  await checkReference("PutNodeHostname", 202, again.body);

  const bad = await put("host-a", { hostname: "-bad_name" });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.match(bad.body.detail, /body\.hostname: "-bad_name" is not a valid host name/);
  assert.equal((await put("host-a", {})).status, 400);

  const reader = await api.as({ roles: ["read"] });
  const denied = await reader.call("PUT", "/api/node/host-a/hostname", { body: { hostname: "x" } });
  assert.equal(denied.status, 403);
});
