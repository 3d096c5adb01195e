/**
 * `/api/node/{hostname}/power/{reboot,shutdown}` end to end: API, real nats-server and workers
 * on temporary roots, where the request is only recorded (nothing can reboot the machine).
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";

Deno.test("power through the API: recorded on the workers' roots; 400 for no delay; admin only", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  const reboot = await nodeCall(api, "POST", "_all/power/reboot", "PostNodePowerReboot", {
    delay: 120,
    message: "kernel update",
  });
  assert.deepEqual(pick(reboot, "hostname", "status", "action", "delay", "changed"), [
    ["host-a", "ok", "reboot", 120, true],
    ["host-b", "ok", "reboot", 120, true],
  ]);
  for (const host of ["host-a", "host-b"]) {
    const record = JSON.parse(
      await Deno.readTextFile(`${roots[host]}/run/osapi/power-request.json`),
    );
    assert.deepEqual(record.argv, ["shutdown", "-r", "--", "+2", "kernel update"]);
  }
  const off = await nodeCall(api, "POST", "host-b/power/shutdown", "PostNodePowerShutdown", {});
  assert.deepEqual(pick(off, "hostname", "action", "delay"), [["host-b", "shutdown", 60]]);

  await nodeProblem(api, "POST", "host-a/power/reboot", { delay: 0 }, /delay/);
  await nodeProblem(api, "POST", "host-a/power/shutdown", { message: "-r now" }, /message/);
  const writer = await api.as({ roles: ["write"] });
  const denied = await writer.call("POST", "/api/node/host-a/power/reboot", { body: {} });
  assert.equal(denied.status, 403);
});
