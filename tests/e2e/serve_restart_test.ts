import assert from "node:assert/strict";
import { ApiCaller, OpenApiValidator } from "../helpers/openapi.ts";
import { freePorts } from "../helpers/ports.ts";
import { type ServeState, startServe } from "../helpers/serve.ts";

Deno.test("restarting serve mid-load loses no accepted job", async () => {
  const [a, b, c] = freePorts(3);
  const state: ServeState = {
    dir: await Deno.makeTempDir({ prefix: "osapi-restart-" }),
    ports: [a, b, c],
  };
  const slow = { OSAPI_JOB_WORKER_MAX_JOBS: "2" };
  const first = await startServe(slow, state);
  const token = (await Deno.readTextFile(`${first.dataDir}/api/admin.token`)).trim();
  const doc = await (await fetch(`${first.apiUrl}/openapi.json`, {
    headers: { authorization: `Bearer ${token}` },
  })).json();
  const validator = new OpenApiValidator(doc);
  const api = new ApiCaller(first.apiUrl, validator, token);
  const accepted: string[] = [];
  let stopAt = 0;
  try {
    const submit = async (i: number) => {
      const r = await api.call("POST", "/job", {
        body: {
          operation: { type: "command.shell.do", data: { command: `sleep 0.1; echo job-${i}` } },
          target_hostname: "_any",
        },
      });
      if (r.status === 201) accepted.push(r.body.job_id);
    };
    // Load: submit until the stop, which comes while jobs are still queued and running.
    const load = (async () => {
      for (let i = 0; i < 400 && (stopAt === 0 || Date.now() - stopAt < 200); i++) {
        try {
          await submit(i);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e; // a fetch TypeError: the API went away
        }
        if (i === 40) stopAt = Date.now();
      }
    })();
    while (stopAt === 0) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await first.stop(), 0, first.output());
    await load;
  } finally {
    await first[Symbol.asyncDispose]();
  }
  assert.ok(accepted.length >= 40, `accepted ${accepted.length}`);

  const restartedAt = new Date().toISOString();
  await using second = await startServe(slow, state);
  let afterRestart = 0;
  const api2 = new ApiCaller(second.apiUrl, validator, token);
  try {
    const deadline = Date.now() + 90_000;
    const pending = new Set(accepted);
    while (pending.size > 0 && Date.now() < deadline) {
      for (const id of [...pending]) {
        const { status, body } = await api2.call("GET", `/job/${id}`);
        assert.equal(status, 200, JSON.stringify(body));
        if (body.status === "completed") {
          pending.delete(id);
          if (body.updated_at >= restartedAt) afterRestart++;
        } else assert.notEqual(body.status, "failed", JSON.stringify(body));
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`accepted ${accepted.length}, ${afterRestart} after the restart`);
    if (pending.size > 0) {
      const left = await Promise.all(
        [...pending].map(async (id) => (await api2.call("GET", `/job/${id}`)).body),
      );
      const logs = [first.output(), second.output()].join("\n").split("\n")
        .filter((l) => [...pending].some((id) => l.includes(id))).join("\n");
      assert.fail(`jobs never completed: ${JSON.stringify(left)}\n${logs}`);
    }
    // The stop came mid-load: some accepted jobs were still queued and ran after the restart.
    assert.ok(afterRestart > 0, "no job was left for the restarted serve; the test proves nothing");
  } finally {
    await second.stop();
    await Deno.remove(state.dir, { recursive: true }).catch(() => {});
  }
});
