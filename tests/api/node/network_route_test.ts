/**
 * `/api/node/{hostname}/network/route[/{interfaceName}]` end to end: API, real nats-server and
 * a worker on a temporary root whose network providers act in a namespace the test makes;
 * answers checked against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { makeTestNetns } from "../../helpers/netns.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";
import { netplanFile } from "../../../src/worker/providers/netplan_config.ts";
import { createRouteCreate } from "../../../src/worker/providers/network_route_create.ts";
import { createRouteDelete } from "../../../src/worker/providers/network_route_delete.ts";
import { createRouteGet } from "../../../src/worker/providers/network_route_get.ts";
import { createRouteList } from "../../../src/worker/providers/network_route_list.ts";
import { createRouteUpdate } from "../../../src/worker/providers/network_route_update.ts";
import type { Provider } from "../../../src/worker/providers/mod.ts";

/** The route providers acting in namespace `netns`. */
function routeProviders(netns: string): Provider[] {
  const opts = { netns };
  return [
    createRouteList(opts),
    createRouteGet(opts),
    createRouteCreate(opts),
    createRouteUpdate(opts),
    createRouteDelete(opts),
  ] as unknown as Provider[];
}

type Row = Record<string, unknown>;

Deno.test("network routes through the API: create, list, get, update, delete", async () => {
  await using ns = await makeTestNetns();
  if (!ns) return;
  await ns.ip(["addr", "add", "192.0.2.10/24", "dev", "osv0"]);
  await ns.ip(["link", "set", "osv0", "up"]);
  await using api = await startTestApi({
    workers: [{ hostname: "host-a" }],
    providers: routeProviders(ns.name),
  });
  const root = api.stack!.roots["host-a"];
  const call = (method: string, path: string, operationId: string, body?: unknown) =>
    nodeCall(api, method, `host-a/network/route${path}`, operationId, body);
  const body = { routes: [{ to: "198.51.100.0/24", via: "192.0.2.1", metric: 20 }] };

  const created = await call("POST", "/osv0", "PostNodeNetworkRoute", body);
  assert.deepEqual(pick(created, "hostname", "status", "interface", "changed"), [
    ["host-a", "ok", "osv0", true],
  ]);
  assert.match(await Deno.readTextFile(`${root}/${netplanFile("osv0")}`), /198\.51\.100\.0\/24/);
  assert.equal((await call("POST", "/osv0", "PostNodeNetworkRoute", body))[0].changed, false);

  const [listed] = await call("GET", "", "GetNodeNetworkRoute");
  const routes = listed.routes as Row[];
  assert.ok(
    routes.some((r) =>
      r.destination === "198.51.100.0/24" && r.gateway === "192.0.2.1" && r.metric === 20 &&
      r.interface === "osv0" && r.managed === true
    ),
    JSON.stringify(routes),
  );
  const [got] = await call("GET", "/osv0", "GetNodeNetworkRouteByInterface");
  assert.deepEqual(
    (got.routes as Row[]).filter((r) => !String(r.destination).includes(":"))
      .map((r) => [r.destination, r.scope]).sort(),
    [["192.0.2.0/24", "link"], ["198.51.100.0/24", "global"]],
  );
  const missing = await call("GET", "/nosuch0", "GetNodeNetworkRouteByInterface");
  assert.equal(missing[0].status, "failed");
  assert.match(String(missing[0].error), /no network interface nosuch0/);

  const updated = await call("PUT", "/osv0", "PutNodeNetworkRoute", {
    routes: [{ to: "203.0.113.0/24", via: "192.0.2.1" }],
  });
  assert.deepEqual(pick(updated, "interface", "changed"), [["osv0", true]]);
  const live = await ns.ipJson<{ dst: string }>(["-4", "route", "show", "dev", "osv0"]);
  assert.deepEqual(live.map((r) => r.dst).sort(), ["192.0.2.0/24", "203.0.113.0/24"]);

  assert.equal((await call("DELETE", "/osv0", "DeleteNodeNetworkRoute"))[0].changed, true);
  assert.equal((await call("DELETE", "/osv0", "DeleteNodeNetworkRoute"))[0].changed, false);
  const after = await ns.ipJson<{ dst: string }>(["-4", "route", "show", "dev", "osv0"]);
  assert.deepEqual(after.map((r) => r.dst), ["192.0.2.0/24"]);
});

Deno.test("bad route input is a 400 problem naming the field; network:read cannot write", async () => {
  await using api = await startTestApi({ workers: [{ hostname: "host-a" }] });
  const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, method, `host-a/network/route/${path}`, body, detail);
  await problem("POST", "eth0", { routes: [] }, /routes/);
  await problem("POST", "eth0", {}, /routes/);
  await problem("POST", "eth0", { routes: [{ to: "198.51.100.1/24", via: "192.0.2.1" }] }, /to/);
  await problem("POST", "eth0", { routes: [{ to: "198.51.100.0/24", via: "-1" }] }, /via/);
  await problem("PUT", "eth0", {
    routes: [{ to: "198.51.100.0/24", via: "192.0.2.1", metric: 1.5 }],
  }, /metric/);
  await problem("DELETE", "-eth0", undefined, /interfaceName|interface_name/);

  const reader = await api.as({ roles: ["read"] });
  const list = await reader.call("GET", "/api/node/host-a/network/route");
  assert.equal(list.status, 200, list.text);
  const denied = await reader.call("DELETE", "/api/node/host-a/network/route/eth0");
  assert.equal(denied.status, 403);
});
