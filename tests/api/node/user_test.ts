/**
 * `/api/node/{hostname}/user[...]` and `/group[...]` end to end: API, real nats-server and
 * workers on temporary roots seeded with account files; the real shadow tools change them.
 * Answers are checked against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { seedAccountsRoot } from "../../helpers/accounts_root.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";

async function accountsApi(): Promise<TestApi> {
  const api = await startTestApi();
  for (const root of Object.values(api.stack!.roots)) await seedAccountsRoot(root);
  return api;
}

Deno.test("users and groups through the API: create, list, get, update, password, delete", async () => {
  await using api = await accountsApi();
  const roots = api.stack!.roots;
  const call = (method: string, path: string, operationId: string, body?: unknown) =>
    nodeCall(api, method, path, operationId, body);

  const group = await call("POST", "_all/group", "PostNodeGroup", { name: "devs", gid: 2000 });
  assert.deepEqual(pick(group, "hostname", "status", "name", "changed"), [
    ["host-a", "ok", "devs", true],
    ["host-b", "ok", "devs", true],
  ]);
  const alice = { name: "alice", uid: 1500, groups: ["devs"], password: "pw one" };
  const created = await call("POST", "_all/user", "PostNodeUser", alice);
  assert.deepEqual(pick(created, "hostname", "name", "changed"), [
    ["host-a", "alice", true],
    ["host-b", "alice", true],
  ]);
  assert.equal((await call("POST", "host-a/user", "PostNodeUser", alice))[0].changed, false);
  assert.match(await Deno.readTextFile(`${roots["host-a"]}/etc/shadow`), /^alice:\$6\$/m);

  const list = await call("GET", "host-a/user", "GetNodeUser");
  assert.equal(list.length, 1);
  const users = list[0].users as Record<string, unknown>[];
  assert.deepEqual(users.map((u) => u.name), ["root", "alice"]);
  assert.ok(!JSON.stringify(list).includes("$6$"));
  const got = await call("GET", "host-b/user/alice", "GetNodeUserByName");
  const { shell: _shell, ...info } = (got[0].users as Record<string, unknown>[])[0];
  assert.deepEqual(info, {
    name: "alice",
    uid: 1500,
    gid: 1500,
    home: "/home/alice",
    groups: ["devs"],
    locked: false,
  });
  const none = await call("GET", "host-b/user/bob", "GetNodeUserByName");
  assert.equal(none[0].status, "failed");
  assert.match(String(none[0].error), /no user bob/);

  const pw = await call("POST", "host-a/user/alice/password", "PostNodeUserPassword", {
    password: "pw two",
  });
  assert.deepEqual(pick(pw, "name", "changed"), [["alice", true]]);
  // the API hashed the password before the job was stored: its record holds only the hash
  const jobs = await api.admin.call("GET", "/job");
  assert.equal(jobs.status, 200, jobs.text);
  assert.ok(!jobs.text.includes("pw two") && !jobs.text.includes("pw one"), jobs.text);
  const r = await api.admin.call("POST", "/api/node/host-a/user/alice/password", {
    body: { password: "pw three" },
  });
  const record = await api.admin.call("GET", `/job/${r.body.job_id}`);
  assert.equal(record.status, 200, record.text);
  assert.ok(!record.text.includes("pw three"), record.text);
  assert.match(record.text, /"password_hash":"\$6\$/);
  const updated = await call("PUT", "host-a/user/alice", "PutNodeUser", {
    shell: "/bin/sh",
    lock: true,
  });
  assert.equal(updated[0].changed, true);
  const after = (await call("GET", "host-a/user/alice", "GetNodeUserByName"))[0].users as {
    shell: string;
    locked: boolean;
  }[];
  assert.deepEqual([after[0].shell, after[0].locked], ["/bin/sh", true]);

  const members = await call("PUT", "host-a/group/devs", "PutNodeGroup", { members: ["root"] });
  assert.equal(members[0].changed, true);
  const groups = await call("GET", "host-a/group/devs", "GetNodeGroupByName");
  assert.deepEqual(groups[0].groups, [{ name: "devs", gid: 2000, members: ["root"] }]);
  const all = await call("GET", "_all/group", "GetNodeGroup");
  assert.equal(all.length, 2);

  assert.equal((await call("DELETE", "host-a/user/alice", "DeleteNodeUser"))[0].changed, true);
  assert.equal((await call("DELETE", "host-a/user/alice", "DeleteNodeUser"))[0].changed, false);
  assert.equal((await call("DELETE", "host-a/group/devs", "DeleteNodeGroup"))[0].changed, true);
  assert.doesNotMatch(await Deno.readTextFile(`${roots["host-a"]}/etc/group`), /^devs:/m);
});

Deno.test("bad user input is a 400 problem naming the field; user:read cannot write", async () => {
  await using api = await accountsApi();
  const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, method, `host-a/${path}`, body, detail);
  await problem("POST", "user", { name: "-o" }, /name/);
  await problem("POST", "user", { name: "alice", home: "/home/../root" }, /home/);
  await problem("POST", "user", { name: "alice", groups: ["a,b"] }, /groups/);
  await problem("GET", "user/Alice", undefined, /name/);
  await problem("PUT", "user/alice", {}, /give shell, home, groups or lock/);
  await problem("POST", "user/alice/password", {}, /either password or password_hash/);
  await problem("POST", "group", { name: "a:b" }, /name/);
  await problem("PUT", "group/devs", { members: ["-x"] }, /members/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/user")).status, 200);
  assert.equal((await reader.call("GET", "/api/node/host-a/group")).status, 200);
  const denied = await reader.call("POST", "/api/node/host-a/user", { body: { name: "eve" } });
  assert.equal(denied.status, 403);
  const writer = await api.as({ roles: ["write"] });
  const ok = await writer.call("POST", "/api/node/host-a/group", { body: { name: "eve" } });
  assert.equal(ok.status, 200);
});
