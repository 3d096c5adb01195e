/**
 * The SSH authorized key providers on a temporary root: `<root>/home/<user>/.ssh/authorized_keys`
 * with keys made by the real ssh-keygen, fingerprints compared with `ssh-keygen -lf`.
 */
import assert from "node:assert/strict";
import userCreate from "../../../src/worker/providers/user_create.ts";
import userSshKeyAdd from "../../../src/worker/providers/user_ssh_key_add.ts";
import userSshKeyList from "../../../src/worker/providers/user_ssh_key_list.ts";
import userSshKeyRemove from "../../../src/worker/providers/user_ssh_key_remove.ts";
import { parseKeyLine } from "../../../src/worker/providers/user_ssh_keys.ts";
import { seedAccountsRoot } from "../../helpers/accounts_root.ts";
import { haveSshKeygen, makeSshKey } from "../../helpers/ssh_keys.ts";
import { testContext } from "./ctx.ts";

const keygen = await haveSshKeygen();
if (!keygen) console.log("skipping the ssh-keygen comparisons: ssh-keygen is not installed");

Deno.test({
  name: "ssh keys: add, list, remove by fingerprint; 0700/0600 owned by the user",
  ignore: !keygen,
  fn: async () => {
    const root = await seedAccountsRoot(await Deno.makeTempDir({ prefix: "osapi-root-" }));
    try {
      const ctx = testContext(undefined, root);
      await userCreate.run(userCreate.validate({ name: "alice", uid: 1600 }), ctx);
      const add = (key: string) =>
        userSshKeyAdd.run(userSshKeyAdd.validate({ name: "alice", key }), ctx);
      const list = async () =>
        (await userSshKeyList.run(userSshKeyList.validate({ name: "alice" }), ctx)).keys;
      assert.deepEqual(await list(), []);
      const ed = await makeSshKey("ed25519", "alice@laptop");
      const ec = await makeSshKey("ecdsa", "");
      const rsa = await makeSshKey("rsa", "ops key");
      assert.deepEqual(await add(ed.line), { fingerprint: ed.fingerprint, changed: true });
      assert.equal((await add(ed.line)).changed, false);
      // the same key under another comment is the same key
      assert.equal((await add(ed.line.replace("alice@laptop", "other"))).changed, false);
      await add(ec.line);
      await add(rsa.line);
      assert.deepEqual(await list(), [
        { type: "ssh-ed25519", fingerprint: ed.fingerprint, comment: "alice@laptop" },
        { type: ec.line.split(" ")[0], fingerprint: ec.fingerprint },
        { type: "ssh-rsa", fingerprint: rsa.fingerprint, comment: "ops key" },
      ]);
      const dir = `${root}/home/alice/.ssh`;
      const dirInfo = await Deno.stat(dir);
      const fileInfo = await Deno.stat(`${dir}/authorized_keys`);
      assert.equal(dirInfo.mode! & 0o777, 0o700);
      assert.equal(fileInfo.mode! & 0o777, 0o600);
      if (Deno.uid() === 0) assert.deepEqual([fileInfo.uid, dirInfo.uid], [1600, 1600]);

      // lines osapi did not write (options, comments) are kept and read
      const text = await Deno.readTextFile(`${dir}/authorized_keys`);
      await Deno.writeTextFile(
        `${dir}/authorized_keys`,
        `# mine\nfrom="10.0.0.0/8",command="echo \\"hi there\\"" ${rsa.line}\n${text}`,
      );
      assert.deepEqual(
        await parseKeyLine(`from="10.0.0.0/8",command="echo \\"hi there\\"" ${rsa.line}`),
        { type: "ssh-rsa", fingerprint: rsa.fingerprint, comment: "ops key" },
      );
      const remove = (fingerprint: string) =>
        userSshKeyRemove.run(userSshKeyRemove.validate({ name: "alice", fingerprint }), ctx);
      assert.deepEqual(await remove(rsa.fingerprint), {
        fingerprint: rsa.fingerprint,
        changed: true,
      });
      assert.equal((await remove(rsa.fingerprint)).changed, false);
      // URL-safe spelling of the fingerprint
      const urlSafe = ed.fingerprint.replace(/\+/g, "-").replace(/\//g, "_");
      assert.equal((await remove(urlSafe)).changed, true);
      assert.equal(
        await Deno.readTextFile(`${dir}/authorized_keys`),
        `# mine\n${ec.line}\n`,
      );
      await assert.rejects(
        userSshKeyList.run(userSshKeyList.validate({ name: "bob" }), ctx),
        /no user bob/,
      );

      // a user without a home directory gets none made by root
      await userCreate.run(userCreate.validate({ name: "svc", system: true }), ctx);
      await assert.rejects(
        userSshKeyAdd.run(userSshKeyAdd.validate({ name: "svc", key: ed.line }), ctx),
        /the home directory of user svc does not exist/,
      );

      // a symlinked authorized_keys is never followed
      await Deno.remove(`${dir}/authorized_keys`);
      await Deno.symlink(`${root}/etc/shadow`, `${dir}/authorized_keys`);
      await assert.rejects(add(ed.line), /symbolic link/);
      assert.doesNotMatch(await Deno.readTextFile(`${root}/etc/shadow`), /ssh-/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("ssh key input: key types, base64 data and fingerprints are checked", () => {
  const ed = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
  const refuse = (data: Record<string, unknown>, detail: RegExp) =>
    assert.throws(() => userSshKeyAdd.validate({ name: "alice", ...data }), detail);
  assert.doesNotThrow(() => userSshKeyAdd.validate({ name: "alice", key: `${ed} a@b` }));
  refuse({ key: ed.replace("ssh-ed25519", "ssh-dss") }, /key type "ssh-dss" is not one of/);
  refuse({ key: ed.replace("ssh-ed25519", "ssh-rsa") }, /key data is a ssh-ed25519 key/);
  refuse({ key: "ssh-ed25519 not*base64" }, /key is not valid base64/);
  refuse({ key: `${ed}\nssh-ed25519 AAAA` }, /key must be one line/);
  refuse({ key: `command="x" ${ed}` }, /key/);
  refuse({ key: "" }, /key must be one line/);
  assert.throws(
    () => userSshKeyRemove.validate({ name: "alice", fingerprint: "MD5:aa:bb" }),
    /fingerprint/,
  );
  assert.throws(
    () => userSshKeyRemove.validate({ name: "-x", fingerprint: `SHA256:${"a".repeat(43)}` }),
    /name/,
  );
});
