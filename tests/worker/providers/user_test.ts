/**
 * The user and group providers on a temporary root, with the real shadow tools
 * (`useradd --root`, `chpasswd --root -e`, ...): the root's etc/passwd, group and shadow are
 * the state; password hashes never come out.
 */
import assert from "node:assert/strict";
import type { Provider } from "../../../src/worker/providers/mod.ts";
import groupCreate from "../../../src/worker/providers/group_create.ts";
import groupDelete from "../../../src/worker/providers/group_delete.ts";
import groupGet from "../../../src/worker/providers/group_get.ts";
import groupList from "../../../src/worker/providers/group_list.ts";
import groupUpdate from "../../../src/worker/providers/group_update.ts";
import userCreate from "../../../src/worker/providers/user_create.ts";
import userDelete from "../../../src/worker/providers/user_delete.ts";
import userGet from "../../../src/worker/providers/user_get.ts";
import userList from "../../../src/worker/providers/user_list.ts";
import userPassword from "../../../src/worker/providers/user_password.ts";
import userUpdate from "../../../src/worker/providers/user_update.ts";
import { seedAccountsRoot } from "../../helpers/accounts_root.ts";
import { testContext } from "./ctx.ts";

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    await fn(await seedAccountsRoot(root));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

// deno-lint-ignore no-explicit-any
type AnyProvider = Provider<any, any>;

Deno.test("users: create, get, list, update, password, delete with the shadow tools", () =>
  withRoot(async (root) => {
    const ctx = testContext(undefined, root);
    const run = (p: AnyProvider, data: Record<string, unknown>) => p.run(p.validate(data), ctx);
    assert.deepEqual(await run(groupCreate, { name: "devs", gid: 2000 }), {
      name: "devs",
      changed: true,
    });
    const alice = { name: "alice", uid: 1500, shell: "/bin/sh", groups: ["devs"] };
    assert.deepEqual(await run(userCreate, { ...alice, password: "s3cret pass" }), {
      name: "alice",
      changed: true,
    });
    assert.equal((await run(userCreate, alice)).changed, false);
    await assert.rejects(run(userCreate, { ...alice, uid: 1501 }), /already exists.*uid/);
    assert.ok((await Deno.stat(`${root}/home/alice`)).isDirectory);

    const shadow = await Deno.readTextFile(`${root}/etc/shadow`);
    assert.match(shadow, /^alice:\$6\$[^:]+:/m);
    assert.ok(!shadow.includes("s3cret"));
    const got = await run(userGet, { name: "alice" });
    assert.deepEqual(got, {
      users: [{
        name: "alice",
        uid: 1500,
        gid: 1500,
        home: "/home/alice",
        shell: "/bin/sh",
        groups: ["devs"],
        locked: false,
      }],
    });
    assert.ok(!JSON.stringify(await run(userList, {})).includes("$6$"));
    assert.deepEqual(
      (await run(userList, {})).users.map((u: { name: string }) => u.name),
      ["root", "alice"],
    );
    await assert.rejects(run(userGet, { name: "bob" }), /no user bob/);

    // the same password again: unchanged (the stored SHA-512 hash is recomputed with its salt)
    assert.equal(
      (await run(userPassword, { name: "alice", password: "s3cret pass" })).changed,
      false,
    );
    assert.equal((await run(userPassword, { name: "alice", password: "other" })).changed, true);
    const hash = "$6$abcdefgh$" + "A".repeat(86);
    assert.equal((await run(userPassword, { name: "alice", password_hash: hash })).changed, true);
    assert.ok((await Deno.readTextFile(`${root}/etc/shadow`)).includes(`\nalice:${hash}:`));
    assert.equal((await run(userPassword, { name: "alice", password_hash: hash })).changed, false);

    assert.equal((await run(userUpdate, { name: "alice", lock: true })).changed, true);
    assert.equal((await run(userGet, { name: "alice" })).users[0].locked, true);
    assert.equal((await run(userUpdate, { name: "alice", lock: true })).changed, false);
    assert.equal(
      (await run(userUpdate, { name: "alice", groups: [], shell: "/bin/bash" })).changed,
      true,
    );
    const updated = (await run(userGet, { name: "alice" })).users[0];
    assert.deepEqual([updated.shell, updated.groups], ["/bin/bash", []]);
    await assert.rejects(run(userUpdate, { name: "alice", groups: ["nope"] }), /no group nope/);
    await assert.rejects(run(userUpdate, { name: "bob", lock: true }), /no user bob/);

    assert.equal((await run(userDelete, { name: "alice" })).changed, true);
    assert.equal((await run(userDelete, { name: "alice" })).changed, false);
    assert.doesNotMatch(await Deno.readTextFile(`${root}/etc/passwd`), /^alice:/m);
  }));

