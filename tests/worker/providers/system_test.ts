import assert from "node:assert/strict";
import { hostnameGet } from "../../../src/worker/providers/hostname.ts";
import { formatUptime, parseUptime, uptimeGet } from "../../../src/worker/providers/uptime.ts";
import { loadGet, parseLoadavg } from "../../../src/worker/providers/load.ts";
import { memoryGet, parseMeminfo } from "../../../src/worker/providers/memory.ts";
import { osGet, parseOsRelease } from "../../../src/worker/providers/os.ts";
import { diskGet, parseDf } from "../../../src/worker/providers/disk.ts";
import { statusGet } from "../../../src/worker/providers/status.ts";
import { OperationInputError } from "../../../src/core/job.ts";
import type { Provider } from "../../../src/worker/providers/mod.ts";
import { testContext } from "./ctx.ts";

const noInputProviders = [hostnameGet, uptimeGet, loadGet, memoryGet, osGet, diskGet, statusGet];

async function run<O>(p: Provider<Record<string, never>, O>): Promise<O> {
  return await p.run(p.validate({}), testContext());
}

Deno.test("system.hostname.get equals Deno.hostname()", async () => {
  assert.deepEqual(await run(hostnameGet), { hostname: Deno.hostname() });
});

Deno.test("system.uptime.get matches /proc/uptime", async () => {
  const before = parseUptime(await Deno.readTextFile("/proc/uptime"));
  const r = await run(uptimeGet);
  assert.ok(r.uptime_seconds >= before && r.uptime_seconds <= before + 60);
  assert.match(r.uptime, /^\d+ days?, \d+ hours?, \d+ minutes?$/);
  assert.equal(formatUptime(4 * 3600 + 60 + 7), "0 days, 4 hours, 1 minute");
  assert.equal(formatUptime(86400 + 2 * 3600 + 120), "1 day, 2 hours, 2 minutes");
  assert.equal(parseUptime("761.88 1399.19\n"), 761);
  assert.throws(() => parseUptime("garbage"), /unexpected \/proc\/uptime content/);
});

Deno.test("system.load.get has three load averages like /proc/loadavg", async () => {
  const r = await run(loadGet);
  assert.deepEqual(Object.keys(r), ["1min", "5min", "15min"]);
  for (const v of Object.values(r)) assert.ok(Number.isFinite(v) && v >= 0);
  assert.deepEqual(parseLoadavg("0.17 0.20 0.11 1/89 9012\n"), {
    "1min": 0.17,
    "5min": 0.2,
    "15min": 0.11,
  });
  assert.throws(() => parseLoadavg("x y"), /unexpected \/proc\/loadavg/);
});

Deno.test("system.memory.get: total equals MemTotal of /proc/meminfo", async () => {
  const meminfo = await Deno.readTextFile("/proc/meminfo");
  const memTotalKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)![1]);
  const r = await run(memoryGet);
  assert.ok(r.total > 0);
  assert.equal(r.total, memTotalKb * 1024);
  assert.ok(r.free > 0 && r.free <= r.total);
  assert.equal(r.used + r.available, r.total);
});

Deno.test("parseMeminfo: bytes, and MemAvailable estimated on old kernels", () => {
  const m = parseMeminfo(
    "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSwapTotal: 8 kB\nSwapFree: 4 kB\n",
  );
  assert.deepEqual(m, {
    total: 1024000,
    free: 102400,
    used: 614400,
    available: 409600,
    buffers: 51200,
    cached: 256000,
    swap_total: 8192,
    swap_free: 4096,
  });
  assert.throws(() => parseMeminfo("Nothing: 1 kB"), /no MemTotal/);
});

Deno.test("system.os.get: distribution and version from /etc/os-release, kernel release", async () => {
  const rel = parseOsRelease(await Deno.readTextFile("/etc/os-release"));
  const r = await run(osGet);
  assert.equal(r.distribution, rel.NAME);
  assert.equal(r.version, rel.VERSION_ID ?? "");
  assert.equal(r.kernel, Deno.osRelease());
  assert.ok(r.distribution.length > 0);
  assert.deepEqual(
    parseOsRelease('NAME="Ubuntu"\nVERSION_ID="24.04"\n# c\nID=ubuntu\nX=\'a b\'\nY="q\\"x"\n'),
    { NAME: "Ubuntu", VERSION_ID: "24.04", ID: "ubuntu", X: "a b", Y: 'q"x' },
  );
});

Deno.test("system.disk.get: the root file system, with sizes that add up", async () => {
  const { disks } = await run(diskGet);
  const root = disks.find((d) => d.mount === "/");
  assert.ok(root, `no / in ${JSON.stringify(disks)}`);
  assert.ok(root.total > 0 && root.used >= 0 && root.free >= 0);
  assert.ok(root.used + root.free <= root.total);
  assert.ok(root.name.length > 0 && root.fstype.length > 0);
  assert.ok(disks.every((d) => d.fstype !== "tmpfs" && d.fstype !== "proc"));
});

Deno.test("parseDf: spaces in mount points, pseudo and empty file systems left out", () => {
  const text = [
    "Filesystem Type 1-blocks Used Available Capacity Mounted on",
    "/dev/sda1  ext4  1000 400 500 45% /",
    "tmpfs      tmpfs 2000 0 2000 0% /run",
    "/dev/sdb1  xfs   3000 1000 2000 34% /mnt/my disk",
    "none       ext4  0 0 0 - /empty",
  ].join("\n");
  assert.deepEqual(parseDf(text), [
    { name: "/dev/sda1", mount: "/", fstype: "ext4", total: 1000, used: 400, free: 500 },
    {
      name: "/dev/sdb1",
      mount: "/mnt/my disk",
      fstype: "xfs",
      total: 3000,
      used: 1000,
      free: 2000,
    },
  ]);
});

Deno.test("system.status.get composes hostname, uptime, load, memory, disks and OS", async () => {
  const s = await run(statusGet);
  assert.equal(s.hostname, Deno.hostname());
  assert.equal(s.errors, undefined);
  assert.match(s.uptime!, /days?/);
  assert.equal(Object.keys(s.load_average!).length, 3);
  assert.ok(s.memory!.total > 0);
  assert.ok(s.disks!.some((d) => d.mount === "/"));
  assert.equal(s.os_info!.distribution, (await run(osGet)).distribution);
});

Deno.test("system providers take no input: anything else is an OperationInputError", () => {
  for (const p of noInputProviders) {
    assert.equal(p.kind, "query");
    assert.deepEqual(p.validate(undefined), {});
    for (const bad of [{ x: 1 }, "x", 3, [1]]) {
      assert.throws(
        () => p.validate(bad),
        (e: unknown) => e instanceof OperationInputError && e.message.includes(p.type),
        `${p.type} accepted ${JSON.stringify(bad)}`,
      );
    }
  }
});
