/**
 * OSAPI's agent routes end to end: `/api/agent*` and `/api/facts/keys` on a real nats-server
 * with real workers; answers checked against osapi's document (by the caller) and OSAPI's
 * reference. Drain: `_any` jobs go to the other worker, `_all` skips the drained one and says
 * so, a host job is refused; undrain restores both. Enrollment with auto-accept off: pending
 * agents get no jobs until accepted; a rejected one gets none and leaves the lists.
 */
import assert from "node:assert/strict";
import { startTestApi, type TestApi, testConfig } from "../helpers/api.ts";
import { startWorker } from "../../src/worker/worker.ts";
import { silent } from "../../src/log.ts";
import { checkReference } from "../helpers/reference.ts";
import { FACT_KEYS } from "../../src/core/agent.ts";

type Json = Record<string, unknown>;

async function agent(api: TestApi, host: string): Promise<Json> {
  const r = await api.admin.call("GET", `/api/agent/${host}`);
  assert.equal(r.status, 200, r.text);
  await checkReference("getAgentDetails", 200, r.body);
  return r.body;
}

async function post(api: TestApi, host: string, verb: string, status: number): Promise<Json> {
  const r = await api.admin.call("POST", `/api/agent/${host}/${verb}`);
  assert.equal(r.status, status, r.text);
  const id = verb === "drain" ? "drainAgent" : "undrainAgent";
  await checkReference(id, status, status === 200 ? r.body : { error: r.body.detail });
  return r.body;
}

