/**
 * `osapi client node process|ntp|certificate|log ...` as real child processes against a test
 * API: host-a reads the live /proc (root "/"; only the test's own `sleep` is signalled), host-b
 * has a temporary root seeded with chrony's layout.
 */
import assert from "node:assert/strict";
import { startTestApi, testToken } from "../helpers/api.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { makeTestPki } from "../helpers/tls.ts";
import { NTP_FILES } from "../../src/worker/providers/ntp_config.ts";
import { findOnPath } from "../../src/worker/providers/process.ts";

Deno.test("osapi client node process/ntp/certificate/log run the node operations", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-node-cli-" });
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const rootB = `${dir}/host-b`;
    await Deno.mkdir(`${rootB}/etc/chrony`, { recursive: true });
    await Deno.writeTextFile(
      `${rootB}/${NTP_FILES.chrony.main}`,
      "sourcedir /etc/chrony/sources.d\n",
    );
    await using api = await startTestApi({
      workers: [{ hostname: "host-a", root: "/" }, { hostname: "host-b", root: rootB }],
    });
    const token = await testToken();
    const client = async (...args: string[]) => {
      const r = await runOsapi(["client", "--url", api.url, "--token", token, ...args], {
        cwd: dir,
      });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    const processes = await client("node", "process", "list", "-t", "host-a");
    assert.match(processes, /^HOSTNAME\s+PID\s+NAME/m);
    assert.match(processes, new RegExp(`^host-a\\s+${child.pid}\\s+sleep\\b`, "m"));
    const sent = JSON.parse(
      await client(
        "--json",
        "node",
        "process",
        "signal",
        String(child.pid),
        "TERM",
        "-t",
        "host-a",
      ),
    );
    assert.deepEqual(
      sent.results.map((r: Record<string, unknown>) => [r.pid, r.signal, r.changed]),
      [[child.pid, "TERM", true]],
    );
    assert.equal((await child.status).signal, "SIGTERM");

    await client("node", "ntp", "create", "192.0.2.1", "ntp.example", "-t", "host-b");
    assert.match(
      await Deno.readTextFile(`${rootB}/${NTP_FILES.chrony.managed}`),
      /^server 192\.0\.2\.1 iburst\nserver ntp\.example iburst$/m,
    );
    assert.match(await client("node", "ntp", "get", "-t", "host-b"), /chrony/);

    if (await findOnPath("update-ca-certificates")) {
      const pki = await makeTestPki(dir);
      const pem = await Deno.readTextFile(pki.ca);
      await client("node", "certificate", "create", "corp-ca", "--content", pem, "-t", "host-b");
      const list = await client("node", "certificate", "list", "-t", "host-b");
      assert.match(list, /^host-b\s+corp-ca\s+custom\s+true$/m);
    }
    // a host that failed: its error in the table, exit status 1
    const logs = await runOsapi([
      "client",
      "--url",
      api.url,
      "--token",
      token,
      ...["node", "log", "entries", "--lines", "5", "-t", "host-b"],
    ], { cwd: dir });
    assert.equal(logs.code, 1, logs.stderr);
    assert.match(logs.stdout + logs.stderr, /no systemd journal on this host/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
