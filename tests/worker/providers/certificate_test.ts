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
import { testContext } from "./ctx.ts";

Deno.test("CA certificates on a root: install, list, replace, remove; the trust store follows", async () => {
  if (!await findOnPath("update-ca-certificates") || !await findOnPath("openssl")) {
    console.log("skipped: update-ca-certificates or openssl is not installed");
    return;
  }
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const pki = await makeTestPki(root);
    const ca = await Deno.readTextFile(pki.ca);
    const other = await Deno.readTextFile(pki.serverCert);
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
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

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
