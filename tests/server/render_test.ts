import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { createUser, type KeyPair } from "@nats-io/nkeys";
import { jetstreamManager } from "@nats-io/jetstream";
import { ConfigError, configFromRaw } from "../../src/config/load.ts";
import { writeSecretFile } from "../../src/config/paths.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { silent } from "../../src/log.ts";
import { checkConfigFile, PreflightError } from "../../src/server/check.ts";
import { isBcryptHash, quote, RenderError } from "../../src/nats_conf/conf_text.ts";
import { renderServerConfig } from "../../src/server/render.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { makeTestPki } from "../helpers/tls.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { startRenderedServer, Violations } from "../helpers/rendered_server.ts";

const ADMIN = createUser().getPublicKey();
const HASH = "$2a$11$W2zko4z4nZC5z6o7FPNbO.4qGOsQWiPCqQ3O0kJLKLQP5WtHLx4KW";

/** Writes `text` to a temp file and runs `nats-server -t` on it. */
async function natsTest(text: string): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "osapi-render-test-" });
  try {
    await Deno.writeTextFile(`${dir}/nats-server.conf`, text);
    await checkConfigFile(await natsServerBin(), `${dir}/nats-server.conf`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function refused(p: Promise<{ close(): Promise<void> }>): Promise<string> {
  try {
    const nc = await p;
    await nc.close();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("the connection should have been refused");
}

/** Asserts that a worker cannot submit jobs (Permissions Violation) and an api user can. */
async function assertJobSubmitFence(
  rs: Awaited<ReturnType<typeof startRenderedServer>>,
  api: Parameters<typeof connectNats>[0],
  worker: Parameters<typeof connectNats>[0],
): Promise<void> {
  const router = routerFor(rs.config, rs.config.nats.server.namespace);
  const admin = await connectNats(rs.admin, silent, { maxReconnectAttempts: 0 });
  const a = await connectNats(api, silent, { maxReconnectAttempts: 0 });
  const w = await connectNats(worker, silent, { maxReconnectAttempts: 0 });
  try {
    await ensureResources(admin, rs.config, router, silent);
    const subject = router.job("query", { type: "any" });
    const wv = new Violations(w);
    assert.match((await wv.publish(subject))!, /Permissions Violation for Publish/);
    assert.equal(await new Violations(a).publish(subject), undefined);
    const jsm = await jetstreamManager(admin);
    assert.equal((await jsm.streams.info(router.stream)).state.messages, 1, "only the api's job");
  } finally {
    for (const nc of [w, a, admin]) await nc.close();
  }
}

Deno.test("quote escapes quotes, backslashes and control characters", () => {
  assert.equal(quote("plain"), '"plain"');
  assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quote("l1\nl2\r\t"), '"l1\\nl2\\r\\t"');
  assert.equal(quote("\x00\x1b\x7f"), '"\\x00\\x1b\\x7f"');
  assert.equal(quote("$2a$11$x ü"), '"$2a$11$x ü"');
  assert.ok(!quote("x\ny").includes("\n"));
});

Deno.test("none: listen, monitoring, server name and JetStream with limits; passes nats-server -t", async () => {
  const config = configFromRaw({
    data_dir: "/var/lib/osapi",
    nats: {
      server: {
        host: "0.0.0.0",
        port: 4333,
        http_port: 8333,
        server_name: "node-1",
        max_memory: "64MiB",
        max_file: "1GiB",
        lame_duck: "30s",
      },
    },
  });
  const { text, notices } = await renderServerConfig(config);
  assert.deepEqual(notices, []);
  assert.match(text, /^server_name: "node-1"$/m);
  assert.match(text, /^host: "0\.0\.0\.0"$/m);
  assert.match(text, /^port: 4333$/m);
  assert.match(text, /^http: "0\.0\.0\.0:8333"$/m);
  assert.match(text, /^lame_duck_duration: "30s"$/m);
  assert.match(text, /store_dir: "\/var\/lib\/osapi\/jetstream"/);
  assert.match(text, /max_memory_store: 67108864/);
  assert.match(text, /max_file_store: 1073741824/);
  assert.doesNotMatch(text, /authorization/);
  await natsTest(text);

  const plain = await renderServerConfig(configFromRaw({ nats: { server: { http_port: 0 } } }));
  assert.doesNotMatch(plain.text, /max_memory_store|max_file_store|^http:|lame_duck/m);
  assert.match(
    (await renderServerConfig(configFromRaw({ nats: { server: { host: "::" } } }))).text,
    /^http: "\[::\]:8222"$/m,
  );
});

Deno.test("none: a client without credentials connects to the rendered server", async () => {
  await using rs = await startRenderedServer({});
  const nc = await connectNats(rs.client({ type: "none" }), silent, { maxReconnectAttempts: 0 });
  await nc.flush();
  await nc.close();
});

Deno.test("token: stored bcrypt-hashed, right token connects, wrong token refused", async () => {
  await using rs = await startRenderedServer({
    nats: { server: { auth: { type: "token", token: "t0ken-s3cret", timeout: "1500ms" } } },
  });
  assert.doesNotMatch(rs.text, /t0ken-s3cret/);
  const m = /token: "([^"]+)"/.exec(rs.text);
  assert.ok(m && isBcryptHash(m[1]) && bcrypt.compareSync("t0ken-s3cret", m[1]));
  assert.match(rs.text, /timeout: 1\.5/);
  assert.equal(rs.notices.length, 1);
  assert.match(rs.notices[0], /nats\.server\.auth\.token is plaintext/);
  assert.doesNotMatch(rs.notices[0], /t0ken-s3cret/);
  await natsTest(rs.text.replaceAll("{{DIR}}", "/tmp"));
  const nc = await connectNats(rs.client({ type: "token", token: "t0ken-s3cret" }), silent);
  await nc.flush();
  await nc.close();
  assert.match(
    await refused(
      connectNats(rs.client({ type: "token", token: "wrong" }), silent, {
        maxReconnectAttempts: 0,
      }),
    ),
    /Authorization Violation/,
  );
});

