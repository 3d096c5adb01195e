import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { configFromRaw } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { Logger } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { AdminIdentityError } from "../../src/server/admin_identity.ts";
import { authFragmentSource } from "../../src/nats_auth/auth_fragment.ts";
import {
  configPermissions,
  initOperator,
  namespaceCredsFile,
} from "../../src/nats_auth/operator_init.ts";
import { operatorDir } from "../../src/config/state_layout.ts";
import { PreflightError } from "../../src/server/check.ts";
import { type NatsSupervisor, SupervisorError } from "../../src/server/supervisor.ts";
// The supervisor as the composition root runs it: streams and buckets ensured on its ready hook.
import { startNats } from "../../src/runtime/nats.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";
import { spawnOsapi } from "../helpers/osapi.ts";
import { makeTestPki } from "../helpers/tls.ts";

type Raw = Record<string, unknown>;

/** A temp data dir, random ports and a capturing logger; removed on dispose. */
async function setup(server: Raw = {}, rest: Raw = {}) {
  const dir = await Deno.makeTempDir({ prefix: "osapi-supervisor-test-" });
  const [port, httpPort] = freePorts(2);
  const raw = {
    ...rest,
    data_dir: dir,
    nats: {
      ...(rest.nats as Raw ?? {}),
      server: { port, http_port: httpPort, restart_backoff: "100ms", ...server },
    },
  };
  const config = configFromRaw(raw);
  const lines: string[] = [];
  const log = new Logger("osapi", "debug", "text", (l) => lines.push(l));
  const binary = await natsServerBin();
  const started: NatsSupervisor[] = [];
  return {
    dir,
    port,
    httpPort,
    raw,
    config,
    lines,
    log,
    binary,
    async start(
      opts: {
        config?: Config;
        namespaces?: string[];
        onReady?: (n: number) => void;
        stopGrace?: number;
      } = {},
    ) {
      const sup = await startNats({
        config: opts.config ?? config,
        binary,
        log,
        namespaces: opts.namespaces,
        onReady: opts.onReady,
        stopGrace: opts.stopGrace ?? 5_000,
        authFragment: authFragmentSource(opts.config ?? config, log),
      });
      started.push(sup);
      return sup;
    },
    async [Symbol.asyncDispose]() {
      for (const s of started) await s.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function healthy(httpPort: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${httpPort}/healthz?js-enabled-only=true`);
    await r.body?.cancel();
    return r.ok;
  } catch {
    return false;
  }
}

async function processGone(pid: number): Promise<boolean> {
  try {
    await Deno.stat(`/proc/${pid}`);
    return false;
  } catch {
    return true;
  }
}

/** Waits until `check` holds (polling); fails with `what` after `ms`. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

Deno.test("start: ready with JetStream, config 0600, log lines forwarded, streams and buckets with every limit", async () => {
  await using t = await setup({ namespace: "main" }, {
    nats: {
      stream: { max_age: "2h", max_msgs: 123, max_bytes: "10MiB", discard: "new" },
      dlq: { max_age: "3d", max_msgs: 45, max_bytes: "1MiB" },
      kv: { ttl: "10m", max_bytes: "5MiB" },
      audit: { ttl: "48h", max_bytes: "2MiB" },
      registry: { ttl: "15s" },
    },
  });
  const sup = await t.start({ namespaces: ["extra"] });
  assert.ok(await healthy(t.httpPort));
  assert.equal((await Deno.stat(sup.configFile)).mode! & 0o777, 0o600);
  assert.equal(sup.configFile, `${t.dir}/nats/nats-server.conf`);
  assert.ok(t.lines.some((l) => /\[nats-server\] Server is ready/.test(l)), "forwarded logs");
  assert.ok(t.lines.some((l) => /INFO {2}\[nats-server\] Starting JetStream/.test(l)));

  const nc = await connectNats(sup.clientConfig, t.log, { maxReconnectAttempts: 0 });
  try {
    const jsm = await jetstreamManager(nc);
    for (const ns of ["main", "extra"]) {
      const jobs = (await jsm.streams.info(`${ns}-JOBS`)).config;
      assert.equal(jobs.max_age, 2 * 3600e9);
      assert.equal(jobs.max_msgs, 123);
      assert.equal(jobs.max_bytes, 10 * 1024 * 1024);
      assert.equal(jobs.num_replicas, 1);
      assert.equal(jobs.discard, "new");
      const dlq = (await jsm.streams.info(`${ns}-JOBS-DLQ`)).config;
      assert.equal(dlq.max_age, 3 * 86400e9);
      assert.equal(dlq.max_msgs, 45);
      assert.equal(dlq.max_bytes, 1024 * 1024);
      for (const b of ["job-queue", "job-responses"]) {
        const kv = (await jsm.streams.info(`KV_${ns}-${b}`)).config;
        assert.equal(kv.max_age, 600e9);
        assert.equal(kv.max_bytes, 5 * 1024 * 1024);
        assert.equal(kv.num_replicas, 1);
      }
      const audit = (await jsm.streams.info(`KV_${ns}-audit-log`)).config;
      assert.equal(audit.max_age, 48 * 3600e9);
      assert.equal(audit.max_bytes, 2 * 1024 * 1024);
      assert.equal((await jsm.streams.info(`KV_${ns}-worker-registry`)).config.max_age, 15e9);
    }
  } finally {
    await nc.close();
  }
});

Deno.test("kill -9 of nats-server: restarted and ready within 3 s; stop leaves no process", async () => {
  await using t = await setup();
  let readies = 0;
  const sup = await t.start({ onReady: () => readies++ });
  const first = sup.pid()!;
  const killed = Date.now();
  Deno.kill(first, "SIGKILL");
  await until(
    async () => readies === 2 && sup.pid() !== undefined && await healthy(t.httpPort),
    "the restart",
  );
  const took = Date.now() - killed;
  assert.ok(took < 3_000, `restarted and ready after ${took} ms`);
  assert.notEqual(sup.pid(), first);
  assert.equal(sup.restarts(), 1);
  assert.ok(t.lines.some((l) => /nats-server exited unexpectedly \(signal SIGKILL\)/.test(l)));
  // the streams are still there (file storage) and ensured again
  const nc = await connectNats(sup.clientConfig, t.log, { maxReconnectAttempts: 0 });
  assert.equal(
    (await (await jetstreamManager(nc)).streams.info("osapi-JOBS")).config.max_msgs,
    10000,
  );
  await nc.close();

  const second = sup.pid()!;
  await sup.stop();
  await sup.done;
  assert.ok(await processGone(second), "nats-server is gone after stop");
  assert.equal(await healthy(t.httpPort), false);
  assert.equal(sup.pid(), undefined);
});

Deno.test("a crash loop gives up after max_restarts with a clear error", async () => {
  await using t = await setup({ max_restarts: 2, restart_backoff: "300ms" });
  const sup = await t.start();
  Deno.kill(sup.pid()!, "SIGKILL");
  // take the client port: every restart now fails to listen and exits
  let squatter: Deno.Listener | undefined;
  await until(() => {
    try {
      squatter = Deno.listen({ hostname: "127.0.0.1", port: t.port });
      return true;
    } catch {
      return false;
    }
  }, "the client port");
  try {
    await assert.rejects(sup.done, (e: unknown) =>
      e instanceof SupervisorError &&
      /restarted 2 times within 60000 ms .*giving up/.test(e.message) &&
      /address already in use/.test(e.message));
    assert.equal(sup.pid(), undefined);
    assert.equal(sup.restarts(), 2);
  } finally {
    squatter?.close();
  }
});

Deno.test("preflight: a taken client, monitoring or cluster port is named", async () => {
  for (const which of ["client", "monitoring", "cluster"] as const) {
    const [clusterPort] = freePorts(1);
    await using t = await setup({
      cluster: { name: "c1", listen: `127.0.0.1:${clusterPort}` },
    });
    const port = which === "client" ? t.port : which === "monitoring" ? t.httpPort : clusterPort;
    const key = which === "client"
      ? "nats.server.port"
      : which === "monitoring"
      ? "nats.server.http_port"
      : "nats.server.cluster.listen";
    const l = Deno.listen({ hostname: "127.0.0.1", port });
    try {
      await assert.rejects(t.start(), (e: unknown) =>
        e instanceof PreflightError &&
        e.message === `${key}: port ${port} on 127.0.0.1 is already in use ` +
            "(another nats-server or program listens there); change it with " +
            `OSAPI_${key.toUpperCase().replaceAll(".", "_")}=<${
              which === "cluster" ? "host:port" : "port"
            }> or --set ${key}=<${which === "cluster" ? "host:port" : "port"}> ` +
            "(or in the configuration file)");
    } finally {
      l.close();
    }
  }
});

Deno.test("preflight: a store dir that cannot be written is named", async () => {
  await using t = await setup();
  await Deno.writeTextFile(`${t.dir}/not-a-dir`, "");
  const config = configFromRaw({
    ...t.raw,
    nats: { server: { ...(t.raw.nats.server), store_dir: `${t.dir}/not-a-dir/js` } },
  });
  await assert.rejects(t.start({ config }), (e: unknown) =>
    e instanceof PreflightError &&
    e.message.startsWith(
      `JetStream store directory ${t.dir}/not-a-dir/js (nats.server.store_dir) is not writable:`,
    ));
});

Deno.test("preflight: a rendered config that fails nats-server -t shows its message; nothing is spawned", async () => {
  // (missing certificate files are caught earlier by the certificate preflight)
  await using t = await setup({ server_name: "bad name" });
  await assert.rejects(
    t.start(),
    (e: unknown) =>
      e instanceof PreflightError && /fails `nats-server -t`/.test(e.message) &&
      /server name cannot contain spaces/.test(e.message),
  );
  assert.equal(await healthy(t.httpPort), false);
});

Deno.test("user_pass: the supervisor connects as its own admin nkey (0600, reused); refused logins are logged without the secret", async () => {
  await using t = await setup({
    auth: {
      type: "user_pass",
      users: [{ username: "w", password: "w-secret", role: "worker", namespace: "elsewhere" }],
    },
  });
  const sup = await t.start();
  assert.equal(sup.identity.kind, "nkey");
  assert.equal(sup.clientConfig.auth.type, "nkey");
  const seed = `${t.dir}/nats/admin.seed`;
  assert.equal(sup.clientConfig.auth.nkey_file, seed);
  assert.equal((await Deno.stat(seed)).mode! & 0o777, 0o600);
  // resources of nats.server.namespace exist although the only configured user may not create them
  const nc = await connectNats(sup.clientConfig, t.log, { maxReconnectAttempts: 0 });
  assert.equal(
    (await (await jetstreamManager(nc)).streams.info("osapi-JOBS")).config.name,
    "osapi-JOBS",
  );
  await nc.close();

  const wrong = configFromRaw({
    api: {
      server: {
        nats: {
          port: t.port,
          auth: { type: "user_pass", username: "w", password: "wrong-pw-4711" },
        },
      },
    },
  }).api.server.nats;
  await assert.rejects(
    connectNats(wrong, t.log, { maxReconnectAttempts: 0 }),
    /Authorization Violation/,
  );
  await until(
    () => t.lines.some((l) => /\[nats-server\].*authentication error/.test(l)),
    "the refused login in the log",
  );
  assert.ok(!t.lines.some((l) => l.includes("wrong-pw-4711") || l.includes("w-secret")));

  const publicKey = sup.identity.kind === "nkey" ? sup.identity.publicKey : "";
  await sup.stop();
  const again = await t.start();
  assert.equal(again.identity.kind === "nkey" && again.identity.publicKey, publicKey);
});

Deno.test("token: the supervisor presents the token; a bcrypt-hashed token is a clear error", async () => {
  await using t = await setup({ auth: { type: "token", token: "tok-123" } });
  const sup = await t.start();
  assert.equal(sup.clientConfig.auth.type, "token");
  const nc = await connectNats(sup.clientConfig, t.log, { maxReconnectAttempts: 0 });
  await nc.flush();
  await nc.close();
  assert.ok(!t.lines.some((l) => l.includes("tok-123")));
  await sup.stop();

  const hashed = configFromRaw({
    ...t.raw,
    nats: {
      server: {
        ...(t.raw.nats.server),
        auth: {
          type: "token",
          token: "$2a$11$W2zko4z4nZC5z6o7FPNbO.4qGOsQWiPCqQ3O0kJLKLQP5WtHLx4KW",
        },
      },
    },
  });
  await assert.rejects(
    t.start({ config: hashed }),
    (e: unknown) =>
      e instanceof AdminIdentityError &&
      /nats\.server\.auth\.token is a bcrypt hash/.test(e.message),
  );
});

Deno.test("stop with lame_duck set puts nats-server in lame duck mode first", async () => {
  await using t = await setup({ lame_duck: "30s" });
  const sup = await t.start();
  const pid = sup.pid()!;
  await sup.stop();
  assert.ok(t.lines.some((l) => /\[nats-server\] Entering lame duck mode/.test(l)));
  assert.ok(await processGone(pid));
});

/** Reads a child's stderr until `pattern` matches; returns the match. */
async function readUntil(
  child: Deno.ChildProcess,
  pattern: RegExp,
): Promise<{ match: RegExpExecArray; rest: Promise<string> }> {
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) assert.fail(`stderr ended before ${pattern}:\n${text}`);
    text += value;
    const match = pattern.exec(text);
    if (match) {
      const rest = (async () => {
        for (;;) {
          const r = await reader.read();
          if (r.done) return text;
          text += r.value;
        }
      })();
      return { match, rest };
    }
  }
}

Deno.test("osapi nats server start runs until SIGTERM or SIGINT and leaves no nats-server behind", async () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    await using t = await setup();
    const file = `${t.dir}/osapi.yaml`;
    await Deno.writeTextFile(
      file,
      `data_dir: ${t.dir}\nnats:\n  server:\n    binary: ${t.binary}\n    port: ${t.port}\n` +
        `    http_port: ${t.httpPort}\n`,
    );
    const child = spawnOsapi(["-f", file, "nats", "server", "start"]);
    const out = child.stdout.text();
    const { match, rest } = await readUntil(child, /nats-server ready pid=(\d+)/);
    const pid = Number(match[1]);
    assert.ok(await healthy(t.httpPort));
    child.kill(signal);
    const status = await child.status;
    const stderr = await rest;
    await out;
    assert.equal(status.code, 0, stderr);
    assert.match(stderr, new RegExp(`received ${signal}; stopping`));
    assert.ok(await processGone(pid), `nats-server ${pid} is gone after ${signal}`);
  }
});

Deno.test("operator mode: the supervisor uses each namespace account's admin creds; accounts stay apart", async () => {
  await using t = await setup({ auth: { type: "operator", operator: { resolver: "memory" } } });
  const dir = operatorDir(t.config);
  await assert.rejects(
    t.start(),
    (e: unknown) => e instanceof AdminIdentityError && /osapi nats operator init/.test(e.message),
  );
  await initOperator({
    dir,
    namespaces: ["osapi", "extra"],
    resolver: "memory",
    permissions: configPermissions(t.config),
  });
  const sup = await t.start({ namespaces: ["extra"] });
  assert.equal(sup.identity.kind, "creds");
  const api = (ns: string) =>
    configFromRaw({
      api: {
        server: {
          nats: {
            port: t.port,
            namespace: ns,
            auth: { type: "creds", creds_file: namespaceCredsFile(dir, ns, "api") },
          },
        },
      },
    }).api.server.nats;
  const a = await connectNats(api("osapi"), t.log, { maxReconnectAttempts: 0 });
  const b = await connectNats(api("extra"), t.log, { maxReconnectAttempts: 0 });
  try {
    assert.equal(
      (await (await jetstreamManager(a)).streams.info("osapi-JOBS")).config.name,
      "osapi-JOBS",
    );
    assert.equal(
      (await (await jetstreamManager(b)).streams.info("extra-JOBS")).config.name,
      "extra-JOBS",
    );
    await assert.rejects(
      (await jetstreamManager(a, { checkAPI: false })).streams.info("extra-JOBS"),
    );
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("callout mode: the supervisor's admin nkey is an auth user of the target account", async () => {
  await using t = await setup({ auth: { type: "callout" } });
  const sup = await t.start();
  assert.equal(sup.identity.kind, "nkey");
  const conf = await Deno.readTextFile(sup.configFile);
  assert.match(conf, /auth_callout \{/);
  assert.ok(sup.identity.kind === "nkey" && conf.includes(sup.identity.publicKey));
  const nc = await connectNats(sup.clientConfig, t.log, { maxReconnectAttempts: 0 });
  assert.equal(
    (await (await jetstreamManager(nc)).streams.info("osapi-JOBS")).config.name,
    "osapi-JOBS",
  );
  await nc.close();
});

Deno.test("mTLS: the supervisor's own connection presents the server certificate and ensures resources", async () => {
  await using t = await setup();
  const pki = await makeTestPki(t.dir);
  const config = configFromRaw({
    ...t.raw,
    nats: {
      server: {
        ...(t.raw.nats.server),
        tls: { cert_file: pki.serverCert, key_file: pki.serverKey, ca_file: pki.ca, verify: true },
      },
    },
  });
  const sup = await t.start({ config });
  assert.deepEqual(sup.clientConfig.tls, {
    ca_file: pki.ca,
    cert_file: pki.serverCert,
    key_file: pki.serverKey,
  });
  const nc = await connectNats(sup.clientConfig, t.log, { maxReconnectAttempts: 0 });
  assert.equal(nc.info?.tls_required, true);
  assert.equal(
    (await (await jetstreamManager(nc)).streams.info("osapi-JOBS")).config.name,
    "osapi-JOBS",
  );
  await nc.close();
});

Deno.test("stop escalates to SIGKILL when nats-server does not exit within the grace period", async () => {
  await using t = await setup();
  const sup = await t.start({ stopGrace: 300 });
  const pid = sup.pid()!;
  Deno.kill(pid, "SIGSTOP"); // a hung server: SIGTERM stays pending
  await sup.stop();
  assert.ok(t.lines.some((l) => /nats-server did not stop in time; killing it/.test(l)));
  assert.ok(await processGone(pid));
});
