/**
 * `/api/node/{hostname}/container/docker...` end to end: API, real nats-server and workers;
 * host-a's root holds a stand-in for dockerd (a real HTTP server on a real unix socket,
 * tests/helpers/fake_dockerd.ts), host-b has no docker socket. Answers checked against osapi's
 * document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { startFakeDockerd } from "../../helpers/fake_dockerd.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";

Deno.test("docker through the API: create, list, get, exec, stop, start, delete, pull, image delete", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  await using dockerd = await startFakeDockerd(roots["host-a"]);
  const call = (method: string, path: string, operationId: string, body?: unknown, status = 202) =>
    nodeCall(api, method, `host-a/container/docker${path}`, operationId, body, status);

  const made = await call("POST", "", "PostNodeContainerDocker", {
    image: "nginx:latest",
    name: "web",
    ports: ["8080:80"],
  });
  assert.deepEqual(pick(made, "hostname", "status", "name", "state", "changed"), [
    ["host-a", "ok", "web", "running", true],
  ]);

  const list = await call(
    "GET",
    "?state=running&limit=10",
    "GetNodeContainerDocker",
    undefined,
    200,
  );
  assert.equal(list.length, 1);
  assert.deepEqual(
    (list[0].containers as Record<string, unknown>[]).map((c) => [c.name, c.image, c.state]),
    [["web", "nginx:latest", "running"]],
  );
  assert.match(dockerd.requests.at(-1)!.url, /^\/containers\/json\?all=1&limit=10&filters=/);

  const got = await call("GET", "/web", "GetNodeContainerDockerByID", undefined, 200);
  assert.deepEqual(pick(got, "name", "ports"), [["web", ["8080:80"]]]);

  const exec = await call("POST", "/web/exec", "PostNodeContainerDockerExec", {
    command: ["uname", "-a"],
  });
  assert.deepEqual(pick(exec, "stdout", "stderr", "exit_code"), [["ran: uname -a\n", "warn\n", 0]]);

  const stopped = await call("POST", "/web/stop", "PostNodeContainerDockerStop", { timeout: 1 });
  assert.deepEqual(pick(stopped, "id", "message", "changed"), [["web", "container stopped", true]]);
  // start takes no body (OSAPI's client sends none)
  const r = await api.admin.call("POST", "/api/node/host-a/container/docker/web/start");
  assert.equal(r.status, 202, r.text);
  assert.equal(r.body.results[0].changed, true);

  const del = await call("DELETE", "/web?force=true", "DeleteNodeContainerDockerByID");
  assert.deepEqual(pick(del, "message", "changed"), [["container removed", true]]);
  assert.equal(dockerd.requests.at(-1)!.url, "/containers/web?force=1");

  const pulled = await call("POST", "/pull", "PostNodeContainerDockerPull", {
    image: "alpine:3.18",
  });
  assert.deepEqual(pick(pulled, "tag", "changed"), [["3.18", true]]);
  const removed = await call("DELETE", "/image/alpine%3A3.18", "DeleteNodeContainerDockerImage");
  assert.deepEqual(pick(removed, "id", "changed"), [["alpine:3.18", true]]);

  // host-b has no docker: a per-host error, not a hang or a 500
  const none = await nodeCall(api, "GET", "_all/container/docker", "GetNodeContainerDocker");
  const b = none.find((i) => i.hostname === "host-b")!;
  assert.equal(b.status, "failed");
  assert.equal(
    b.error,
    `docker is not available on this host: no socket at ${roots["host-b"]}/var/run/docker.sock`,
  );
  assert.equal(none.find((i) => i.hostname === "host-a")!.status, "ok");
});

Deno.test("bad docker input is a 400 problem; docker:read cannot write nor exec", async () => {
  await using api = await startTestApi();
  const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, method, `host-a/container/docker${path}`, body, detail);
  await problem("POST", "", { image: "nginx; rm -rf /" }, /image/);
  await problem("POST", "", { image: "nginx", volumes: ["/etc/../root:/x"] }, /volumes/);
  await problem("GET", "/-bad", undefined, /id/);
  await problem("GET", "?state=paused", undefined, /state/);
  await problem("GET", "?limit=1000", undefined, /limit/);
  await problem("POST", "/web/exec", { command: [] }, /command/);
  await problem("POST", "/web/stop", { timeout: -1 }, /timeout/);
  await problem("DELETE", "/image/UPPER", undefined, /image/);

  const reader = await api.as({ roles: ["read"] });
  const list = await reader.call("GET", "/api/node/host-b/container/docker");
  assert.equal(list.status, 200, list.text);
  const writer = await api.as({ roles: ["write"] });
  for (
    const [caller, method, path, body] of [
      [reader, "POST", "/api/node/host-a/container/docker/pull", { image: "alpine" }],
      [reader, "DELETE", "/api/node/host-a/container/docker/web", undefined],
      [writer, "POST", "/api/node/host-a/container/docker/web/exec", { command: ["id"] }],
    ] as const
  ) {
    const r = await caller.call(method, path, body ? { body } : {});
    assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
  }
});
