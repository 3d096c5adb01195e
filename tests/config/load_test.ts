import assert from "node:assert/strict";
import { ConfigError, configFromRaw, loadConfig } from "../../src/config/load.ts";
import { initYaml, referenceTable, showYaml } from "../../src/config/write.ts";
import { parse } from "yaml";

async function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/osapi.yaml`;
    await Deno.writeTextFile(path, text);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("embedded default: every key has its default", async () => {
  const { config, source } = await loadConfig({ noEnv: true, searchPaths: [] });
  assert.deepEqual(source, { kind: "embedded" });
  assert.equal(config.nats.server.host, "127.0.0.1");
  assert.equal(config.nats.server.auth.type, "none");
  assert.equal(config.nats.stream.max_age, 24 * 3600 * 1000);
  assert.equal(config.nats.kv.max_bytes, 100 * 1024 * 1024);
  assert.deepEqual(config.job.worker.consumer.back_off, [30e3, 120e3, 300e3, 900e3, 1800e3]);
  assert.equal(config.api.server.nats.namespace, "osapi");
});

Deno.test("file, then OSAPI_* environment, then --set", async () => {
  await withFile(
    "nats:\n  server:\n    port: 5000\n    auth:\n      type: token\n      token: t\n",
    async (path) => {
      const { config } = await loadConfig({
        file: path,
        env: { OSAPI_NATS_SERVER_PORT: "6000", OSAPI_JOB_WORKER_MAX_JOBS: "3" },
        sets: ["job.worker.max_jobs=4", 'job.worker.labels={"group":"web.dev"}'],
      });
      assert.equal(config.nats.server.port, 6000);
      assert.equal(config.nats.server.auth.type, "token");
      assert.equal(config.job.worker.max_jobs, 4);
      assert.deepEqual(config.job.worker.labels, { group: "web.dev" });
    },
  );
});

Deno.test("environment: typed coercion of booleans, durations, lists", async () => {
  const { config, warnings } = await loadConfig({
    searchPaths: [],
    env: {
      OSAPI_NATS_SERVER_TLS_VERIFY: "true",
      OSAPI_NATS_SERVER_TLS_CA_FILE: "/ca.pem",
      OSAPI_NATS_SERVER_TLS_CERT_FILE: "/c.pem",
      OSAPI_NATS_SERVER_TLS_KEY_FILE: "/k.pem",
      OSAPI_NATS_KV_TTL: "2m",
      OSAPI_JOB_WORKER_CONSUMER_BACK_OFF: "1s, 500ms",
      OSAPI_NATS_SERVER_CLUSTER_ROUTES: "nats-route://a:6222,nats-route://b:6222",
    },
  });
  assert.equal(config.nats.server.tls.verify, true);
  assert.equal(config.nats.kv.ttl, 120_000);
  assert.deepEqual(config.job.worker.consumer.back_off, [1000, 500]);
  assert.equal(config.nats.server.cluster.routes.length, 2);
  assert.deepEqual(warnings, []);
});

Deno.test("an OSAPI_ variable that names no key is an error with did-you-mean", async () => {
  const e = await configError(
    loadConfig({ searchPaths: [], env: { OSAPI_NATS_SERVER_AUTH_TYP: "nkey", OSAPI_DEBUG: "1" } }),
  );
  assert.match(
    e.message,
    /environment variable OSAPI_NATS_SERVER_AUTH_TYP names no configuration key; did you mean OSAPI_NATS_SERVER_AUTH_TYPE\?/,
  );
  assert.doesNotMatch(e.message, /OSAPI_DEBUG/);
});

Deno.test("unknown key: error with did-you-mean", async () => {
  await withFile("nats:\n  server:\n    prot: 1\n", async (path) => {
    const e = await configError(loadConfig({ file: path, noEnv: true }));
    assert.match(e.message, /nats\.server\.prot: unknown key; did you mean "nats\.server\.port"\?/);
  });
});

Deno.test("YAML syntax error names line and column", async () => {
  await withFile("nats:\n  server:\n    port: [1\n", async (path) => {
    const e = await configError(loadConfig({ file: path, noEnv: true }));
    assert.match(e.message, new RegExp(`${path}:\\d+:\\d+: YAML syntax error`));
  });
});

Deno.test("wrong types name key, value and what is allowed", () => {
  const cases: [unknown, RegExp][] = [
    [
      { nats: { server: { port: "abc" } } },
      /nats\.server\.port: invalid value "abc"; expected an integer from 0 to 65535/,
    ],
    [{ nats: { server: { port: 70000 } } }, /nats\.server\.port: invalid value 70000/],
    [
      { nats: { stream: { max_age: "10 parsecs" } } },
      /nats\.stream\.max_age: invalid value "10 parsecs"; expected a duration such as 500ms/,
    ],
    [
      { nats: { stream: { max_age: 30 } } },
      /nats\.stream\.max_age: invalid value 30; expected a duration/,
    ],
    [
      { nats: { kv: { max_bytes: "lots" } } },
      /nats\.kv\.max_bytes: invalid value "lots"; expected a size/,
    ],
    [
      { nats: { server: { auth: { type: "kerberos" } } } },
      /nats\.server\.auth\.type: invalid value "kerberos"; expected one of "none", "token"/,
    ],
    [
      { api: { server: { nats: { namespace: "bad.ns" } } } },
      /api\.server\.nats\.namespace: invalid value "bad\.ns"; expected 1-32 characters/,
    ],
    [
      { job: { worker: { nats: { namespace: "x".repeat(33) } } } },
      /job\.worker\.nats\.namespace: invalid value/,
    ],
    [
      { nats: { server: { tls: { verify: "maybe" } } } },
      /nats\.server\.tls\.verify: invalid value "maybe"; expected true or false/,
    ],
    [
      { nats: { server: { auth: { users: "osapi" } } } },
      /nats\.server\.auth\.users: expected a list/,
    ],
    [
      { job: { worker: { labels: { group: "a b" } } } },
      /job\.worker\.labels\.group: invalid value "a b"/,
    ],
    [
      { nats: { server: { auth: { callout: { account: "AUTH }\nfoo: {" } } } } },
      /nats\.server\.auth\.callout\.account: invalid value "AUTH }\\nfoo: \{"; expected an account name/,
    ],
    [
      { job: { worker: { labels: { ["k".repeat(65)]: "v" } } } },
      /job\.worker\.labels: invalid label key "k{65}"; expected 1-64 characters/,
    ],
    [
      { nats: { server: { auth: { nkeys: ["not-a-key"] } } } },
      /nats\.server\.auth\.nkeys\[0\]\.public_key: invalid value "not-a-key"; expected a user public NKey/,
    ],
  ];
  for (const [raw, re] of cases) {
    assert.throws(() => configFromRaw(raw), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, re);
      return true;
    });
  }
});

Deno.test("secrets are masked in errors", () => {
  assert.throws(
    () => configFromRaw({ api: { server: { nats: { auth: { password: ["hunter2"] } } } } }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /api\.server\.nats\.auth\.password: invalid value "\*\*\*\*"/);
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    },
  );
});

Deno.test("cross-key checks", () => {
  const cases: [unknown, RegExp][] = [
    [
      { nats: { server: { auth: { type: "user_pass" } } } },
      /nats\.server\.auth\.users: at least one user is required/,
    ],
    [
      { nats: { server: { auth: { type: "token" } } } },
      /nats\.server\.auth\.token: required when nats\.server\.auth\.type is "token"/,
    ],
    [
      { api: { server: { nats: { auth: { type: "nkey" } } } } },
      /api\.server\.nats\.auth\.nkey_file: required/,
    ],
    [
      { job: { worker: { nats: { auth: { type: "user_pass", username: "u" } } } } },
      /job\.worker\.nats\.auth\.password: required/,
    ],
    [{ nats: { server: { http_port: 4222 } } }, /http_port: 4222 is also nats\.server\.port/],
    [
      { nats: { server: { tls: { cert_file: "/c" } } } },
      /cert_file and key_file must be given together/,
    ],
    [
      { api: { server: { security: { roles: { ops: { permissions: ["everything"] } } } } } },
      /roles\.ops\.permissions: unknown permission "everything"; allowed: system:read/,
    ],
  ];
  for (const [raw, re] of cases) {
    assert.throws(
      () => configFromRaw(raw),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  }
});

Deno.test("--set: unknown key and missing = are errors", async () => {
  const e = await configError(
    loadConfig({ noEnv: true, searchPaths: [], sets: ["nats.server.prot=1"] }),
  );
  assert.match(e.message, /did you mean "nats\.server\.port"/);
  const e2 = await configError(
    loadConfig({ noEnv: true, searchPaths: [], sets: ["nats.server.port"] }),
  );
  assert.match(e2.message, /expected key\.path=value/);
});

Deno.test("explicit file that does not exist", async () => {
  const e = await configError(loadConfig({ file: "/nonexistent/osapi.yaml", noEnv: true }));
  assert.match(e.message, /\/nonexistent\/osapi\.yaml: cannot read configuration: file not found/);
});

Deno.test("config init output parses back to the defaults", () => {
  const text = initYaml();
  assert.match(text, /# client port\n {4}port: 4222/);
  const fromInit = configFromRaw(parse(text));
  const defaults = configFromRaw({});
  assert.deepEqual(fromInit, defaults);
});

Deno.test("config show redacts secrets and round-trips the rest", () => {
  const config = configFromRaw({
    api: {
      server: {
        security: { signing_key: "supersecret" },
        nats: { auth: { type: "token", token: "tok" } },
      },
    },
  });
  const text = showYaml(config);
  assert.doesNotMatch(text, /supersecret|tok\b/);
  assert.match(text, /signing_key: "\*\*\*\*"/);
  assert.match(text, /max_age: 1d/);
});

Deno.test("reference table lists every key with its environment variable", () => {
  const table = referenceTable();
  assert.match(
    table,
    /\| `nats\.server\.auth\.type` \| `OSAPI_NATS_SERVER_AUTH_TYPE` \| `"none"` \|/,
  );
  assert.match(table, /\| `job\.worker\.consumer\.back_off` \|/);
});
