/**
 * Certificate preflight (src/server/tls_check.ts): one test per problem, each error naming the
 * configuration key and the file and never the key material; wired into the supervisor's
 * preflight (nothing is spawned) and into connectNats (nothing is dialled).
 */
import assert from "node:assert/strict";
import { configFromRaw } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { PreflightError } from "../../src/server/check.ts";
import { startSupervisor } from "../../src/server/supervisor.ts";
import { checkServerTls, TlsCheckError } from "../../src/nats/tls_check.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";
import { makeTestPki, signCertificate, type TestPki } from "../helpers/tls.ts";

/** A temp dir with a test PKI, removed on dispose. */
async function pkiDir(): Promise<{ dir: string; pki: TestPki } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "osapi-tls-check-" });
  const pki = await makeTestPki(dir);
  return { dir, pki, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

function serverConfig(dir: string, tls: Record<string, unknown>): Config {
  const [port, http_port] = freePorts(2);
  return configFromRaw({ data_dir: `${dir}/data`, nats: { server: { port, http_port, tls } } });
}

/** Asserts that the server-side check fails with exactly `message`, showing no key material. */
async function rejectsWith(config: Config, message: string | RegExp, now?: Date): Promise<void> {
  await assert.rejects(checkServerTls(config, now), (e: unknown) => {
    assert.ok(e instanceof TlsCheckError, String(e));
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    assert.doesNotMatch(e.message, /PRIVATE KEY-----|MI[A-Za-z0-9+/]{20}/);
    return true;
  });
}

Deno.test("a valid server certificate, key and CA pass", async () => {
  await using t = await pkiDir();
  const { pki } = t;
  await checkServerTls(
    serverConfig(t.dir, { cert_file: pki.serverCert, key_file: pki.serverKey, ca_file: pki.ca }),
  );
});

Deno.test("a missing certificate file names nats.server.tls.cert_file and the file", async () => {
  await using t = await pkiDir();
  const missing = `${t.dir}/nope.pem`;
  await rejectsWith(
    serverConfig(t.dir, { cert_file: missing, key_file: t.pki.serverKey }),
    `nats.server.tls.cert_file ${missing}: file not found`,
  );
});

Deno.test("an unreadable key file (a directory) names nats.server.tls.key_file", async () => {
  await using t = await pkiDir();
  await Deno.mkdir(`${t.dir}/key-dir`);
  await rejectsWith(
    serverConfig(t.dir, { cert_file: t.pki.serverCert, key_file: `${t.dir}/key-dir` }),
    `nats.server.tls.key_file ${t.dir}/key-dir: not a regular file`,
  );
});

Deno.test("a key that does not match its certificate is named, without key material", async () => {
  await using t = await pkiDir();
  const { pki } = t;
  await rejectsWith(
    serverConfig(t.dir, { cert_file: pki.serverCert, key_file: pki.clientKey }),
    `nats.server.tls.key_file ${pki.clientKey}: the private key does not match the certificate ` +
      `nats.server.tls.cert_file ${pki.serverCert}`,
  );
});

Deno.test("a key file without a private key is named", async () => {
  await using t = await pkiDir();
  const { pki } = t;
  await rejectsWith(
    serverConfig(t.dir, { cert_file: pki.serverCert, key_file: pki.ca }),
    `nats.server.tls.key_file ${pki.ca}: holds no PEM private key`,
  );
});

Deno.test("an expired certificate is named with its subject and end date", async () => {
  await using t = await pkiDir();
  const old = await signCertificate(t.dir, "old", { days: -1 });
  await rejectsWith(
    serverConfig(t.dir, { cert_file: old.cert, key_file: old.key }),
    new RegExp(
      `^nats\\.server\\.tls\\.cert_file ${old.cert}: certificate "CN=old" expired on \\d{4}-`,
    ),
  );
});

Deno.test("a certificate that is not valid yet is named with its start date", async () => {
  await using t = await pkiDir();
  const { pki } = t;
  await rejectsWith(
    serverConfig(t.dir, { cert_file: pki.serverCert, key_file: pki.serverKey }),
    new RegExp(
      `^nats\\.server\\.tls\\.cert_file ${pki.serverCert}: certificate "CN=server" is not ` +
        "valid yet \\(valid from \\d{4}-",
    ),
    new Date("2000-01-01T00:00:00Z"),
  );
});

Deno.test("a CA file with no certificate names nats.server.tls.ca_file", async () => {
  await using t = await pkiDir();
  const { pki } = t;
  const empty = `${t.dir}/empty-ca.pem`;
  await Deno.writeTextFile(empty, "# no certificates here\n");
  await rejectsWith(
    serverConfig(t.dir, {
      cert_file: pki.serverCert,
      key_file: pki.serverKey,
      ca_file: empty,
      verify: true,
    }),
    `nats.server.tls.ca_file ${empty}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
  );
});

Deno.test("preflight: the supervisor refuses a mismatched key before nats-server starts", async () => {
  await using t = await pkiDir();
  const { pki } = t;
  const config = serverConfig(t.dir, { cert_file: pki.serverCert, key_file: pki.clientKey });
  await assert.rejects(
    startSupervisor({ config, binary: await natsServerBin(), log: silent }),
    (e: unknown) =>
      e instanceof PreflightError &&
      e.message.startsWith(`nats.server.tls.key_file ${pki.clientKey}: the private key does not`),
  );
  // nothing was spawned: the client port is still free
  const l = Deno.listen({ hostname: "127.0.0.1", port: config.nats.server.port });
  l.close();
});

Deno.test("client side: connectNats refuses an expired client certificate before dialling", async () => {
  await using t = await pkiDir();
  const old = await signCertificate(t.dir, "old-client", { days: -1 });
  const nats = configFromRaw({
    api: {
      server: {
        nats: {
          port: freePorts(1)[0],
          tls: { ca_file: t.pki.ca, cert_file: old.cert, key_file: old.key },
        },
      },
    },
  }).api.server.nats;
  await assert.rejects(
    connectNats(nats, silent, { maxReconnectAttempts: 0, configKey: "api.server.nats" }),
    (e: unknown) =>
      e instanceof TlsCheckError &&
      new RegExp(
        `^api\\.server\\.nats\\.tls\\.cert_file ${old.cert}: certificate "CN=old-client" expired`,
      ).test(e.message),
  );
});

Deno.test("client side: a CA file with no certificate is named (tls.ca_file)", async () => {
  await using t = await pkiDir();
  const empty = `${t.dir}/empty-ca.pem`;
  await Deno.writeTextFile(empty, "not a certificate\n");
  const nats = configFromRaw({
    job: { worker: { nats: { port: freePorts(1)[0], tls: { ca_file: empty } } } },
  }).job.worker.nats;
  await assert.rejects(
    connectNats(nats, silent, { maxReconnectAttempts: 0 }),
    (e: unknown) =>
      e instanceof TlsCheckError &&
      e.message === `tls.ca_file ${empty}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
  );
});
