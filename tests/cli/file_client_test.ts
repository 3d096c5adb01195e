/**
 * `osapi client file ...` and `osapi client node file deploy` as real child processes against a
 * test API (real nats-server, object store and workers on temporary roots).
 */
import assert from "node:assert/strict";
import { startTestApi, testToken } from "../helpers/api.ts";
import { runOsapi } from "../helpers/osapi.ts";

Deno.test("osapi client file upload/list/get/stale/delete and node file deploy", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  const cwd = await Deno.makeTempDir({ prefix: "osapi-file-cli-" });
  try {
    const token = await testToken();
    const osapi = (...args: string[]) =>
      runOsapi(["client", "--url", api.url, "--token", token, ...args], { cwd });
    const client = async (...args: string[]) => {
      const r = await osapi(...args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    await Deno.writeTextFile(`${cwd}/motd`, "hello\n");
    const up = JSON.parse(await client("--json", "file", "upload", "motd", `${cwd}/motd`));
    assert.deepEqual([up.name, up.size, up.changed], ["motd", 6, true]);
    assert.match(await client("file", "list"), /motd\s+6\s+[0-9a-f]+…?\s+raw/);
    assert.match(await client("file", "get", "motd"), /sha256/);

    await client(
      "node",
      "file",
      "deploy",
      "motd",
      "/etc/motd",
      "--content-type",
      "raw",
      "-t",
      "host-a",
    );
    assert.equal(await Deno.readTextFile(`${roots["host-a"]}/etc/motd`), "hello\n");

    await Deno.writeTextFile(`${cwd}/motd`, "changed\n");
    const refused = await osapi("file", "upload", "motd", `${cwd}/motd`);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /409 .*force=true/);
    await client("file", "upload", "motd", `${cwd}/motd`, "--force");
    assert.match(await client("file", "stale"), /host-a\s+\/etc\/motd\s+motd/);

    assert.match(await client("file", "delete", "motd"), /deleted\s+true/);
    const gone = await osapi("file", "get", "motd");
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /404/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
