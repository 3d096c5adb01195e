/**
 * `/api/node/{hostname}/process[/{pid}[/signal]]` end to end: API, real nats-server and
 * workers; host-a reads the live /proc (root "/", the only host processes are live on) and
 * signals the test's own `sleep` child; host-b's temporary root has no /proc. Answers checked
 * against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem } from "../../helpers/node_api.ts";
import { processGone } from "../../worker/providers/ctx.ts";

const WORKERS = [{ hostname: "host-a", root: "/" }, { hostname: "host-b" }];

Deno.test("processes through the API: list, get, signal a child of the test", async () => {
  await using api = await startTestApi({ workers: WORKERS });
  const list = await nodeCall(api, "GET", "_all/process", "GetNodeProcess");
  const byHost = Object.fromEntries(list.map((i) => [i.hostname, i]));
  const processes = byHost["host-a"].processes as { pid: number }[];
  assert.ok(processes.some((p) => p.pid === Deno.pid), "the worker (test) process is listed");
  assert.equal(byHost["host-b"].status, "failed");
  assert.match(String(byHost["host-b"].error), /no \/proc on this host/);

  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    // a child just spawned may still be running (exec, then the sleep starts): wait until the
    // kernel shows it asleep, so the state the API reports is known
    for (let i = 0; i < 100; i++) {
      const stat = await Deno.readTextFile(`/proc/${child.pid}/stat`).catch(() => "");
      if (/^\d+ \(sleep\) S /.test(stat)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const got = await nodeCall(api, "GET", `host-a/process/${child.pid}`, "GetNodeProcessByPid");
    const p = got[0].process as Record<string, unknown>;
    assert.deepEqual([p.pid, p.name, p.state], [child.pid, "sleep", "sleeping"]);
    const sent = await nodeCall(
      api,
      "POST",
      `host-a/process/${child.pid}/signal`,
      "PostNodeProcessSignal",
      { signal: "KILL" },
    );
    assert.deepEqual(
      [sent[0].status, sent[0].pid, sent[0].signal, sent[0].changed],
      ["ok", child.pid, "KILL", true],
    );
    assert.equal((await child.status).signal, "SIGKILL");
    assert.ok(await processGone(child.pid));
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }
  const gone = await nodeCall(api, "GET", `host-a/process/${child.pid}`, "GetNodeProcessByPid");
  assert.equal(gone[0].status, "failed");
  assert.match(String(gone[0].error), /no process with pid/);
  const init = await nodeCall(api, "POST", "host-a/process/1/signal", "PostNodeProcessSignal", {
    signal: "TERM",
  });
  assert.match(String(init[0].error), /refusing to signal pid 1/);
});

Deno.test("bad process input is a 400 naming the field; process:read cannot signal", async () => {
  await using api = await startTestApi({ workers: WORKERS });
  await nodeProblem(api, "GET", "host-a/process/0", undefined, /pid/);
  await nodeProblem(api, "GET", "host-a/process/abc", undefined, /pid/);
  await nodeProblem(api, "POST", "host-a/process/5/signal", { signal: "STOP" }, /signal/);
  await nodeProblem(api, "POST", "host-a/process/5/signal", {}, /signal/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/process")).status, 200);
  const writer = await api.as({ roles: ["write"] });
  const denied = await writer.call("POST", "/api/node/host-a/process/5/signal", {
    body: { signal: "TERM" },
  });
  assert.equal(denied.status, 403);
});
