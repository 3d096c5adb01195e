/**
 * `/api/node/{hostname}/network/interface[/{name}]` end to end: API, real nats-server and a
 * worker on a temporary root whose network providers act in a namespace the test makes;
 * answers checked against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { makeTestNetns } from "../../helpers/netns.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";
import { netplanFile } from "../../../src/worker/providers/netplan_config.ts";
import { createInterfaceCreate } from "../../../src/worker/providers/network_interface_create.ts";
import { createInterfaceDelete } from "../../../src/worker/providers/network_interface_delete.ts";
import { createInterfaceGet } from "../../../src/worker/providers/network_interface_get.ts";
import { createInterfaceList } from "../../../src/worker/providers/network_interface_list.ts";
import { createInterfaceUpdate } from "../../../src/worker/providers/network_interface_update.ts";
import type { Provider } from "../../../src/worker/providers/mod.ts";

/** The interface providers acting in namespace `netns`. */
function interfaceProviders(netns: string): Provider[] {
  const opts = { netns };
  return [
    createInterfaceList(opts),
    createInterfaceGet(opts),
    createInterfaceCreate(opts),
    createInterfaceUpdate(opts),
    createInterfaceDelete(opts),
  ] as unknown as Provider[];
}

Deno.test("network interfaces through the API: list, get, create, update, delete", async () => {
  await using ns = await makeTestNetns();
  if (!ns) return;
  await using api = await startTestApi({
    workers: [{ hostname: "host-a" }],
    providers: interfaceProviders(ns.name),
  });
  const root = api.stack!.roots["host-a"];
  const call = (method: string, path: string, operationId: string, body?: unknown) =>
    nodeCall(api, method, `host-a/network/interface${path}`, operationId, body);

  const created = await call("POST", "/osv0", "PostNodeNetworkInterface", {
    addresses: ["192.0.2.10/24"],
    gateway4: "192.0.2.1",
    mtu: 1400,
  });
  assert.deepEqual(pick(created, "hostname", "status", "name", "changed"), [
    ["host-a", "ok", "osv0", true],
  ]);
  assert.match(await Deno.readTextFile(`${root}/${netplanFile("osv0")}`), /192\.0\.2\.10\/24/);
  const again = await call("POST", "/osv0", "PostNodeNetworkInterface", {
    addresses: ["192.0.2.10/24"],
    gateway4: "192.0.2.1",
    mtu: 1400,
  });
  assert.equal(again[0].changed, false);

  const list = await call("GET", "", "GetNodeNetworkInterface");
  assert.equal(list.length, 1);
  const interfaces = list[0].interfaces as Record<string, unknown>[];
  assert.deepEqual(interfaces.map((i) => i.name).sort(), ["lo", "osv0", "osv1"]);

  const [got] = await call("GET", "/osv0", "GetNodeNetworkInterfaceByName");
  const info = got.interface as Record<string, unknown>;
  assert.deepEqual(
    [got.status, info.name, info.ipv4, info.gateway4, info.mtu, info.primary, info.managed],
    ["ok", "osv0", "192.0.2.10", "192.0.2.1", 1400, true, true],
  );
  const missing = await call("GET", "/nosuch0", "GetNodeNetworkInterfaceByName");
  assert.equal(missing[0].status, "failed");
  assert.match(String(missing[0].error), /no network interface nosuch0/);

  const updated = await call("PUT", "/osv0", "PutNodeNetworkInterface", { mtu: 1300 });
  assert.deepEqual(pick(updated, "name", "changed"), [["osv0", true]]);
  const [link] = await ns.ipJson<{ mtu: number }>(["link", "show", "dev", "osv0"]);
  assert.equal(link.mtu, 1300);
  const notManaged = await call("PUT", "/osv1", "PutNodeNetworkInterface", { mtu: 1300 });
  assert.equal(notManaged[0].status, "failed");
  assert.match(String(notManaged[0].error), /osv1 is not managed/);

  const deleted = await call("DELETE", "/osv0", "DeleteNodeNetworkInterface");
  assert.equal(deleted[0].changed, true);
  const gone = await call("DELETE", "/osv0", "DeleteNodeNetworkInterface");
  assert.equal(gone[0].changed, false);
  const [after] = await ns.ipJson<{ addr_info: unknown[] }>(["addr", "show", "dev", "osv0"]);
  assert.deepEqual(after.addr_info.filter((a) => JSON.stringify(a).includes("192.0.2.10")), []);
});

Deno.test("bad interface input is a 400 problem naming the field; network:read cannot write", async () => {
  await using api = await startTestApi({ workers: [{ hostname: "host-a" }] });
  const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, method, `host-a/network/interface/${path}`, body, detail);
  await problem("POST", "eth0", { addresses: ["192.0.2.1"] }, /addresses/);
  await problem("POST", "eth0", { gateway4: "2001:db8::1" }, /gateway4/);
  await problem("POST", "eth0", { mtu: 10 }, /mtu/);
  await problem("POST", "eth0", {}, /give at least one of/);
  await problem("PUT", "-eth0", { mtu: 1500 }, /name/);
  await problem("POST", "eth0", { mtu: 1500, name: "eth1" }, /name/);
  await problem("DELETE", "eth0%2F..", undefined, /name/);

  const reader = await api.as({ roles: ["read"] });
  const list = await reader.call("GET", "/api/node/host-a/network/interface");
  assert.equal(list.status, 200, list.text);
  const denied = await reader.call("POST", "/api/node/host-a/network/interface/eth0", {
    body: { mtu: 1500 },
  });
  assert.equal(denied.status, 403);
});
