import assert from "node:assert/strict";
import { Shutdown } from "../../src/cli/signals.ts";
import { silent } from "../../src/log.ts";

async function until(cond: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("a signal during start-up (before onStop) still stops what starts afterwards", async () => {
  using shutdown = new Shutdown(silent);
  Deno.kill(Deno.pid, "SIGTERM");
  await until(() => shutdown.requested);
  const calls: boolean[] = [];
  shutdown.onStop((force) => {
    calls.push(force);
    return Promise.resolve();
  });
  await shutdown.wait();
  assert.deepEqual(calls, [false]);
});

Deno.test("first signal stops gracefully, a second one forces", async () => {
  using shutdown = new Shutdown(silent);
  const calls: boolean[] = [];
  let release!: () => void;
  const slow = new Promise<void>((r) => (release = r));
  shutdown.onStop((force) => {
    calls.push(force);
    return force ? Promise.resolve() : slow;
  });
  Deno.kill(Deno.pid, "SIGHUP");
  await until(() => calls.length === 1);
  Deno.kill(Deno.pid, "SIGTERM");
  await until(() => calls.length === 2);
  release();
  await shutdown.wait();
  assert.deepEqual(calls, [false, true]);
});
