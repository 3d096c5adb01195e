/**
 * `osapi client` output for people: byte fields in KiB/MiB/GiB, nested results laid out as
 * fields and tables (not JSON blobs), `--json` the API's raw JSON. Unit checks of the layout,
 * then the real CLI as a child process against a test API (real nats-server and workers).
 */
import assert from "node:assert/strict";
import { humanBytes, resultsTable } from "../../src/cli/client_output.ts";
import { startTestApi, testToken } from "../helpers/api.ts";
import { runOsapi } from "../helpers/osapi.ts";

Deno.test("humanBytes uses binary units", () => {
  assert.equal(humanBytes(512), "512 B");
  assert.equal(humanBytes(1024), "1.0 KiB");
  assert.equal(humanBytes(1536 * 1024), "1.5 MiB");
  assert.equal(humanBytes(8 * 1024 ** 3), "8.0 GiB");
  assert.equal(humanBytes(3 * 1024 ** 4), "3.0 TiB");
});

Deno.test("resultsTable lays out nested objects and lists of objects", () => {
  const text = resultsTable([{
    hostname: "host-a",
    status: "ok",
    uptime: "1 day",
    load_average: { "1min": 0.5, "5min": 0.25, "15min": 0.1 },
    memory: { total: 2 * 1024 ** 3, free: 1024 ** 3, used: 1024 ** 3 },
    disks: [{ name: "/", total: 10 * 1024 ** 3, used: 4 * 1024 ** 3, free: 6 * 1024 ** 3 }],
    servers: ["192.0.2.1", "192.0.2.2"],
  }], { bytes: ["total", "free", "used"] });
  assert.match(text, /^host-a$/m);
  assert.match(text, /^ {2}memory\.total +2\.0 GiB$/m);
  assert.match(text, /^ {2}load_average\.1min +0\.5$/m);
  assert.match(text, /^ {2}servers +192\.0\.2\.1, 192\.0\.2\.2$/m);
  assert.match(
    text,
    /^DISKS\nHOSTNAME +NAME +TOTAL +USED +FREE\nhost-a +\/ +10\.0 GiB +4\.0 GiB +6\.0 GiB$/m,
  );
  assert.ok(!text.includes("{"), "no JSON blobs");
  // narrow results stay one row per host
  const narrow = resultsTable([
    { hostname: "a", status: "ok", total: 2048 },
    { hostname: "b", status: "failed", error: "no answer" },
  ], { bytes: ["total"] });
  assert.match(narrow, /^HOSTNAME +STATUS +TOTAL +ERROR\na +ok +2\.0 KiB\nb +failed +no answer$/m);
});

Deno.test("osapi client prints sizes, nested results and --json raw", async () => {
  await using api = await startTestApi({ workers: [{ hostname: "host-a" }] });
  const token = await testToken();
  const cwd = await Deno.makeTempDir({ prefix: "osapi-cli-output-" });
  const client = async (...args: string[]) => {
    const r = await runOsapi(["client", "--url", api.url, "--token", token, ...args], { cwd });
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  try {
    const status = await client("system", "status", "-t", "host-a");
    assert.match(status, /^host-a$/m);
    assert.match(status, /^ {2}memory\.total +\d+\.\d (KiB|MiB|GiB|TiB)$/m);
    assert.match(status, /^ {2}load_average\.1min +[\d.]+$/m);
    assert.match(status, /^DISKS$/m);
    assert.ok(!/[{[]"/.test(status), `no JSON blobs:\n${status}`);

    const memory = await client("system", "memory", "-t", "host-a");
    assert.match(memory, /^host-a$/m);
    assert.match(memory, /^ {2}total +\d+\.\d (MiB|GiB|TiB)$/m);
    assert.match(memory, /^ {2}available +\d+(\.\d)? (B|KiB|MiB|GiB|TiB)$/m);
    const disks = await client("system", "disk", "-t", "host-a");
    assert.match(disks, /^HOSTNAME +NAME .*TOTAL +USED +FREE$/m);
    assert.match(disks, /^host-a +.* \d+(\.\d)? (B|KiB|MiB|GiB|TiB)$/m);

    const raw = JSON.parse(await client("--json", "system", "memory", "-t", "host-a"));
    assert.equal(typeof raw.results[0].total, "number", "--json keeps raw numbers");

    const deleted = await client("network", "dns", "delete", "eth0", "-t", "host-a");
    assert.match(deleted, /^HOSTNAME +STATUS +INTERFACE_NAME +CHANGED/m);
    assert.match(deleted, /^host-a +ok +eth0 +true/m);
    assert.doesNotMatch(
      await Deno.readTextFile(`${api.stack!.dnsDir}/resolv.conf`),
      /nameserver/,
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