Deno.test("groups: create, get, list, members, delete", () =>
  withRoot(async (root) => {
    const ctx = testContext(undefined, root);
    const run = (p: AnyProvider, data: Record<string, unknown>) => p.run(p.validate(data), ctx);
    await run(userCreate, { name: "bob" });
    await run(userCreate, { name: "carol", system: true });
    assert.equal((await run(groupCreate, { name: "ops" })).changed, true);
    assert.equal((await run(groupCreate, { name: "ops" })).changed, false);
    const gid = (await run(groupGet, { name: "ops" })).groups[0].gid;
    await assert.rejects(run(groupCreate, { name: "ops", gid: gid + 1 }), /already exists/);
    assert.equal(
      (await run(groupUpdate, { name: "ops", members: ["carol", "bob"] })).changed,
      true,
    );
    assert.equal(
      (await run(groupUpdate, { name: "ops", members: ["bob", "carol"] })).changed,
      false,
    );
    assert.deepEqual((await run(groupGet, { name: "ops" })).groups, [{
      name: "ops",
      gid,
      members: ["bob", "carol"],
    }]);
    assert.deepEqual((await run(userGet, { name: "bob" })).users[0].groups, ["ops"]);
    await assert.rejects(run(groupUpdate, { name: "ops", members: ["zed"] }), /no user zed/);
    assert.equal((await run(groupUpdate, { name: "ops", members: [] })).changed, true);
    assert.deepEqual((await run(groupGet, { name: "ops" })).groups[0].members, []);
    const names = (await run(groupList, {})).groups.map((g: { name: string }) => g.name);
    assert.deepEqual(names, ["root", "users", "bob", "carol", "ops"]);
    assert.equal((await run(groupDelete, { name: "ops" })).changed, true);
    assert.equal((await run(groupDelete, { name: "ops" })).changed, false);
    await assert.rejects(run(groupGet, { name: "ops" }), /no group ops/);
  }));

Deno.test("user and group input is checked strictly; passwords never show in errors", () => {
  const refuse = (p: AnyProvider, data: Record<string, unknown>, field: RegExp) =>
    assert.throws(() => p.validate(data), field);
  refuse(userCreate, { name: "-rf" }, /name/);
  refuse(userCreate, { name: "Alice" }, /name/);
  refuse(userCreate, { name: "a".repeat(33) }, /name/);
  refuse(userCreate, { name: "al/ce" }, /name/);
  refuse(userCreate, { name: "alice", home: "/home/../etc" }, /home/);
  refuse(userCreate, { name: "alice", home: "home/alice" }, /home/);
  refuse(userCreate, { name: "alice", shell: "/bin/sh:x" }, /shell/);
  refuse(userCreate, { name: "alice", groups: ["-G"] }, /groups/);
  refuse(userCreate, { name: "alice", uid: -1 }, /uid/);
  refuse(userUpdate, { name: "alice" }, /give shell, home, groups or lock/);
  refuse(userPassword, { name: "alice" }, /either password or password_hash/);
  refuse(userPassword, { name: "alice", password_hash: "plain" }, /password_hash/);
  refuse(groupUpdate, { name: "ops", members: ["a b"] }, /members/);
  try {
    userPassword.validate({ name: "alice", password: "top\nsecret" });
    assert.fail("accepted a password with a newline");
  } catch (e) {
    assert.match(String(e), /password must be one line without control characters/);
    assert.ok(!String(e).includes("secret"));
  }
});