/** The hosts answering `GET /api/node/<target>/timezone`, with status and error. */
async function answers(api: TestApi, target: string): Promise<unknown[][]> {
  const r = await api.admin.call("GET", `/api/node/${target}/timezone`);
  assert.equal(r.status, 200, r.text);
  await checkReference("GetNodeTimezone", 200, r.body);
  return (r.body.results as Json[])
    .map((i) => [i.hostname, i.status === "skipped" ? `skipped: ${i.error}` : "ran"])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

Deno.test("GET /api/agent and /api/agent/{hostname}: live agents with facts and conditions", async () => {
  await using api = await startTestApi();
  const list = await api.admin.call("GET", "/api/agent");
  assert.equal(list.status, 200, list.text);
  await checkReference("getAgents", 200, list.body);
  assert.equal(list.body.total, 2);
  assert.deepEqual(list.body.agents.map((a: Json) => [a.hostname, a.status, a.state]), [
    ["host-a", "Ready", "Ready"],
    ["host-b", "Ready", "Ready"],
  ]);

  const a = await agent(api, "host-a");
  assert.deepEqual(a.labels, { role: "web" });
  // facts read from this machine
  assert.equal(a.cpu_count, navigator.hardwareConcurrency);
  assert.equal(a.kernel_version, Deno.osRelease());
  const memory = a.memory as { total: number; free: number; used: number };
  assert.ok(memory.total > 0 && memory.used + memory.free === memory.total);
  assert.ok(Array.isArray(a.interfaces) && (a.interfaces as Json[]).some((i) => i.name === "lo"));
  assert.equal(typeof (a.os_info as Json).distribution, "string");
  assert.ok(Array.isArray(a.routes));
  assert.match(String(a.uptime), /^(\d+d )?(\d+h )?\d+m$/);
  assert.deepEqual(
    (a.conditions as Json[]).map((c) => [c.type, typeof c.status, typeof c.reason]),
    [
      ["MemoryPressure", "boolean", "string"],
      ["HighLoad", "boolean", "string"],
      ["DiskPressure", "boolean", "string"],
    ],
  );

  const keys = await api.admin.call("GET", "/api/facts/keys");
  assert.equal(keys.status, 200, keys.text);
  await checkReference("GetFactKeys", 200, keys.body);
  assert.deepEqual(keys.body.keys, FACT_KEYS);

  const missing = await api.admin.call("GET", "/api/agent/host-z");
  assert.equal(missing.status, 404);
  assert.match(missing.body.detail, /agent host-z not found/);
  for (const bad of ["_any", "a%20b", "-x"]) {
    const r = await api.admin.call("GET", `/api/agent/${bad}`);
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
    assert.match(r.body.detail, /hostname must be a host name/);
  }
  assert.equal((await api.admin.call("POST", "/api/agent/a..b*/drain")).status, 400);

  // permissions: the read role reads agents but cannot drain; no agent:* -> 403
  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/agent")).status, 200);
  assert.equal((await reader.call("POST", "/api/agent/host-a/drain")).status, 403);
  const jobsOnly = await api.as({ roles: [], permissions: ["job:read"] });
  for (const path of ["/api/agent", "/api/agent/host-a", "/api/facts/keys"]) {
    assert.equal((await jobsOnly.call("GET", path)).status, 403, path);
  }
});

Deno.test("drain: _any jobs go to the other agent, _all skips the drained one; undrain", async () => {
  await using api = await startTestApi();
  await post(api, "host-a", "drain", 200);
  const again = await post(api, "host-a", "drain", 409);
  assert.match(String(again.detail), /host-a is already drained/);
  assert.equal((await agent(api, "host-a")).state, "Cordoned");
  assert.equal((await agent(api, "host-b")).state, "Ready");

  for (let i = 0; i < 6; i++) assert.deepEqual(await answers(api, "_any"), [["host-b", "ran"]]);
  assert.deepEqual(await answers(api, "_all"), [
    ["host-a", "skipped: agent is drained"],
    ["host-b", "ran"],
  ]);
  assert.deepEqual(await answers(api, "role:web"), [
    ["host-a", "skipped: agent is drained"],
    ["host-b", "ran"],
  ]);
  const host = await api.admin.call("GET", "/api/node/host-a/timezone");
  assert.equal(host.status, 400, host.text);
  assert.match(host.body.detail, /host "host-a": agent is drained/);

  // every agent drained: an _any job is refused, naming them
  await post(api, "host-b", "drain", 200);
  const none = await api.admin.call("GET", "/api/node/_any/timezone");
  assert.equal(none.status, 400, none.text);
  assert.match(none.body.detail, /host-a: agent is drained, host-b: agent is drained/);

  await post(api, "host-b", "undrain", 200);
  await post(api, "host-a", "undrain", 200);
  const not = await post(api, "host-a", "undrain", 409);
  assert.match(String(not.detail), /host-a is not drained/);
  assert.equal((await agent(api, "host-a")).state, "Ready");
  assert.deepEqual(await answers(api, "_all"), [["host-a", "ran"], ["host-b", "ran"]]);
  assert.deepEqual(await answers(api, "host-a"), [["host-a", "ran"]]);
  assert.equal((await api.admin.call("POST", "/api/agent/host-z/drain")).status, 404);
});

Deno.test("enrollment with nats.state.auto_accept off: pending, accept, reject", async () => {
  await using api = await startTestApi({ raw: { nats: { state: { auto_accept: false } } } });
  const pending = async () => {
    const r = await api.admin.call("GET", "/api/agent/pending");
    assert.equal(r.status, 200, r.text);
    await checkReference("getAgentsPending", 200, r.body);
    return r.body.agents.map((a: Json) => a.hostname);
  };
  const decide = async (host: string, verb: string, status: number) => {
    const r = await api.admin.call("POST", `/api/agent/${host}/${verb}`);
    assert.equal(r.status, status, r.text);
    const id = verb === "accept" ? "acceptAgent" : "rejectAgent";
    await checkReference(id, status, status === 200 ? r.body : { error: r.body.detail });
    return r.body;
  };
  assert.deepEqual(await pending(), ["host-a", "host-b"]);
  assert.equal((await agent(api, "host-a")).state, "Pending");
  const none = await api.admin.call("GET", "/api/node/_any/timezone");
  assert.equal(none.status, 400, none.text);
  assert.match(
    none.body.detail,
    /host-a: agent is pending acceptance, host-b: agent is pending acceptance/,
  );

  assert.deepEqual(await decide("host-a", "accept", 200), { message: "agent host-a accepted" });
  assert.match(String((await decide("host-a", "accept", 404)).detail), /no pending agent host-a/);
  assert.deepEqual(await pending(), ["host-b"]);
  assert.equal((await agent(api, "host-a")).state, "Ready");
  for (let i = 0; i < 4; i++) assert.deepEqual(await answers(api, "_any"), [["host-a", "ran"]]);
  assert.deepEqual(await answers(api, "_all"), [
    ["host-a", "ran"],
    ["host-b", "skipped: agent is pending acceptance"],
  ]);
  const host = await api.admin.call("GET", "/api/node/host-b/timezone");
  assert.equal(host.status, 400);
  assert.match(host.body.detail, /host "host-b": agent is pending acceptance/);

  await decide("host-b", "reject", 200);
  assert.deepEqual(await pending(), []);
  const list = await api.admin.call("GET", "/api/agent");
  assert.deepEqual(list.body.agents.map((a: Json) => a.hostname), ["host-a"]);
  assert.equal((await api.admin.call("GET", "/api/agent/host-b")).status, 404);
  assert.deepEqual(await answers(api, "_all"), [["host-a", "ran"]]);
  const rejected = await api.admin.call("GET", "/api/node/host-b/timezone");
  assert.match(rejected.body.detail, /host "host-b": agent is rejected/);
  // a rejected agent can be accepted again
  await decide("host-b", "accept", 200);
  assert.deepEqual(await answers(api, "_all"), [["host-a", "ran"], ["host-b", "ran"]]);

  const fp = await api.admin.call("POST", "/api/agent/host-a/accept?fingerprint=SHA256:x");
  assert.equal(fp.status, 400);
  assert.match(fp.body.detail, /no agent PKI/);
  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/agent/pending")).status, 200);
  assert.equal((await reader.call("POST", "/api/agent/host-a/reject")).status, 403);
  assert.equal((await api.admin.call("POST", "/api/agent/-x/accept")).status, 400);
});

Deno.test("auto-accept (the default): no agent is pending and reject finds none", async () => {
  await using api = await startTestApi();
  const r = await api.admin.call("GET", "/api/agent/pending");
  assert.deepEqual(r.body, { agents: [], total: 0 });
  assert.equal((await api.admin.call("POST", "/api/agent/host-a/reject")).status, 404);
});

Deno.test("a drained agent stays drained across a restart of its worker", async () => {
  await using api = await startTestApi();
  const stack = api.stack!;
  await post(api, "host-a", "drain", 200);
  await stack.workers[0].stop();
  const natsClient = { urls: [stack.nats.url], namespace: "apitest" };
  const restarted = await startWorker(
    testConfig({
      job: { worker: { nats: natsClient, hostname: "host-a", labels: { role: "web" } } },
      nats: { registry: { ttl: "10s" } },
    }),
    { log: silent, fetchExpiresMs: 1000, root: stack.roots["host-a"] },
  );
  try {
    assert.equal((await agent(api, "host-a")).state, "Cordoned");
    for (let i = 0; i < 4; i++) assert.deepEqual(await answers(api, "_any"), [["host-b", "ran"]]);
    await post(api, "host-a", "undrain", 200);
    assert.deepEqual(await answers(api, "host-a"), [["host-a", "ran"]]);
  } finally {
    await restarted.stop();
  }
});
