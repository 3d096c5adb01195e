/**
 * `osapi client node user|group|power ...` as a real child process against a test API (real
 * nats-server and workers on temporary roots seeded with account files).
 */
import assert from "node:assert/strict";
import { startTestApi, testToken } from "../helpers/api.ts";
import { seedAccountsRoot } from "../helpers/accounts_root.ts";
import { runOsapi } from "../helpers/osapi.ts";

const KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl cli@test";

Deno.test("osapi client node user/group/power run the account and power operations", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  await seedAccountsRoot(roots["host-a"]);
  const cwd = await Deno.makeTempDir({ prefix: "osapi-node-cli-" });
  try {
    const token = await testToken();
    const client = async (...args: string[]) => {
      const r = await runOsapi(["client", "--url", api.url, "--token", token, ...args], { cwd });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    await client("node", "group", "create", "ops", "-t", "host-a");
    await client("node", "user", "create", "bob", "--uid", "1700", "-t", "host-a");
    const users = await client("node", "user", "list", "-t", "host-a");
    assert.match(users, /^HOSTNAME +NAME +UID +GID +HOME +SHELL +GROUPS +LOCKED$/m);
    assert.match(users, /\bbob +1700 +1700 +\/home\/bob\b/);
    assert.match(users, /\broot\b/);
    assert.match(await client("node", "group", "list", "-t", "host-a"), /\bops\b/);

    const added = JSON.parse(
      await client("--json", "node", "user", "ssh-key", "add", "bob", KEY, "-t", "host-a"),
    );
    const fingerprint = added.results[0].fingerprint as string;
    assert.match(fingerprint, /^SHA256:/);
    const keys = await client("node", "user", "ssh-key", "list", "bob", "-t", "host-a");
    assert.ok(keys.includes(fingerprint), keys);

    await client("node", "power", "reboot", "--delay", "120", "-t", "host-a");
    const record = JSON.parse(
      await Deno.readTextFile(`${roots["host-a"]}/run/osapi/power-request.json`),
    );
    assert.deepEqual(record.argv, ["shutdown", "-r", "--", "+2"]);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
