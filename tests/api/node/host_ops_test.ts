/**
 * The older host operations (status, hostname, disk, memory, load, OS, uptime, DNS, ping,
 * command) at OSAPI's current paths `/api/node/{hostname}/...`, and DNS delete, end to end:
 * API, real nats-server and workers (DNS on temp files); answers checked against osapi's
 * document and OSAPI's reference, with the reference's permissions.
 */
import assert from "node:assert/strict";
import { startTestApi, TEST_RESOLV_CONF } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";

Deno.test("host facts under /api/node/{hostname} in OSAPI's item shapes", async () => {
  await using api = await startTestApi();
  const call = (path: string, operationId: string) => nodeCall(api, "GET", path, operationId);

  const status = await call("_all", "GetNodeStatus");
  assert.deepEqual(pick(status, "hostname", "status"), [["host-a", "ok"], ["host-b", "ok"]]);
  assert.equal(typeof status[0].memory, "object");
  const memory = await call("host-a/memory", "GetNodeMemory");
  const m = memory[0].memory as Record<string, number>;
  assert.ok(m.total > 0 && m.total >= m.used, JSON.stringify(memory));
  assert.equal(memory[0].total, undefined, "memory fields are nested, not flat");
  const load = await call("host-a/load", "GetNodeLoad");
  assert.equal(typeof (load[0].load_average as Record<string, number>)["1min"], "number");
  const os = await call("host-b/os", "GetNodeOS");
  assert.equal(os[0].hostname, "host-b");
  assert.equal(typeof (os[0].os_info as Record<string, string>).distribution, "string");
  const disk = await call("_any/disk", "GetNodeDisk");
  assert.ok(Array.isArray(disk[0].disks));
  const uptime = await call("role:web/uptime", "GetNodeUptime");
  assert.equal(uptime.length, 2);
  assert.equal(typeof uptime[0].uptime, "string");
  const hostname = await call("host-a/hostname", "GetNodeHostname");
  assert.deepEqual(pick(hostname, "hostname", "status"), [["host-a", "ok"]]);
  // the older path keeps its flat item
  const flat = await api.admin.call("GET", "/system/memory?target_hostname=host-a");
  assert.equal(typeof flat.body.results[0].total, "number");
});

Deno.test("the /api/node routes need the reference's permissions", async () => {
  await using api = await startTestApi();
  const systemOnly = await api.as({ roles: [], permissions: ["system:read"] });
  const nodeOnly = await api.as({ roles: [], permissions: ["node:read"] });
  assert.equal((await systemOnly.call("GET", "/api/node/_any/memory")).status, 403);
  assert.equal((await nodeOnly.call("GET", "/api/node/_any/memory")).status, 200);
  assert.equal((await nodeOnly.call("GET", "/system/memory")).status, 403);
  assert.equal((await systemOnly.call("GET", "/system/memory")).status, 200);
  const reader = await api.as({ roles: ["read"] });
  const exec = await reader.call("POST", "/api/node/_any/command/exec", {
    body: { command: "true" },
  });
  assert.equal(exec.status, 403);
  const del = await reader.call("DELETE", "/api/node/_any/network/dns", {
    body: { interface_name: "eth0" },
  });
  assert.equal(del.status, 403);
});

Deno.test("DNS get, update, delete and ping, command under /api/node/{hostname}", async () => {
  await using api = await startTestApi({ workers: [{ hostname: "host-a" }] });
  const resolv = `${api.stack!.dnsDir}/resolv.conf`;

  const got = await nodeCall(
    api,
    "GET",
    "host-a/network/dns/eth0",
    "GetNodeNetworkDNSByInterface",
  );
  assert.deepEqual(pick(got, "servers", "search_domains"), [[["192.0.2.53"], ["example.test"]]]);
  const put = await nodeCall(api, "PUT", "host-a/network/dns", "PutNodeNetworkDNS", {
    interface_name: "eth0",
    servers: ["192.0.2.1"],
  }, 202);
  assert.equal(put[0].changed, true);
  assert.match(await Deno.readTextFile(resolv), /^nameserver 192\.0\.2\.1$/m);

  const deleted = await nodeCall(api, "DELETE", "host-a/network/dns", "DeleteNodeNetworkDNS", {
    interface_name: "eth0",
  });
  assert.deepEqual(pick(deleted, "hostname", "status", "changed"), [["host-a", "ok", true]]);
  assert.doesNotMatch(await Deno.readTextFile(resolv), /nameserver|search/);
  const again = await nodeCall(api, "DELETE", "host-a/network/dns", "DeleteNodeNetworkDNS", {
    interface_name: "eth0",
  });
  assert.equal(again[0].changed, false);
  await nodeProblem(api, "DELETE", "host-a/network/dns", {}, /interface_name/);
  await nodeProblem(
    api,
    "DELETE",
    "host-a/network/dns",
    { interface_name: "eth0", extra: 1 },
    /extra/,
  );
  const noSuch = await nodeCall(api, "DELETE", "host-a/network/dns", "DeleteNodeNetworkDNS", {
    interface_name: "nosuch0",
  });
  assert.deepEqual(pick(noSuch, "status"), [["failed"]]);
  assert.match(String(noSuch[0].error), /nosuch0/);
  await Deno.writeTextFile(resolv, TEST_RESOLV_CONF);

  const shell = await nodeCall(api, "POST", "host-a/command/shell", "PostNodeCommandShell", {
    command: "echo hi",
  }, 202);
  assert.deepEqual(pick(shell, "stdout", "exit_code"), [["hi\n", 0]]);
  const exec = await nodeCall(api, "POST", "host-a/command/exec", "PostNodeCommandExec", {
    command: "echo",
    args: ["a", "b"],
  }, 202);
  assert.equal(exec[0].stdout, "a b\n");
  await nodeProblem(api, "POST", "host-a/command/exec", { args: ["x"] }, /command/);

  const ping = await api.admin.call("POST", "/api/node/host-a/network/ping", {
    body: { address: "127.0.0.1", count: 1 },
  });
  assert.equal(ping.status, 200, ping.text);
  const item = ping.body.results[0];
  if (item.status === "ok") {
    const { checkReference } = await import("../../helpers/reference.ts");
    await checkReference("PostNodeNetworkPing", 200, ping.body);
    assert.equal(item.packets_received, 1);
  } else {
    console.log(`ping not checked: ${item.error}`);
  }
});
