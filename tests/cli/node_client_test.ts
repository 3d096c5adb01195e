/**
 * `osapi client node ...` as a real child process against a test API (real nats-server and
 * workers on temporary roots): commands derived from the node domains' declarations.
 */
import assert from "node:assert/strict";
import { startTestApi, testToken } from "../helpers/api.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { fakeZoneinfo } from "../helpers/zoneinfo.ts";

Deno.test("osapi client node sysctl/cron/timezone/hostname run the node operations", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  await fakeZoneinfo(roots["host-a"]);
  const cwd = await Deno.makeTempDir({ prefix: "osapi-node-cli-" });
  try {
    const token = await testToken();
    const client = async (...args: string[]) => {
      const r = await runOsapi(["client", "--url", api.url, "--token", token, ...args], { cwd });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    const created = JSON.parse(
      await client("--json", "node", "sysctl", "create", "vm.swappiness", "10", "-t", "host-a"),
    );
    assert.deepEqual(
      created.results.map((r: Record<string, unknown>) => [r.hostname, r.key, r.changed]),
      [["host-a", "vm.swappiness", true]],
    );
    const table = await client("node", "sysctl", "list", "-t", "host-a");
    assert.match(table, /vm\.swappiness/);
    assert.match(table, /\b10\b/);

    await client(
      "node",
      "cron",
      "create",
      "nightly",
      "/bin/true",
      "--schedule",
      "@daily",
      "-t",
      "host-a",
    );
    assert.match(
      await Deno.readTextFile(`${roots["host-a"]}/etc/cron.d/nightly`),
      /^@daily root \/bin\/true$/m,
    );

    const tz = JSON.parse(
      await client(
        "--json",
        "node",
        "timezone",
        "update",
        "Europe/Berlin",
        "-t",
        "host-a",
      ),
    );
    assert.equal(tz.results[0].changed, true);
    assert.equal(await Deno.readTextFile(`${roots["host-a"]}/etc/timezone`), "Europe/Berlin\n");

    await client("node", "hostname", "set", "web-01", "-t", "host-a");
    assert.equal(await Deno.readTextFile(`${roots["host-a"]}/etc/hostname`), "web-01\n");
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
