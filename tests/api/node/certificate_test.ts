/**
 * `/api/node/{hostname}/certificate/ca[/{name}]` end to end: API, real nats-server and workers
 * on temporary roots whose trust stores the real update-ca-certificates rebuilds; certificates
 * made by openssl for the test. Answers checked against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick, upload } from "../../helpers/node_api.ts";
import { makeTestPki } from "../../helpers/tls.ts";
import { CA_DIRS } from "../../../src/worker/providers/certificate_config.ts";
import { findOnPath } from "../../../src/worker/providers/process.ts";

/**
 * Runs `fn` with the PEM texts of a test CA and a server certificate and a test API (skipped,
 * saying so, without update-ca-certificates).
 */
async function withPki(fn: (api: TestApi, ca: string, other: string) => Promise<void>) {
  if (!await findOnPath("update-ca-certificates")) {
    console.log("skipped: update-ca-certificates is not installed");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "osapi-pki-" });
  try {
    const pki = await makeTestPki(dir);
    await using api = await startTestApi();
    await fn(api, await Deno.readTextFile(pki.ca), await Deno.readTextFile(pki.serverCert));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("CA certificates through the API: create, list, update, delete", () =>
  withPki(async (api, ca, other) => {
    const roots = api.stack!.roots;
    const call = (method: string, path: string, operationId: string, body?: unknown) =>
      nodeCall(api, method, `${path}`, operationId, body);

    const created = await call("POST", "_all/certificate/ca", "PostNodeCertificateCa", {
      name: "corp-ca",
      content: ca,
    });
    assert.deepEqual(pick(created, "hostname", "status", "name", "changed"), [
      ["host-a", "ok", "corp-ca", true],
      ["host-b", "ok", "corp-ca", true],
    ]);
    for (const host of ["host-a", "host-b"]) {
      const bundle = await Deno.readTextFile(`${roots[host]}/${CA_DIRS.etc}/ca-certificates.crt`);
      assert.ok(bundle.includes(ca.trim()), `${host}'s trust store has the CA`);
    }
    const again = await call("POST", "host-a/certificate/ca", "PostNodeCertificateCa", {
      name: "corp-ca",
      content: ca,
    });
    assert.equal(again[0].changed, false);

    const list = await call("GET", "_all/certificate/ca", "GetNodeCertificateCa");
    assert.deepEqual(pick(list, "hostname", "certificates"), [
      ["host-a", [{ name: "corp-ca", source: "custom", managed: true }]],
      ["host-b", [{ name: "corp-ca", source: "custom", managed: true }]],
    ]);

    const updated = await call("PUT", "host-a/certificate/ca/corp-ca", "PutNodeCertificateCa", {
      content: other,
    });
    assert.deepEqual(pick(updated, "name", "changed"), [["corp-ca", true]]);
    const missing = await call("PUT", "host-a/certificate/ca/nope", "PutNodeCertificateCa", {
      content: other,
    });
    assert.match(String(missing[0].error), /not installed by osapi/);

    const deleted = await call("DELETE", "_all/certificate/ca/corp-ca", "DeleteNodeCertificateCa");
    assert.deepEqual(pick(deleted, "hostname", "changed"), [["host-a", true], ["host-b", true]]);
    const gone = await call("DELETE", "host-a/certificate/ca/corp-ca", "DeleteNodeCertificateCa");
    assert.equal(gone[0].changed, false);
    const empty = await call("GET", "host-a/certificate/ca", "GetNodeCertificateCa");
    assert.deepEqual(empty[0].certificates, []);

    const both = { name: "x", content: ca, object: "ca.pem" };
    await nodeProblem(api, "POST", "host-a/certificate/ca", both, /object.*not both/);
    const twice = { content: ca, object: "ca.pem" };
    await nodeProblem(api, "PUT", "host-a/certificate/ca/x", twice, /object.*not both/);
  }));

Deno.test("CA certificates from a file of the object store through the API", () =>
  withPki(async (api, ca, v2) => {
    const installed = (host: string) =>
      Deno.readTextFile(`${api.stack!.roots[host]}/${CA_DIRS.managed}/corp-ca.crt`);
    assert.equal((await upload(api.admin, "corp-ca.pem", ca)).status, 201);
    assert.equal((await upload(api.admin, "corp-ca-v2.pem", v2)).status, 201);
    const body = { name: "corp-ca", object: "corp-ca.pem" };
    const first = await nodeCall(api, "POST", "_all/certificate/ca", "PostNodeCertificateCa", body);
    assert.deepEqual(pick(first, "hostname", "status", "changed", "refreshed"), [
      ["host-a", "ok", true, true],
      ["host-b", "ok", true, true],
    ]);
    assert.equal(await installed("host-a"), ca);
    assert.equal(await installed("host-b"), ca);
    const repeat = await nodeCall(
      api,
      "POST",
      "_all/certificate/ca",
      "PostNodeCertificateCa",
      body,
    );
    assert.deepEqual(pick(repeat, "hostname", "changed"), [["host-a", false], ["host-b", false]]);

    const put = (object: string) =>
      nodeCall(api, "PUT", "host-b/certificate/ca/corp-ca", "PutNodeCertificateCa", { object });
    assert.equal((await put("corp-ca-v2.pem"))[0].changed, true);
    assert.equal(await installed("host-b"), v2);
    assert.equal((await put("corp-ca-v2.pem"))[0].changed, false);
    const lost = await put("missing.pem");
    assert.equal(lost[0].status, "failed");
    assert.match(String(lost[0].error), /no file named missing\.pem in the object store/);
  }));

Deno.test("bad CA certificate input is a 400 naming the field; certificate:read cannot write", async () => {
  await using api = await startTestApi();
  const pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  await nodeProblem(api, "POST", "host-a/certificate/ca", { name: "x", content: "hi" }, /content/);
  await nodeProblem(api, "POST", "host-a/certificate/ca", { name: "x", content: pem }, /DER/);
  await nodeProblem(api, "POST", "host-a/certificate/ca", { name: "../x", content: pem }, /name/);
  await nodeProblem(api, "PUT", "host-a/certificate/ca/a.b", { content: pem }, /name/);
  await nodeProblem(api, "DELETE", "host-a/certificate/ca/-x", undefined, /name/);
  await nodeProblem(api, "POST", "host-a/certificate/ca", { name: "x" }, /give object/);
  await nodeProblem(api, "PUT", "host-a/certificate/ca/x", {}, /give object/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/certificate/ca")).status, 200);
  const denied = await reader.call("DELETE", "/api/node/host-a/certificate/ca/x");
  assert.equal(denied.status, 403);
});
