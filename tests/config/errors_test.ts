/** Configuration errors point at their real origin: variable, flag, file line:col, version. */
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { MIN_NATS_SERVER_VERSION } from "../../src/config/nats_version.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { freePort } from "../helpers/ports.ts";

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

Deno.test("a bad OSAPI_* value names the variable, not the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/osapi.yaml`;
    await Deno.writeTextFile(file, "log:\n  level: info\n");
    const e = await configError(
      loadConfig({ file, env: { OSAPI_API_SERVER_PORT: "abc" }, searchPaths: [] }),
    );
    assert.match(e.message, /environment variable OSAPI_API_SERVER_PORT: api\.server\.port/);
    assert.match(e.message, /"abc"; expected an integer from 0 to 65535/);
    assert.doesNotMatch(e.message, new RegExp(`invalid ${file}`));
    const set = await configError(
      loadConfig({ noEnv: true, searchPaths: [], sets: ["api.server.port=abc"] }),
    );
    assert.match(set.message, /--set api\.server\.port: api\.server\.port: invalid value "abc"/);
    // an issue of the file itself still names the file
    await Deno.writeTextFile(file, "api:\n  server:\n    port: abc\n");
    const fromFile = await configError(loadConfig({ file, noEnv: true }));
    assert.match(fromFile.message, new RegExp(`invalid ${file}`));
    assert.doesNotMatch(fromFile.message, /environment variable/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a YAML error on line 3 is reported at line 3", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/bad.yaml`;
    // " port" is badly indented on line 3; the parser places the error on line 2's break
    await Deno.writeTextFile(file, "api:\n  server:\n port: 1\n");
    const e = await configError(loadConfig({ file, noEnv: true }));
    assert.match(e.message, new RegExp(`${file}:3:2: YAML syntax error`), e.message);
    await Deno.writeTextFile(file, "api:\r\n  server:\r\n port: 1\r\n");
    const crlf = await configError(loadConfig({ file, noEnv: true }));
    assert.match(crlf.message, new RegExp(`${file}:3:2: YAML syntax error`), crlf.message);
    await Deno.writeTextFile(file, "log:\n  level: info\n  level: debug\n");
    const dup = await configError(loadConfig({ file, noEnv: true }));
    assert.match(
      dup.message,
      new RegExp(`${file}:3:3: YAML syntax error: Map keys must be unique`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("nats.server.version older than 2.11 fails validation", async () => {
  const e = await configError(
    loadConfig({ noEnv: true, searchPaths: [], sets: ["nats.server.version=2.10.0"] }),
  );
  assert.match(e.message, /nats\.server\.version: "2\.10\.0" is too old/);
  assert.match(e.message, new RegExp(`${MIN_NATS_SERVER_VERSION.replaceAll(".", "\\.")} or newer`));
  for (const ok of ["2.11.0", "2.14.5", "3.0.0"]) {
    await loadConfig({ noEnv: true, searchPaths: [], sets: [`nats.server.version=${ok}`] });
  }
});

Deno.test("offline nats install says how to give a binary or a mirror", async () => {
  const closed = freePort(); // nothing listens there: the fetch fails like offline
  const r = await runOsapi(["nats", "install", "--force"], {
    env: { OSAPI_NATS_SERVER_DOWNLOAD_URL: `http://127.0.0.1:${closed}/releases` },
    cwd: "/",
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /installing nats-server v[\d.]+ failed: cannot reach/);
  assert.match(r.stderr, /nats\.server\.binary \(OSAPI_NATS_SERVER_BINARY\)/);
  assert.match(r.stderr, /on PATH/);
  assert.match(
    r.stderr,
    /nats\.server\.download_url \(OSAPI_NATS_SERVER_DOWNLOAD_URL\) at a mirror/,
  );
});

Deno.test("worker consumer settings outside their bounds name the key, the value and the range", async () => {
  const load = (set: string) =>
    configError(loadConfig({ noEnv: true, searchPaths: [], sets: [set] }));
  assert.match(
    (await load("job.worker.consumer.ack_wait=0s")).message,
    /job\.worker\.consumer\.ack_wait: 0s is not allowed; expected a duration from 100ms to 1d/,
  );
  assert.match(
    (await load("job.worker.consumer.ack_wait=25h")).message,
    /job\.worker\.consumer\.ack_wait: 1d1h is not allowed/,
  );
  assert.match(
    (await load("job.worker.consumer.max_deliver=5000")).message,
    /job\.worker\.consumer\.max_deliver.*"?5000"?.*expected an integer from 1 to 1000/,
  );
  assert.match(
    (await load("job.worker.consumer.max_ack_pending=0")).message,
    /job\.worker\.consumer\.max_ack_pending.*expected an integer from 1 to 1000000/,
  );
});
