/**
 * `/api/node/{hostname}/package[...]` end to end: API, real nats-server and workers on
 * temporary roots (dpkg databases of their own, tiny packages the test builds); answers checked
 * against osapi's document and OSAPI's reference. Nothing is installed on the machine.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { buildDeb, dpkgRoot, fileRepo, haveDpkg } from "../../helpers/deb.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";

const dpkg = await haveDpkg();
if (!dpkg) console.log("skipping package API tests: dpkg, dpkg-deb or dpkg-query not on PATH");

Deno.test({
  name: "packages through the API: install a .deb, list, get, updates, remove",
  ignore: !dpkg,
  fn: async () => {
    await using api = await startTestApi();
    const roots = api.stack!.roots;
    const dir = await Deno.makeTempDir({ prefix: "osapi-debs-" });
    try {
      await dpkgRoot(roots["host-a"]);
      const call = (method: string, path: string, operationId: string, body?: unknown) =>
        nodeCall(api, method, path, operationId, body);
      const deb = await buildDeb(dir, "osapi-hello", "1.0-1");

      const installed = await call("POST", "host-a/package", "PostNodePackage", {
        name: "osapi-hello",
        file: deb,
      });
      assert.deepEqual(pick(installed, "hostname", "status", "name", "changed"), [
        ["host-a", "ok", "osapi-hello", true],
      ]);
      const again = await call("POST", "host-a/package", "PostNodePackage", {
        name: "osapi-hello",
        file: deb,
      });
      assert.equal(again[0].changed, false);

      // host-b's root has no dpkg database: a per-host error, not a 500
      const list = await call("GET", "_all/package", "GetNodePackage");
      assert.deepEqual(pick(list, "hostname", "status"), [["host-a", "ok"], ["host-b", "failed"]]);
      const a = list.find((i) => i.hostname === "host-a")!;
      assert.deepEqual(a.packages, [{
        name: "osapi-hello",
        version: "1.0-1",
        description: "osapi test package osapi-hello",
        status: "installed",
        size: 8192,
      }]);
      assert.match(
        String(list.find((i) => i.hostname === "host-b")!.error),
        /no dpkg package database/,
      );

      const got = await call("GET", "host-a/package/osapi-hello", "GetNodePackageByName");
      assert.equal((got[0].packages as { version: string }[])[0].version, "1.0-1");
      const missing = await call("GET", "host-a/package/nosuch", "GetNodePackageByName");
      assert.equal(missing[0].status, "failed");
      assert.match(String(missing[0].error), /package nosuch is not installed/);

      // a repository install needs the live system: the worker's temporary root refuses it
      const byName = await call("POST", "host-a/package", "PostNodePackage", { name: "curl" });
      assert.equal(byName[0].status, "failed");
      assert.match(String(byName[0].error), /needs the live system/);

      await fileRepo(dir, roots["host-a"], [await buildDeb(dir, "osapi-hello", "1.1-1")]);
      const refreshed = await call("POST", "host-a/package/update", "PostNodePackageUpdate");
      assert.deepEqual(pick(refreshed, "hostname", "status", "changed"), [["host-a", "ok", true]]);
      const updates = await call("GET", "host-a/package/update", "GetNodePackageUpdate");
      assert.deepEqual(updates[0].updates, [
        { name: "osapi-hello", current_version: "1.0-1", new_version: "1.1-1" },
      ]);

      const removed = await call("DELETE", "host-a/package/osapi-hello", "DeleteNodePackage");
      assert.deepEqual(pick(removed, "name", "changed"), [["osapi-hello", true]]);
      const gone = await call("DELETE", "host-a/package/osapi-hello", "DeleteNodePackage");
      assert.equal(gone[0].changed, false);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("bad package input is a 400 problem naming the field; package:read cannot write", async () => {
  await using api = await startTestApi();
  const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, method, `host-a/${path}`, body, detail);
  await problem("POST", "package", { name: "-oAPT::x=1" }, /name/);
  await problem("POST", "package", { name: "Bad Name" }, /name/);
  await problem("POST", "package", {}, /name/);
  await problem("POST", "package", { name: "ok", file: "../x.deb" }, /file/);
  await problem("GET", "package/..%2Fetc", undefined, /name/);
  await problem("DELETE", "package/-rf", undefined, /name/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/package/update")).status, 200);
  const denied = await reader.call("POST", "/api/node/host-a/package", { body: { name: "curl" } });
  assert.equal(denied.status, 403);
  const none = await api.as({ roles: [], permissions: ["sysctl:read"] });
  assert.equal((await none.call("GET", "/api/node/host-a/package")).status, 403);
  assert.equal((await none.call("GET", "/api/node/host-a/package/update")).status, 403);
});
