/**
 * `GET/PUT /api/node/{hostname}/timezone` end to end: API, real nats-server and workers on
 * temporary roots with a fake zoneinfo tree; answers checked against osapi's document and
 * OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";
import { fakeZoneinfo } from "../../helpers/zoneinfo.ts";

Deno.test("the time zone through the API: get, set, idempotent, unknown zone", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  for (const root of Object.values(roots)) await fakeZoneinfo(root);

  const before = await nodeCall(api, "GET", "_all/timezone", "GetNodeTimezone");
  assert.deepEqual(pick(before, "hostname", "status", "timezone", "utc_offset"), [
    ["host-a", "ok", "UTC", "+00:00"],
    ["host-b", "ok", "UTC", "+00:00"],
  ]);
  const set = (target: string, timezone: string) =>
    nodeCall(api, "PUT", `${target}/timezone`, "PutNodeTimezone", { timezone });
  assert.deepEqual(pick(await set("host-a", "Asia/Kolkata"), "hostname", "timezone", "changed"), [
    ["host-a", "Asia/Kolkata", true],
  ]);
  assert.equal(
    await Deno.readLink(`${roots["host-a"]}/etc/localtime`),
    "/usr/share/zoneinfo/Asia/Kolkata",
  );
  assert.equal((await set("host-a", "Asia/Kolkata"))[0].changed, false);
  const after = await nodeCall(api, "GET", "_all/timezone", "GetNodeTimezone");
  assert.deepEqual(pick(after, "hostname", "timezone", "utc_offset"), [
    ["host-a", "Asia/Kolkata", "+05:30"],
    ["host-b", "UTC", "+00:00"],
  ]);

  const unknown = await set("host-b", "Mars/Olympus");
  assert.equal(unknown[0].status, "failed");
  assert.match(String(unknown[0].error), /unknown time zone "Mars\/Olympus"/);

  await nodeProblem(
    api,
    "PUT",
    "host-a/timezone",
    { timezone: "../../etc/passwd" },
    /body\.timezone: /,
  );
  await nodeProblem(api, "PUT", "host-a/timezone", {}, /timezone/);
  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/timezone")).status, 200);
  const denied = await reader.call("PUT", "/api/node/host-a/timezone", {
    body: { timezone: "UTC" },
  });
  assert.equal(denied.status, 403);
});