Deno.test("user_pass: plaintext hashed (one notice), hashes kept and quoted, roles enforced", async () => {
  const users = [
    { username: "api", password: "api-pw", role: "api" },
    { username: "worker", password: "worker-pw", role: "worker" },
    { username: "hashed", password: HASH, role: "component" },
  ];
  await using rs = await startRenderedServer({
    nats: { server: { namespace: "ns1", auth: { type: "user_pass", users } } },
  });
  assert.doesNotMatch(rs.text, /api-pw|worker-pw/);
  const hashes = [...rs.text.matchAll(/^\s*password: (.*)$/gm)].map((m) => m[1]);
  assert.equal(hashes.length, 3);
  for (const h of hashes) assert.match(h, /^"\$2[ab]\$\d\d\$.{53}"$/, "always quoted hashes");
  assert.equal(hashes[2], `"${HASH}"`, "an existing hash is kept");
  assert.ok(bcrypt.compareSync("api-pw", JSON.parse(hashes[0])));
  assert.equal(rs.notices.length, 1);
  assert.match(
    rs.notices[0],
    /nats\.server\.auth\.users\[0\]\.password, nats\.server\.auth\.users\[1\]\.password are plaintext/,
  );
  assert.doesNotMatch(rs.notices.join(), /api-pw|worker-pw/);
  assert.match(rs.text, new RegExp(`nkey: "${"U[A-Z2-7]{55}"}"`), "the admin user is rendered");
  await natsTest(rs.text.replaceAll("{{DIR}}", "/tmp"));

  const api = rs.client({ type: "user_pass", username: "api", password: "api-pw" }, "ns1");
  const worker = rs.client({ type: "user_pass", username: "worker", password: "worker-pw" }, "ns1");
  assert.match(
    await refused(
      connectNats(rs.client({ type: "user_pass", username: "api", password: "nope" }), silent, {
        maxReconnectAttempts: 0,
      }),
    ),
    /Authorization Violation/,
  );
  await assertJobSubmitFence(rs, api, worker);
});

