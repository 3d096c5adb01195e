/**
 * `/api/file*` and `/api/node/{hostname}/file/*` end to end: uploads into the real object store
 * of a nats-server, deployed by real workers onto their temporary roots; answers checked
 * against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { sha256Hex } from "../../../src/core/files.ts";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick, upload } from "../../helpers/node_api.ts";
import { checkReference } from "../../helpers/reference.ts";

async function fileCall(api: TestApi, method: string, path: string, operationId: string) {
  const r = await api.admin.call(method, path);
  assert.equal(r.status, 200, r.text);
  await checkReference(operationId, 200, r.body);
  return r.body;
}

Deno.test("files through the API: upload, list, get, deploy, status, undeploy, delete", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  const text = "worker_processes 2;\n";
  const sha = await sha256Hex(new TextEncoder().encode(text));

  const up = await upload(api.admin, "nginx.conf", text);
  assert.equal(up.status, 201, up.text);
  await checkReference("PostFile", 201, up.body);
  assert.deepEqual(up.body, {
    name: "nginx.conf",
    sha256: sha,
    size: text.length,
    changed: true,
    content_type: "raw",
  });
  assert.equal((await upload(api.admin, "nginx.conf", text)).body.changed, false);
  const conflict = await upload(api.admin, "nginx.conf", "other\n");
  assert.equal(conflict.status, 409, conflict.text);
  assert.match(conflict.body.detail, /force=true/);

  const list = await fileCall(api, "GET", "/api/file", "GetFiles");
  assert.deepEqual(list, {
    files: [{
      name: "nginx.conf",
      sha256: sha,
      size: text.length,
      content_type: "raw",
      source: "user",
    }],
    total: 1,
  });
  const info = await fileCall(api, "GET", "/api/file/nginx.conf", "GetFileByName");
  assert.equal(info.sha256, sha);
  assert.equal((await api.admin.call("GET", "/api/file/missing.conf")).status, 404);

  const call = (method: string, path: string, operationId: string, body?: unknown, status = 200) =>
    nodeCall(api, method, path, operationId, body, status);
  const spec = {
    object_name: "nginx.conf",
    path: "/etc/nginx/nginx.conf",
    content_type: "raw",
    mode: "0600",
  };
  const deployed = await call("POST", "_all/file/deploy", "PostNodeFileDeploy", spec, 202);
  assert.deepEqual(pick(deployed, "hostname", "status", "changed", "sha256"), [
    ["host-a", "ok", true, sha],
    ["host-b", "ok", true, sha],
  ]);
  for (const host of ["host-a", "host-b"]) {
    const file = `${roots[host]}/etc/nginx/nginx.conf`;
    assert.equal(await Deno.readTextFile(file), text);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  }
  const again = await call("POST", "host-a/file/deploy", "PostNodeFileDeploy", spec, 202);
  assert.equal(again[0].changed, false);

  const status = await call("POST", "host-a/file/status", "PostNodeFileStatus", {
    path: "/etc/nginx/nginx.conf",
  });
  assert.deepEqual(pick(status, "hostname", "state", "managed", "sha256", "mode"), [
    ["host-a", "in-sync", true, sha, "0600"],
  ]);
  const missingObject = await call("POST", "host-a/file/deploy", "PostNodeFileDeploy", {
    ...spec,
    object_name: "absent.conf",
  }, 202);
  assert.equal(missingObject[0].status, "failed");
  assert.match(String(missingObject[0].error), /no file named absent\.conf/);

  // the object changes: both deployments are stale until deployed again
  const stale = async () => {
    const r = await fileCall(api, "GET", "/api/file/stale", "GetFileStale");
    assert.equal(r.total, r.stale.length);
    return (r.stale as Record<string, unknown>[]).map((s) => [s.hostname, s.path, s.provider]);
  };
  assert.deepEqual(await stale(), []);
  const v2 = await upload(api.admin, "nginx.conf", "worker_processes 4;\n", "?force=true");
  assert.equal(v2.status, 201, v2.text);
  assert.deepEqual(await stale(), [
    ["host-a", "/etc/nginx/nginx.conf", "file"],
    ["host-b", "/etc/nginx/nginx.conf", "file"],
  ]);
  const first = (await fileCall(api, "GET", "/api/file/stale", "GetFileStale")).stale[0];
  assert.deepEqual([first.deployed_sha, first.current_sha], [sha, v2.body.sha256]);
  await call("POST", "host-b/file/undeploy", "PostNodeFileUndeploy", {
    path: "/etc/nginx/nginx.conf",
  }, 202);
  assert.deepEqual(await stale(), [["host-a", "/etc/nginx/nginx.conf", "file"]]);
  const redeployed = await call("POST", "host-a/file/deploy", "PostNodeFileDeploy", spec, 202);
  assert.equal(redeployed[0].changed, true);
  assert.deepEqual(await stale(), []);

  const undeployed = await call("POST", "host-a/file/undeploy", "PostNodeFileUndeploy", {
    path: "/etc/nginx/nginx.conf",
  }, 202);
  assert.equal(undeployed[0].changed, true);
  await assert.rejects(Deno.stat(`${roots["host-a"]}/etc/nginx/nginx.conf`), Deno.errors.NotFound);
  const gone = await call("POST", "host-a/file/status", "PostNodeFileStatus", {
    path: "/etc/nginx/nginx.conf",
  });
  assert.equal(gone[0].state, "missing");

  const del = await api.admin.call("DELETE", "/api/file/nginx.conf");
  assert.equal(del.status, 200, del.text);
  await checkReference("DeleteFileByName", 200, del.body);
  assert.deepEqual(del.body, { name: "nginx.conf", deleted: true });
  assert.equal((await api.admin.call("DELETE", "/api/file/nginx.conf")).status, 404);
});

Deno.test("bad file input is a 400 problem; file:read cannot write; uploads are bounded", async () => {
  await using api = await startTestApi({ raw: { nats: { objects: { max_file_size: "1KiB" } } } });
  const bad = await upload(api.admin, "../etc/passwd", "x");
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.body.detail, /name/);
  const noFile = new FormData();
  noFile.set("name", "a.conf");
  const r = await api.admin.call("POST", "/api/file", { body: noFile });
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.detail, /file/);
  const big = await upload(api.admin, "big.bin", "x".repeat(2048));
  assert.equal(big.status, 413, big.text);
  assert.match(big.body.detail, /nats\.objects\.max_file_size/);
  assert.equal((await api.admin.call("GET", "/api/file/bad%20name")).status, 400);

  const problem = (path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, "POST", `host-a/${path}`, body, detail);
  const spec = { object_name: "a.conf", content_type: "raw" };
  await problem("file/deploy", { ...spec, path: "/etc/../shadow" }, /path/);
  await problem("file/deploy", { ...spec, path: "/proc/sys/kernel/x" }, /under \/proc/);
  await problem("file/deploy", { ...spec, path: "relative" }, /absolute/);
  await problem("file/deploy", { ...spec, path: "/etc/a", owner: "--help" }, /owner/);
  await problem("file/deploy", { ...spec, path: "/etc/a", content_type: "template" }, /template/);
  await problem("file/undeploy", { path: "/dev/sda" }, /under \/dev/);
  await problem("file/status", {}, /path/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/file")).status, 200);
  assert.equal((await upload(reader, "a.conf", "x")).status, 403);
  assert.equal((await reader.call("DELETE", "/api/file/a.conf")).status, 403);
  const st = await reader.call("POST", "/api/node/host-a/file/status", {
    body: { path: "/etc/a" },
  });
  assert.equal(st.status, 200, st.text);
  const denied = await reader.call("POST", "/api/node/host-a/file/deploy", {
    body: { ...spec, path: "/etc/a" },
  });
  assert.equal(denied.status, 403);
});
