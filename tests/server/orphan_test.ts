import assert from "node:assert/strict";
import { natsServerBin, waitHttpOk } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";
import { MAIN } from "../helpers/osapi.ts";
import { pidsWith } from "../helpers/serve.ts";

Deno.test("a nats-server orphaned by a killed osapi is stopped by the next start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-orphan-" });
  const [port, httpPort] = freePorts(2);
  const env = {
    XDG_DATA_HOME: dir,
    OSAPI_NATS_SERVER_BINARY: await natsServerBin(),
    OSAPI_NATS_SERVER_PORT: String(port),
    OSAPI_NATS_SERVER_HTTP_PORT: String(httpPort),
  };
  const conf = `${dir}/osapi/nats/nats-server.conf`;
  const ready = `http://127.0.0.1:${httpPort}/healthz?js-enabled-only=true`;
  // Output goes to a file, not a pipe: an orphaned nats-server must not hold the test's pipes.
  let runs = 0;
  const start = () => {
    const log = `${dir}/osapi-${++runs}.log`;
    const child = new Deno.Command("sh", {
      args: [
        "-c",
        'exec "$0" run -A "$1" nats server start >"$2" 2>&1',
        Deno.execPath(),
        MAIN,
        log,
      ],
      env: { NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const text = () => {
      try {
        return Deno.readTextFileSync(log);
      } catch {
        return "";
      }
    };
    return { child, close: () => Promise.resolve(), text };
  };
  try {
    const first = start();
    await waitHttpOk(ready, 30_000);
    const [orphan] = await pidsWith(conf);
    assert.ok(orphan, "nats-server runs");
    first.child.kill("SIGKILL");
    await first.child.status;
    await first.close();
    assert.deepEqual(await pidsWith(conf), [orphan], "SIGKILL of osapi leaves its nats-server");

    const second = start();
    try {
      const deadline = Date.now() + 30_000;
      let pids: number[] = [];
      while (Date.now() < deadline) {
        pids = await pidsWith(conf);
        if (pids.length === 1 && pids[0] !== orphan) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(pids.length, 1, second.text());
      assert.notEqual(pids[0], orphan, "the orphan was replaced");
      await waitHttpOk(ready, 30_000);
      assert.match(second.text(), /stopping a nats-server left behind by a previous osapi/);
    } finally {
      second.child.kill("SIGTERM");
      assert.equal((await second.child.status).code, 0);
      await second.close();
    }
    assert.deepEqual(await pidsWith(conf), []);
    await assert.rejects(Deno.stat(`${dir}/osapi/nats/nats-server.pid`), Deno.errors.NotFound);
  } finally {
    for (const pid of await pidsWith(conf)) Deno.kill(pid, "SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});
