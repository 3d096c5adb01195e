/**
 * `/api/node/{hostname}/sysctl[/{key}]` end to end: API, real nats-server and workers on
 * temporary roots (nothing applied live); answers checked against osapi's document and OSAPI's
 * reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";
import { SYSCTL_FILE } from "../../../src/worker/providers/sysctl_config.ts";

Deno.test("sysctl entries through the API: create, list, get, update, delete", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  const call = (method: string, path: string, operationId: string, body?: unknown) =>
    nodeCall(api, method, path, operationId, body);

  const created = await call("POST", "_all/sysctl", "PostNodeSysctl", {
    key: "net.ipv4.ip_forward",
    value: "1",
  });
  assert.deepEqual(pick(created, "hostname", "status", "key", "changed"), [
    ["host-a", "ok", "net.ipv4.ip_forward", true],
    ["host-b", "ok", "net.ipv4.ip_forward", true],
  ]);
  for (const host of ["host-a", "host-b"]) {
    assert.match(
      await Deno.readTextFile(`${roots[host]}/${SYSCTL_FILE}`),
      /^net\.ipv4\.ip_forward = 1$/m,
    );
  }
  const again = await call("POST", "host-a/sysctl", "PostNodeSysctl", {
    key: "net.ipv4.ip_forward",
    value: "1",
  });
  assert.equal(again[0].changed, false);
  await call("POST", "host-a/sysctl", "PostNodeSysctl", { key: "vm.swappiness", value: "10" });

  // the list: one item per entry per host
  const list = await call("GET", "_all/sysctl", "GetNodeSysctl");
  assert.deepEqual(pick(list, "hostname", "key", "value", "status"), [
    ["host-a", "net.ipv4.ip_forward", "1", "ok"],
    ["host-a", "vm.swappiness", "10", "ok"],
    ["host-b", "net.ipv4.ip_forward", "1", "ok"],
  ]);

  const got = await call("GET", "host-a/sysctl/vm.swappiness", "GetNodeSysctlByKey");
  assert.deepEqual(pick(got, "hostname", "key", "value"), [["host-a", "vm.swappiness", "10"]]);
  const missing = await call("GET", "host-b/sysctl/vm.swappiness", "GetNodeSysctlByKey");
  assert.equal(missing[0].status, "failed");
  assert.match(String(missing[0].error), /vm\.swappiness is not managed/);

  const updated = await call("PUT", "host-a/sysctl/vm.swappiness", "PutNodeSysctl", {
    value: "20",
  });
  assert.deepEqual(pick(updated, "key", "changed"), [["vm.swappiness", true]]);
  assert.match(
    await Deno.readTextFile(`${roots["host-a"]}/${SYSCTL_FILE}`),
    /^vm\.swappiness = 20$/m,
  );
  const same = await call("PUT", "host-a/sysctl/vm.swappiness", "PutNodeSysctl", { value: "20" });
  assert.equal(same[0].changed, false);

  const deleted = await call("DELETE", "host-a/sysctl/vm.swappiness", "DeleteNodeSysctl");
  assert.equal(deleted[0].changed, true);
  const gone = await call("DELETE", "host-a/sysctl/vm.swappiness", "DeleteNodeSysctl");
  assert.equal(gone[0].changed, false);
  assert.doesNotMatch(await Deno.readTextFile(`${roots["host-a"]}/${SYSCTL_FILE}`), /swappiness/);
});

Deno.test("bad sysctl input is a 400 problem naming the field; sysctl:read cannot write", async () => {
  await using api = await startTestApi();
  const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, method, `host-a/${path}`, body, detail);
  await problem("POST", "sysctl", { key: "../etc.passwd", value: "1" }, /body\.key: /);
  await problem(
    "POST",
    "sysctl",
    { key: "vm.swappiness", value: "1\nkernel.x = 1" },
    /body\.value: /,
  );
  await problem("POST", "sysctl", { key: "vm.swappiness" }, /value/);
  await problem("GET", "sysctl/net%2Fipv4", undefined, /key/);
  await problem("PUT", "sysctl/-w.x", { value: "1" }, /key/);
  await problem("PUT", "sysctl/vm.swappiness", { value: "1", key: "x.y" }, /key/);

  const reader = await api.as({ roles: ["read"] });
  const list = await reader.call("GET", "/api/node/host-a/sysctl");
  assert.equal(list.status, 200, list.text);
  const denied = await reader.call("POST", "/api/node/host-a/sysctl", {
    body: { key: "vm.swappiness", value: "1" },
  });
  assert.equal(denied.status, 403);
});