Deno.test("nkey: users by public key with roles; right seed connects, unknown key refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-render-nkeys-" });
  try {
    const seedFile = async (name: string, k: KeyPair) => {
      const path = `${dir}/${name}.seed`;
      await writeSecretFile(path, new TextDecoder().decode(k.getSeed()) + "\n");
      return path;
    };
    const [apiKey, workerKey, stranger] = [createUser(), createUser(), createUser()];
    await using rs = await startRenderedServer({
      nats: {
        server: {
          auth: {
            type: "nkey",
            nkeys: [
              { public_key: apiKey.getPublicKey(), role: "api" },
              { public_key: workerKey.getPublicKey(), role: "worker" },
            ],
          },
        },
      },
    });
    assert.deepEqual(rs.notices, []);
    await natsTest(rs.text.replaceAll("{{DIR}}", "/tmp"));
    const api = rs.client({ type: "nkey", nkey_file: await seedFile("api", apiKey) });
    const worker = rs.client({ type: "nkey", nkey_file: await seedFile("worker", workerKey) });
    assert.match(
      await refused(
        connectNats(
          rs.client({ type: "nkey", nkey_file: await seedFile("x", stranger) }),
          silent,
          { maxReconnectAttempts: 0 },
        ),
      ),
      /Authorization Violation/,
    );
    await assertJobSubmitFence(rs, api, worker);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no injection through configuration values: a hostile user name stays one quoted value", async () => {
  const evil = 'ev"il\\\n}\nauthorization { token: "x" }\n# ]';
  await using rs = await startRenderedServer({
    nats: {
      server: {
        auth: { type: "user_pass", users: [{ username: evil, password: 'p"w\n', role: "api" }] },
      },
    },
  });
  assert.equal(rs.text.match(/^authorization \{$/gm)?.length, 1);
  const nc = await connectNats(
    rs.client({ type: "user_pass", username: evil, password: 'p"w\n' }),
    silent,
    { maxReconnectAttempts: 0 },
  );
  await nc.flush();
  await nc.close();
  assert.match(
    await refused(
      connectNats(rs.client({ type: "token", token: "x" }), silent, { maxReconnectAttempts: 0 }),
    ),
    /Authorization Violation/,
  );
});

