/**
 * `serve`'s composition in process, with a real nats-server: every part starts connected to the
 * supervised server, the streams of the API's and the worker's namespaces are ensured on the
 * supervisor's ready hook — again after nats-server is killed and restarted — and stop ends all.
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { configFromRaw } from "../../src/config/load.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { startServe } from "../../src/runtime/serve.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";

Deno.test("startServe: parts on the local server, streams ensured on the ready hook and after a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-runtime-serve-" });
  const [natsPort, httpPort, apiPort] = freePorts(3);
  const config = configFromRaw({
    data_dir: dir,
    nats: { server: { port: natsPort, http_port: httpPort, restart_backoff: "100ms" } },
    // The configured addresses point elsewhere: serve connects every part to its own server.
    api: {
      server: {
        host: "127.0.0.1",
        port: apiPort,
        nats: { urls: ["nats://192.0.2.1:4222"], namespace: "apins" },
      },
    },
    job: {
      worker: {
        hostname: "serve-host",
        nats: { urls: ["nats://192.0.2.1:4222"], namespace: "wns" },
      },
    },
  });
  const serve = await startServe(config, silent, {}, { binary: await natsServerBin() });
  try {
    const { supervisor, api, worker, adminToken } = serve.parts;
    assert.ok(supervisor && api && worker && adminToken);
    assert.equal(worker.hostname, "serve-host");
    assert.equal(adminToken.created, true);
    const ready = await fetch(`${api.server.url}/health/ready`);
    assert.equal(ready.status, 200, await ready.text());

    const nc = await connectNats(supervisor.clientConfig, silent);
    try {
      const jsm = await jetstreamManager(nc);
      const names = async () => (await jsm.streams.names().next()).sort();
      for (const s of ["osapi-JOBS", "apins-JOBS", "wns-JOBS", "wns-JOBS-DLQ"]) {
        assert.ok((await names()).includes(s), s);
      }
      // Lost while running: only the ready hook of the restart brings it back (the API and
      // the worker do not create streams on reconnect).
      await jsm.streams.delete("wns-JOBS-DLQ");
      Deno.kill(supervisor.pid()!, "SIGKILL");
      const deadline = Date.now() + 20_000;
      while (!(await names().catch((): string[] => [])).includes("wns-JOBS-DLQ")) {
        if (Date.now() > deadline) assert.fail("the DLQ stream was not ensured after the restart");
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(supervisor.restarts(), 1);
    } finally {
      await nc.close();
    }
  } finally {
    await serve.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  assert.equal(serve.parts.supervisor!.pid(), undefined);
});
