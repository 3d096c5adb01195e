/**
 * The CA certificate providers on a temporary root with certificates openssl makes for the
 * test: PEM files under usr/local/share/ca-certificates/osapi, the trust store rebuilt inside
 * the root by the real update-ca-certificates (skipped with a reason where it is missing).
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import { pemProblem } from "../../../src/core/operations/certificate.ts";
import certificateCreate from "../../../src/worker/providers/certificate_create.ts";
import certificateDelete from "../../../src/worker/providers/certificate_delete.ts";
import certificateList from "../../../src/worker/providers/certificate_list.ts";
import certificateUpdate from "../../../src/worker/providers/certificate_update.ts";
import { CA_DIRS } from "../../../src/worker/providers/certificate_config.ts";
import { findOnPath } from "../../../src/worker/providers/process.ts";
import { makeTestPki } from "../../helpers/tls.ts";
import { objectError, testContext, withFiles } from "./ctx.ts";

/** PEM texts of a test PKI: a CA, a server certificate and its private key. */
interface Pems {
  ca: string;
  other: string;
  key: string;
}

/**
 * Runs `fn` with a temporary root holding a test PKI (skipped, saying so, without
 * update-ca-certificates or openssl); the root is removed afterwards.
 */
async function withPkiRoot(fn: (root: string, pems: Pems) => Promise<void>): Promise<void> {
  if (!await findOnPath("update-ca-certificates") || !await findOnPath("openssl")) {
    console.log("skipped: update-ca-certificates or openssl is not installed");
    return;
  }
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const pki = await makeTestPki(root);
    await fn(root, {
      ca: await Deno.readTextFile(pki.ca),
      other: await Deno.readTextFile(pki.serverCert),
      key: await Deno.readTextFile(pki.serverKey),
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("CA certificates on a root: install, list, replace, remove; the trust store follows", () =>
  withPkiRoot(async (root, { ca, other }) => {
    await Deno.mkdir(`${root}/${CA_DIRS.system}/mozilla`, { recursive: true });
    await Deno.writeTextFile(`${root}/${CA_DIRS.system}/mozilla/Distro_Root.crt`, other);
    await Deno.mkdir(`${root}/${CA_DIRS.local}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${CA_DIRS.local}/hand-made.crt`, other);
    await Deno.mkdir(`${root}/etc`, { recursive: true });
    await Deno.writeTextFile(`${root}/${CA_DIRS.conf}`, "mozilla/Distro_Root.crt\n");
    const ctx = testContext(undefined, root);
    const bundle = `${root}/${CA_DIRS.etc}/ca-certificates.crt`;

    const created = await certificateCreate.run(
      certificateCreate.validate({ name: "corp-ca", content: ca }),
      ctx,
    );
    assert.deepEqual(created, { name: "corp-ca", changed: true, refreshed: true });
    assert.equal(await Deno.readTextFile(`${root}/${CA_DIRS.managed}/corp-ca.crt`), ca);
    assert.ok((await Deno.readTextFile(bundle)).includes(ca.trim()), "the bundle has the CA");
    assert.equal(
      await Deno.readLink(`${root}/${CA_DIRS.etc}/corp-ca.pem`),
      `${root}/${CA_DIRS.managed}/corp-ca.crt`,
    );
    assert.deepEqual(await certificateCreate.run({ name: "corp-ca", content: ca }, ctx), {
      name: "corp-ca",
      changed: false,
      refreshed: false,
    });
    await assert.rejects(
      certificateCreate.run({ name: "corp-ca", content: other }, ctx),
      (e: Error) => e instanceof OperationInputError && /other content.*PUT/.test(e.message),
    );
    await assert.rejects(
      certificateCreate.run({ name: "hand-made", content: ca }, ctx),
      /osapi did not install/,
    );

    assert.deepEqual((await certificateList.run({}, ctx)).certificates, [
      { name: "Distro_Root", source: "system", managed: false },
      { name: "hand-made", source: "custom", managed: false },
      { name: "corp-ca", source: "custom", managed: true },
    ]);

    assert.equal(
      (await certificateUpdate.run({ name: "corp-ca", content: other }, ctx)).changed,
      true,
    );
    assert.equal(
      (await certificateUpdate.run({ name: "corp-ca", content: other }, ctx)).changed,
      false,
    );
    assert.ok(!(await Deno.readTextFile(bundle)).includes(ca.trim()), "the old CA left the bundle");
    await assert.rejects(
      certificateUpdate.run({ name: "nope", content: ca }, ctx),
      /not installed by osapi/,
    );

    assert.equal((await certificateDelete.run({ name: "corp-ca" }, ctx)).changed, true);
    assert.equal((await certificateDelete.run({ name: "corp-ca" }, ctx)).changed, false);
    await assert.rejects(Deno.lstat(`${root}/${CA_DIRS.etc}/corp-ca.pem`), Deno.errors.NotFound);
    assert.equal((await certificateDelete.run({ name: "hand-made" }, ctx)).changed, false);
  }));

Deno.test("CA certificate input: names and PEM content are validated without echoing it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-pki-" });
  try {
    const pki = await makeTestPki(dir);
    const ca = await Deno.readTextFile(pki.ca);
    const key = await Deno.readTextFile(pki.serverKey);
    assert.equal(pemProblem(ca), undefined);
    assert.equal(pemProblem(ca + (await Deno.readTextFile(pki.serverCert))), undefined);
    for (const name of ["", "../x", "a.b", "-", "-x", "x/y", "a".repeat(65)]) {
      assert.throws(
        () => certificateCreate.validate({ name, content: ca }),
        (e: Error) => e instanceof OperationInputError && e.field === "name",
        name,
      );
    }
    const bad: [string, RegExp][] = [
      ["hello", /no -----BEGIN CERTIFICATE----- block/],
      [key, /block 1 is a PRIVATE KEY, not a CERTIFICATE/],
      [`junk\n${ca}`, /text outside/],
      [ca.replace(/^(-----BEGIN CERTIFICATE-----\n)M/, "$1*"), /not valid base64/],
      [
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        /not a DER-encoded X\.509 certificate/,
      ],
    ];
    assert.throws(() => certificateCreate.validate({ name: "x" }), /give object .* or content/);
    assert.throws(
      () => certificateUpdate.validate({ name: "x", content: ca, object: "ca.pem" }),
      /give either object or content, not both/,
    );
    assert.throws(() => certificateCreate.validate({ name: "x", object: "../ca.pem" }), /object/);
    for (const [content, message] of bad) {
      assert.throws(
        () => certificateCreate.validate({ name: "x", content }),
        (e: Error) =>
          e instanceof OperationInputError && e.field === "content" && message.test(e.message) &&
          !e.message.includes("PRIVATE KEY-----"),
        message.source,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CA certificates from a file of the object store: install, replace, refused files", () =>
  withPkiRoot(async (root, { ca, other, key }) => {
    const ctx = await withFiles(testContext(undefined, root), {
      "corp-ca.pem": ca,
      "corp-ca-v2.pem": other,
      "key.pem": key,
    });
    const run = (op: typeof certificateCreate, input: Record<string, unknown>) =>
      op.run(op.validate(input), ctx);
    const file = `${root}/${CA_DIRS.managed}/corp-ca.crt`;
    const create = { name: "corp-ca", object: "corp-ca.pem" };
    assert.deepEqual(await run(certificateCreate, create), {
      name: "corp-ca",
      changed: true,
      refreshed: true,
    });
    assert.equal(await Deno.readTextFile(file), ca);
    assert.equal((await run(certificateCreate, create)).changed, false);
    assert.equal((await run(certificateCreate, { name: "corp-ca", content: ca })).changed, false);
    const update = { name: "corp-ca", object: "corp-ca-v2.pem" };
    assert.equal((await run(certificateUpdate, update)).changed, true);
    assert.equal((await run(certificateUpdate, update)).changed, false);
    assert.equal(await Deno.readTextFile(file), other);

    await assert.rejects(
      run(certificateCreate, { name: "gone", object: "missing.pem" }),
      objectError(/no file named missing\.pem in the object store/),
    );
    await assert.rejects(
      run(certificateCreate, { name: "key", object: "key.pem" }),
      (e: Error) =>
        objectError(/key\.pem .*must hold PEM certificates: block 1 is a PRIVATE KEY/)(e) &&
        !e.message.includes("PRIVATE KEY-----"),
    );
    await assert.rejects(Deno.stat(`${root}/${CA_DIRS.managed}/key.crt`), Deno.errors.NotFound);
  }));
