/** A taken port names its key and how to override it (variable and --set), for NATS and API. */
import assert from "node:assert/strict";
import { runOsapi } from "../helpers/osapi.ts";
import { freePorts } from "../helpers/ports.ts";
import { serveEnv } from "../helpers/serve.ts";

async function serveWithHeldPort(which: "nats" | "api") {
  const dir = await Deno.makeTempDir({ prefix: "osapi-port-test-" });
  const [natsPort, httpPort, apiPort] = freePorts(3);
  const held = Deno.listen({ hostname: "127.0.0.1", port: which === "nats" ? natsPort : apiPort });
  try {
    return await runOsapi(["serve"], {
      cwd: dir,
      env: await serveEnv(dir, [natsPort, httpPort, apiPort]),
    });
  } finally {
    held.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("serve: NATS client port in use names OSAPI_NATS_SERVER_PORT and --set", async () => {
  const r = await serveWithHeldPort("nats");
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /nats\.server\.port: port \d+ on 127\.0\.0\.1 is already in use/);
  assert.match(r.stderr, /OSAPI_NATS_SERVER_PORT=<port>/);
  assert.match(r.stderr, /--set nats\.server\.port=<port>/);
});

Deno.test("serve: API port in use names OSAPI_API_SERVER_PORT and --set", async () => {
  const r = await serveWithHeldPort("api");
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /api\.server\.port: port \d+ is already in use/);
  assert.match(r.stderr, /OSAPI_API_SERVER_PORT=<port>/);
  assert.match(r.stderr, /--set api\.server\.port=<port>/);
});