Deno.test("TLS with verify and a cluster block render and pass nats-server -t; mTLS client connects", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-render-tls-" });
  try {
    const pki = await makeTestPki(dir);
    const tls = {
      cert_file: pki.serverCert,
      key_file: pki.serverKey,
      ca_file: pki.ca,
      verify: true,
      timeout: "3s",
    };
    const clustered = configFromRaw({
      data_dir: dir,
      nats: {
        server: {
          tls,
          cluster: {
            name: "c1",
            listen: "127.0.0.1:6333",
            routes: ["nats-route://127.0.0.1:6334"],
          },
        },
      },
    });
    const { text } = await renderServerConfig(clustered);
    assert.match(
      text,
      /tls \{\n\s+cert_file: "[^"]+server\.pem"\n\s+key_file: .*\n\s+ca_file: .*\n\s+verify: true\n\s+timeout: 3\n\}/,
    );
    assert.match(
      text,
      /cluster \{\n\s+name: "c1"\n\s+listen: "127\.0\.0\.1:6333"\n\s+routes: \[\n\s+"nats-route:\/\/127\.0\.0\.1:6334"\n\s+\]/,
    );
    await natsTest(text);
    await using rs = await startRenderedServer({ nats: { server: { tls } } });
    const mtls = {
      ca_file: `${dir}/ca.pem`,
      cert_file: `${dir}/client.pem`,
      key_file: `${dir}/client.key`,
    };
    const nc = await connectNats(
      configFromRaw({ api: { server: { nats: { port: rs.server.port, tls: mtls } } } }).api.server
        .nats,
      silent,
      { maxReconnectAttempts: 0 },
    );
    await nc.flush();
    await nc.close();
    const noCert = configFromRaw({
      api: { server: { nats: { port: rs.server.port, tls: { ca_file: `${dir}/ca.pem` } } } },
    }).api.server.nats;
    await refused(connectNats(noCert, silent, { maxReconnectAttempts: 0, timeout: 2_000 }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("render errors name the key: missing admin identity, duplicate users, operator without fragment", async () => {
  const userPass = configFromRaw({
    nats: {
      server: {
        auth: {
          type: "user_pass",
          users: [{ username: "a", password: "x" }, { username: "a", password: "y" }],
        },
      },
    },
  });
  await assert.rejects(
    renderServerConfig(userPass),
    (e: unknown) => e instanceof RenderError && /admin identity/.test(e.message),
  );
  await assert.rejects(
    renderServerConfig(userPass, { adminPublicKey: ADMIN, bcryptCost: 4 }),
    (e: unknown) =>
      e instanceof RenderError &&
      /nats\.server\.auth\.users\[1\]\.username: user name "a" is also nats\.server\.auth\.users\[0\]\.username/
        .test(e.message) &&
      !/"x"|"y"/.test(e.message),
  );
  const operator = configFromRaw({ nats: { server: { auth: { type: "operator" } } } });
  await assert.rejects(
    renderServerConfig(operator),
    (e: unknown) => e instanceof RenderError && /nats\.server\.auth\.type operator/.test(e.message),
  );
  const withFragment = await renderServerConfig(operator, {
    authFragment: "operator: /x/op.jwt\nresolver: MEMORY",
  });
  assert.match(withFragment.text, /^operator: \/x\/op\.jwt\nresolver: MEMORY$/m);
});

Deno.test("a lame duck below nats-server's 30 s minimum is a configuration error naming the key", () => {
  assert.throws(
    () => configFromRaw({ nats: { server: { lame_duck: "5s" } } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /nats\.server\.lame_duck: invalid value "5s"; expected 0s \(off\) or at least 30s/.test(
        e.message,
      ),
  );
});

Deno.test("a rendered file nats-server rejects fails the check with nats-server's message", async () => {
  const config = configFromRaw({
    nats: { server: { tls: { cert_file: "/nonexistent/cert.pem", key_file: "/nonexistent/k" } } },
  });
  const { text } = await renderServerConfig(config);
  await assert.rejects(
    natsTest(text),
    (e: unknown) =>
      e instanceof PreflightError && /fails `nats-server -t`/.test(e.message) &&
      /\/nonexistent\/cert\.pem: no such file or directory/.test(e.message),
  );
});

Deno.test("osapi nats config prints the rendered file with hashes only; --check runs nats-server -t", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-nats-config-cli-" });
  try {
    const file = `${dir}/osapi.yaml`;
    await Deno.writeTextFile(
      file,
      [
        `data_dir: ${dir}/data`,
        "nats:",
        "  server:",
        `    binary: ${await natsServerBin()}`,
        "    auth:",
        "      type: user_pass",
        "      users:",
        "        - username: api",
        "          password: very-secret-pw",
        "          role: api",
      ].join("\n") + "\n",
    );
    const r = await runOsapi(["-f", file, "nats", "config", "--check"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^authorization \{$/m);
    assert.match(r.stdout, /password: "\$2b\$11\$/);
    assert.doesNotMatch(r.stdout + r.stderr, /very-secret-pw/);
    assert.match(r.stderr, /nats\.server\.auth\.users\[0\]\.password is plaintext/);
    assert.match(r.stderr, /passes nats-server -t/);
    const seed = await Deno.stat(`${dir}/data/nats/admin.seed`);
    assert.equal(seed.mode! & 0o777, 0o600);
    // the same admin identity on the next render
    const again = await runOsapi(["-f", file, "nats", "config"]);
    const key = (t: string) => /nkey: "(U[A-Z2-7]{55})"/.exec(t)?.[1];
    assert.ok(key(r.stdout));
    assert.equal(key(again.stdout), key(r.stdout));

    await Deno.writeTextFile(
      file,
      `data_dir: ${dir}/data\nnats:\n  server:\n    auth:\n      type: token\n      token: '${HASH}'\n`,
    );
    const hashed = await runOsapi(["-f", file, "nats", "config"]);
    assert.equal(hashed.code, 2);
    assert.match(hashed.stderr, /nats\.server\.auth\.token is a bcrypt hash/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
