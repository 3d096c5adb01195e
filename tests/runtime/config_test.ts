/** `serve`'s configuration overrides: every component pointed at the local supervised server. */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { configFromRaw } from "../../src/config/load.ts";
import { checkComponentAuth, localConfig } from "../../src/runtime/config.ts";

const client = (user: string, namespace: string) => ({
  urls: ["nats://nats.example.com:4222"],
  namespace,
  auth: { type: "user_pass", username: user, password: `${user}-pw` },
  tls: { ca_file: `/etc/osapi/${user}-ca.pem` },
});

Deno.test("localConfig points the API, worker and callout clients at the local server, keeping their own credentials", () => {
  const config = configFromRaw({
    nats: {
      server: {
        host: "0.0.0.0",
        port: 14222,
        auth: { type: "callout", callout: { nats: client("callout", "cns") } },
      },
    },
    api: { server: { nats: client("api", "ans"), port: 9999 } },
    job: { worker: { nats: client("worker", "wns"), hostname: "h1", max_jobs: 7 } },
  });
  const before = structuredClone(config);
  const local = localConfig(config);
  const clients = [
    ["api", local.api.server.nats, "ans"],
    ["worker", local.job.worker.nats, "wns"],
    ["callout", local.nats.server.auth.callout.nats, "cns"],
  ] as const;
  for (const [user, nats, ns] of clients) {
    assert.equal(nats.host, "127.0.0.1", user); // a wildcard listen address: loopback
    assert.equal(nats.port, 14222, user);
    assert.deepEqual(nats.urls, [], user);
    assert.equal(nats.namespace, ns, user);
    assert.equal(nats.auth.username, user);
    assert.equal(nats.auth.password, `${user}-pw`);
    assert.equal(nats.tls.ca_file, `/etc/osapi/${user}-ca.pem`);
  }
  // everything else is kept
  assert.equal(local.api.server.port, 9999);
  assert.equal(local.job.worker.hostname, "h1");
  assert.equal(local.job.worker.max_jobs, 7);
  assert.equal(local.nats.server.auth.type, "callout");
  assert.deepEqual(local.nats.server.auth.callout.users, config.nats.server.auth.callout.users);
  assert.deepEqual(local.nats.stream, config.nats.stream);
  // the input is not changed
  assert.deepEqual(config, before);
});

Deno.test("checkComponentAuth: a component without credentials under server auth is a ConfigError naming it", () => {
  assert.doesNotThrow(() => checkComponentAuth(configFromRaw({})));
  const config = configFromRaw({
    nats: { server: { auth: { type: "token", token: "t0ken-value" } } },
    job: { worker: { nats: { auth: { type: "token", token: "t0ken-value" } } } },
  });
  assert.throws(() => checkComponentAuth(config), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.issues.map((i) => i.path), ["api.server.nats.auth.type"]);
    assert.match(
      e.message,
      /api\.server\.nats\.auth\.type is "none" but nats\.server\.auth\.type is "token"/,
    );
    assert.doesNotMatch(e.message, /t0ken-value/);
    return true;
  });
});
