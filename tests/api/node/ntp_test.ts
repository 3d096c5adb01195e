/**
 * `/api/node/{hostname}/ntp` end to end: API, real nats-server and workers on temporary roots
 * seeded with chrony's (host-a) and systemd-timesyncd's (host-b) layouts; answers checked
 * against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";
import { NTP_FILES } from "../../../src/worker/providers/ntp_config.ts";

/** Temporary roots: host-a with chrony, host-b with timesyncd. */
async function seededWorkers(dir: string) {
  const chrony = `${dir}/host-a`;
  const timesyncd = `${dir}/host-b`;
  await Deno.mkdir(`${chrony}/etc/chrony`, { recursive: true });
  await Deno.writeTextFile(
    `${chrony}/${NTP_FILES.chrony.main}`,
    "pool pool.example.org iburst\nsourcedir /etc/chrony/sources.d\n",
  );
  await Deno.mkdir(`${timesyncd}/etc/systemd`, { recursive: true });
  await Deno.writeTextFile(`${timesyncd}/${NTP_FILES.timesyncd.main}`, "[Time]\n#NTP=\n");
  return [{ hostname: "host-a", root: chrony }, { hostname: "host-b", root: timesyncd }];
}

Deno.test("NTP through the API: get, create, update, delete on chrony and timesyncd", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-ntp-" });
  try {
    await using api = await startTestApi({ workers: await seededWorkers(dir) });
    const call = (method: string, operationId: string, body?: unknown, host = "_all") =>
      nodeCall(api, method, `${host}/ntp`, operationId, body);

    const before = await call("GET", "GetNodeNtp");
    assert.deepEqual(pick(before, "hostname", "status", "backend", "managed", "servers"), [
      ["host-a", "ok", "chrony", false, ["pool.example.org"]],
      ["host-b", "ok", "timesyncd", false, []],
    ]);
    const created = await call("POST", "PostNodeNtp", { servers: ["192.0.2.1", "ntp.example"] });
    assert.deepEqual(pick(created, "hostname", "status", "changed"), [
      ["host-a", "ok", true],
      ["host-b", "ok", true],
    ]);
    assert.equal(
      (await call("POST", "PostNodeNtp", { servers: ["192.0.2.1", "ntp.example"] }))
        .every((i) => i.changed === false),
      true,
    );
    assert.match(
      await Deno.readTextFile(`${dir}/host-a/${NTP_FILES.chrony.managed}`),
      /^server ntp\.example iburst$/m,
    );
    assert.match(
      await Deno.readTextFile(`${dir}/host-b/${NTP_FILES.timesyncd.managed}`),
      /^NTP=192\.0\.2\.1 ntp\.example$/m,
    );
    const updated = await call("PUT", "PutNodeNtp", { servers: ["192.0.2.2"] }, "host-b");
    assert.deepEqual(pick(updated, "hostname", "changed"), [["host-b", true]]);
    const after = await call("GET", "GetNodeNtp");
    assert.deepEqual(pick(after, "hostname", "managed", "servers"), [
      ["host-a", true, ["pool.example.org", "192.0.2.1", "ntp.example"]],
      ["host-b", true, ["192.0.2.2"]],
    ]);
    const deleted = await call("DELETE", "DeleteNodeNtp");
    assert.deepEqual(pick(deleted, "hostname", "changed"), [["host-a", true], ["host-b", true]]);
    const again = await call("DELETE", "DeleteNodeNtp", undefined, "host-a");
    assert.equal(again[0].changed, false);
    const notManaged = await call("PUT", "PutNodeNtp", { servers: ["192.0.2.2"] }, "host-a");
    assert.equal(notManaged[0].status, "failed");
    assert.match(String(notManaged[0].error), /not managed by osapi/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad NTP input is a 400 naming the field; ntp:read cannot write", async () => {
  await using api = await startTestApi();
  await nodeProblem(api, "POST", "host-a/ntp", { servers: ["-x"] }, /servers/);
  await nodeProblem(api, "POST", "host-a/ntp", { servers: [] }, /servers/);
  await nodeProblem(api, "PUT", "host-a/ntp", {}, /servers/);
  await nodeProblem(api, "POST", "host-a/ntp", { servers: ["a"], extra: 1 }, /extra/);
  const noClient = await nodeCall(api, "GET", "host-a/ntp", "GetNodeNtp");
  assert.match(String(noClient[0].error), /no NTP client on this host/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/ntp")).status, 200);
  const denied = await reader.call("POST", "/api/node/host-a/ntp", { body: { servers: ["a"] } });
  assert.equal(denied.status, 403);
});
