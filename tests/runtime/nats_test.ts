/**
 * The supervised nats-server as the composition root runs it: the supervisor alone creates no
 * job streams (it knows nothing of jobs); `startNats` ensures them on the ready hook, at the
 * first start and again after nats-server is killed and restarted.
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { configFromRaw } from "../../src/config/load.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { routerFor } from "../../src/nats/resources.ts";
import { startNats } from "../../src/runtime/nats.ts";
import { type NatsSupervisor, startSupervisor } from "../../src/server/supervisor.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";

/** A temp data dir and random ports; removed on dispose. */
async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "osapi-runtime-nats-" });
  const [port, httpPort] = freePorts(2);
  const config = configFromRaw({
    data_dir: dir,
    nats: { server: { port, http_port: httpPort, restart_backoff: "100ms" } },
  });
  return {
    config,
    binary: await natsServerBin(),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** The stream names of the server, as the supervisor's admin identity sees them. */
async function streamNames(sup: NatsSupervisor): Promise<string[]> {
  const nc = await connectNats(sup.clientConfig, silent, { maxReconnectAttempts: 0 });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.names().next()).sort();
  } finally {
    await nc.close();
  }
}

/** Waits (polling) until `check` holds; fails with `what` after 20 s. */
async function until(check: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

Deno.test("the supervisor alone creates no job streams; its ready hook is awaited", async () => {
  await using t = await setup();
  let hookDone = false;
  await using sup = await startSupervisor({
    config: t.config,
    binary: t.binary,
    log: silent,
    stopGrace: 5_000,
    onReady: async () => {
      await new Promise((r) => setTimeout(r, 10));
      hookDone = true;
    },
  });
  assert.ok(hookDone, "startSupervisor resolved before its ready hook finished");
  assert.deepEqual(await streamNames(sup), []);
});

Deno.test("startNats ensures the streams and buckets on the ready hook, again after a restart", async () => {
  await using t = await setup();
  const readies: number[] = [];
  await using sup = await startNats({
    config: t.config,
    binary: t.binary,
    log: silent,
    namespaces: ["extra"],
    stopGrace: 5_000,
    onReady: (restarts) => void readies.push(restarts),
  });
  const expected = [routerFor(t.config, "osapi"), routerFor(t.config, "extra")]
    .flatMap((r) => r.streams).sort();
  assert.deepEqual(await streamNames(sup), expected);
  assert.deepEqual(readies, [0], "the caller's hook runs after the resources are ensured");

  // A stream lost while the server was down (as with memory storage) is there again after the
  // restart: the hook ensures every namespace's resources after each ready.
  const nc = await connectNats(sup.clientConfig, silent, { maxReconnectAttempts: 0 });
  await (await jetstreamManager(nc)).streams.delete("extra-JOBS");
  await nc.close();
  assert.ok(!(await streamNames(sup)).includes("extra-JOBS"));
  Deno.kill(sup.pid()!, "SIGKILL");
  await until(() => readies.length === 2, "the restart's ready hook");
  assert.deepEqual(readies, [0, 1]);
  assert.deepEqual(await streamNames(sup), expected);
});
