/**
 * `osapi api server start` as a real process: connects to a real nats-server, ensures the
 * resources, generates its signing key (0600) on first start, serves the API, accepts tokens
 * from `osapi token generate` with the same data_dir, and stops cleanly on SIGTERM.
 */
import assert from "node:assert/strict";
import { startNatsServer, waitHttpOk } from "../helpers/nats_server.ts";
import { runOsapi, spawnOsapi } from "../helpers/osapi.ts";
import { freePort } from "../helpers/ports.ts";

Deno.test("osapi api server start serves, uses the generated key, stops on SIGTERM", async () => {
  await using nats = await startNatsServer();
  const dir = await Deno.makeTempDir({ prefix: "osapi-api-start-" });
  const port = freePort();
  const sets = [
    "--set",
    `data_dir=${dir}/data`,
    "--set",
    `api.server.port=${port}`,
    "--set",
    `api.server.nats.urls=["${nats.url}"]`,
    "--set",
    "api.server.nats.namespace=startns",
  ];
  const child = spawnOsapi([...sets, "api", "server", "start"], { cwd: dir });
  const errText = child.stderr.pipeThrough(new TextDecoderStream());
  let stderr = "";
  const pump = (async () => {
    for await (const chunk of errText) stderr += chunk;
  })();
  await child.stdout.cancel();
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitHttpOk(`${url}/health/ready`, 30_000).catch((e) => {
      throw new Error(`${e.message}\n${stderr}`);
    });
    const keyFile = `${dir}/data/api/signing.key`;
    assert.equal((await Deno.stat(keyFile)).mode! & 0o777, 0o600);
    const gen = await runOsapi(
      [...sets, "token", "generate", "--roles", "read", "--subject", "probe"],
      { cwd: dir },
    );
    assert.equal(gen.code, 0, gen.stderr);
    const token = gen.stdout.trim();
    const status = await fetch(`${url}/health/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await status.json();
    assert.equal(status.status, 200, JSON.stringify(body));
    assert.ok(body.streams.some((s: { name: string }) => s.name === "startns-JOBS"));
    assert.ok(!stderr.includes(token), "token in the server log");
    const key = (await Deno.readTextFile(keyFile)).trim();
    assert.ok(!stderr.includes(key), "signing key in the server log");
    child.kill("SIGTERM");
    const exit = await child.status;
    assert.equal(exit.code, 0, stderr);
    await pump;
    assert.match(stderr, /API listening/);
    assert.match(stderr, /API stopped/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await pump.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
