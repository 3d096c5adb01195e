/**
 * `/api/node/{hostname}/user/{name}/ssh-key[/{fingerprint}]` end to end: API, real
 * nats-server and workers on temporary roots; keys made by the real ssh-keygen.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { seedAccountsRoot } from "../../helpers/accounts_root.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";
import { haveSshKeygen, makeSshKey } from "../../helpers/ssh_keys.ts";

const keygen = await haveSshKeygen();
if (!keygen) console.log("skipping the ssh key API tests: ssh-keygen is not installed");

Deno.test({
  name: "ssh keys through the API: add, list, remove by fingerprint; 400s; 403 for read",
  ignore: !keygen,
  fn: async () => {
    await using api = await startTestApi();
    for (const root of Object.values(api.stack!.roots)) await seedAccountsRoot(root);
    const call = (method: string, path: string, operationId: string, body?: unknown) =>
      nodeCall(api, method, path, operationId, body);
    await call("POST", "_all/user", "PostNodeUser", { name: "alice" });
    const key = await makeSshKey("ed25519", "alice@laptop");
    const added = await call("POST", "_all/user/alice/ssh-key", "PostNodeUserSSHKey", {
      key: key.line,
    });
    assert.deepEqual(pick(added, "hostname", "status", "changed", "fingerprint"), [
      ["host-a", "ok", true, key.fingerprint],
      ["host-b", "ok", true, key.fingerprint],
    ]);
    const again = await call("POST", "host-a/user/alice/ssh-key", "PostNodeUserSSHKey", {
      key: key.line,
    });
    assert.equal(again[0].changed, false);
    const list = await call("GET", "host-a/user/alice/ssh-key", "GetNodeUserSSHKey");
    assert.deepEqual(list[0].keys, [
      { type: "ssh-ed25519", fingerprint: key.fingerprint, comment: "alice@laptop" },
    ]);
    const fp = encodeURIComponent(key.fingerprint);
    const removed = await call(
      "DELETE",
      `_all/user/alice/ssh-key/${fp}`,
      "DeleteNodeUserSSHKey",
    );
    assert.deepEqual(pick(removed, "hostname", "changed"), [["host-a", true], ["host-b", true]]);
    const urlSafe = key.fingerprint.replace(/\+/g, "-").replace(/\//g, "_");
    const gone = await call(
      "DELETE",
      `host-a/user/alice/ssh-key/${urlSafe}`,
      "DeleteNodeUserSSHKey",
    );
    assert.equal(gone[0].changed, false);
    // a fingerprint holding / and + reaches the provider percent-encoded
    const slashed = `SHA256:${"a/b+".repeat(10)}abc`;
    const none = await call(
      "DELETE",
      `host-a/user/alice/ssh-key/${encodeURIComponent(slashed)}`,
      "DeleteNodeUserSSHKey",
    );
    assert.deepEqual(pick(none, "fingerprint", "changed"), [[slashed, false]]);
    assert.deepEqual(
      (await call("GET", "host-b/user/alice/ssh-key", "GetNodeUserSSHKey"))[0].keys,
      [],
    );
    const nobody = await call("GET", "host-b/user/bob/ssh-key", "GetNodeUserSSHKey");
    assert.match(String(nobody[0].error), /no user bob/);

    const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
      nodeProblem(api, method, `host-a/${path}`, body, detail);
    await problem("POST", "user/alice/ssh-key", { key: "ssh-foo AAAA" }, /key: type "ssh-foo"/);
    await problem("POST", "user/alice/ssh-key", { key: "ssh-ed25519 !!" }, /key/);
    await problem("DELETE", "user/alice/ssh-key/MD5:aa", undefined, /fingerprint/);
    await problem("GET", "user/-x/ssh-key", undefined, /name/);

    const reader = await api.as({ roles: ["read"] });
    assert.equal((await reader.call("GET", "/api/node/host-a/user/alice/ssh-key")).status, 200);
    const denied = await reader.call("POST", "/api/node/host-a/user/alice/ssh-key", {
      body: { key: key.line },
    });
    assert.equal(denied.status, 403);
  },
});
