import assert from "node:assert/strict";
import { createUser } from "@nats-io/nkeys";
import { buildAuthOptions, certificateUser, NatsAuthError } from "../../src/nats/auth_options.ts";
import { credentialId } from "../../src/nats/credential_id.ts";
import { makeTestPki, signCertificate } from "../helpers/tls.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { configFromRaw } from "../../src/config/load.ts";
import type { NatsClientConfig } from "../../src/config/schema.ts";
import { silent } from "../../src/log.ts";
import { startNatsServer } from "../helpers/nats_server.ts";

function client(
  port: number,
  auth: Record<string, unknown>,
  tls: Record<string, unknown> = {},
): NatsClientConfig {
  return configFromRaw({ api: { server: { nats: { host: "127.0.0.1", port, auth, tls } } } }).api
    .server.nats;
}

async function refused(nats: NatsClientConfig): Promise<string> {
  try {
    const nc = await connectNats(nats, silent, { maxReconnectAttempts: 0 });
    await nc.close();
  } catch (e) {
    return String((e as Error).message);
  }
  assert.fail("connection should have been refused");
}

Deno.test("token: right token connects, wrong token refused", async () => {
  await using s = await startNatsServer({
    config: 'authorization { token: "s3cret-token" }',
    jetstream: false,
  });
  const nc = await connectNats(client(s.port, { type: "token", token: "s3cret-token" }), silent);
  await nc.flush();
  await nc.close();
  assert.match(
    await refused(client(s.port, { type: "token", token: "wrong" })),
    /Authorization Violation/i,
  );
});

Deno.test("user_pass: right password connects, wrong password refused", async () => {
  await using s = await startNatsServer({
    config: 'authorization { users: [ { user: "osapi", password: "pw-1" } ] }',
    jetstream: false,
  });
  const nc = await connectNats(
    client(s.port, { type: "user_pass", username: "osapi", password: "pw-1" }),
    silent,
  );
  await nc.close();
  const msg = await refused(
    client(s.port, { type: "user_pass", username: "osapi", password: "nope" }),
  );
  assert.match(msg, /Authorization Violation/i);
  assert.doesNotMatch(msg, /nope/);
});

Deno.test("nkey: seed file connects, another key is refused, loose file mode warns", async () => {
  const user = createUser();
  const other = createUser();
  await using s = await startNatsServer({
    config: `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`,
    jetstream: false,
  });
  const dir = await Deno.makeTempDir();
  try {
    const seedFile = `${dir}/user.seed`;
    await Deno.writeFile(seedFile, user.getSeed(), { mode: 0o600 });
    await Deno.chmod(seedFile, 0o600);
    const good = client(s.port, { type: "nkey", nkey_file: seedFile });
    const built = await buildAuthOptions(good);
    assert.deepEqual(built.warnings, []);
    const nc = await connectNats(good, silent);
    await nc.close();

    const otherFile = `${dir}/other.seed`;
    await Deno.writeFile(otherFile, other.getSeed());
    await Deno.chmod(otherFile, 0o644);
    const bad = client(s.port, { type: "nkey", nkey_file: otherFile });
    const { warnings } = await buildAuthOptions(bad);
    assert.match(warnings.join(), /readable by group or others \(mode 644\); run chmod 600/);
    assert.match(await refused(bad), /Authorization Violation/i);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad credential files name the file and the problem, never the content", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: [Record<string, unknown>, string | null, RegExp][] = [
      [
        { type: "nkey", nkey_file: `${dir}/missing.seed` },
        null,
        /nkey seed file .*missing\.seed: file not found/,
      ],
      [
        { type: "nkey", nkey_file: `${dir}/garbage.seed` },
        "SECRETGARBAGE",
        /garbage\.seed: no NKey seed found/,
      ],
      [
        { type: "nkey", nkey_file: `${dir}/account.seed` },
        "SAAPLUTFMEFSK5PEDBSCNVQYQ3CV6TWRYFK5QGGD3IIEOQXDQ4IJL2IQ4Y",
        /not a user seed/,
      ],
      [
        { type: "creds", creds_file: `${dir}/bad.creds` },
        "-----BEGIN NATS USER JWT-----\nSECRETPART\n------END NATS USER JWT------\n",
        /bad\.creds: no user JWT block found/,
      ],
      [{ type: "nkey", nkey_file: dir }, null, /not a regular file/],
    ];
    for (const [auth, content, re] of cases) {
      const file = (auth.nkey_file ?? auth.creds_file) as string;
      if (content !== null) await Deno.writeTextFile(file, content, { mode: 0o600 });
      await assert.rejects(buildAuthOptions(client(1, auth)), (e: unknown) => {
        assert.ok(e instanceof NatsAuthError);
        assert.match(e.message, re);
        assert.doesNotMatch(e.message, /SECRET|SAAPLUT/);
        return true;
      });
    }
    await assert.rejects(
      buildAuthOptions(client(1, {}, { ca_file: `${dir}/nope-ca.pem` })),
      /TLS CA file .*nope-ca\.pem: file not found/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("credential ids name each credential's inbox; a mapped client certificate is its subject", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const up = await buildAuthOptions(
      client(4222, { type: "user_pass", username: "api", password: "p" }),
    );
    assert.equal(up.credentialId, credentialId({ type: "user", username: "api" }));
    assert.equal((await buildAuthOptions(client(4222, { type: "none" }))).credentialId, "shared");
    // verify_and_map names the user by the certificate subject (RFC 2253, most specific first)
    await makeTestPki(dir);
    const one = await signCertificate(dir, "a-api");
    const two = await signCertificate(dir, "b-api", { subject: "/O=example/CN=b-api" });
    const tls = (c: { cert: string; key: string }) => ({
      ca_file: `${dir}/ca.pem`,
      cert_file: c.cert,
      key_file: c.key,
    });
    const mapped = await buildAuthOptions(client(4222, { type: "none" }, tls(one)));
    assert.equal(mapped.credentialId, credentialId({ type: "user", username: "CN=a-api" }));
    assert.equal(certificateUser(await Deno.readTextFile(two.cert)), "CN=b-api,O=example");
    assert.equal(certificateUser("not a certificate"), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
