/** Fact parsing of /proc and /etc/os-release texts, and the facts of this machine. */
import assert from "node:assert/strict";
import {
  collectFacts,
  interfaceFacts,
  parseMeminfo,
  parseOsRelease,
  parseRoutes,
} from "../../src/worker/facts.ts";

Deno.test("os-release, meminfo and interface lists parse into facts", () => {
  assert.deepEqual(parseOsRelease('NAME="Debian GNU/Linux"\nVERSION_ID="12"\n# c\n'), {
    NAME: "Debian GNU/Linux",
    VERSION_ID: "12",
  });
  assert.deepEqual(parseMeminfo("MemTotal:  1000 kB\nMemFree: 100 kB\nMemAvailable: 400 kB\n"), {
    total: 1024000,
    free: 409600,
    used: 614400,
  });
  assert.deepEqual(
    interfaceFacts([
      { name: "eth0", family: "IPv6", address: "fe80::1", mac: "02:00:00:00:00:01" },
      { name: "eth0", family: "IPv4", address: "192.0.2.1", mac: "02:00:00:00:00:01" },
      { name: "lo", family: "IPv4", address: "127.0.0.1", mac: "00:00:00:00:00:00" },
    ]),
    [
      {
        name: "eth0",
        ipv6: "fe80::1",
        ipv4: "192.0.2.1",
        mac: "02:00:00:00:00:01",
        family: "dual",
      },
      { name: "lo", ipv4: "127.0.0.1", family: "inet" },
    ],
  );
});

Deno.test("/proc/net/route lines become routes", () => {
  const text =
    "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n" +
    "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n" +
    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
  assert.deepEqual(parseRoutes(text), [
    {
      destination: "0.0.0.0",
      gateway: "192.0.2.1",
      interface: "eth0",
      mask: "/0",
      metric: 100,
      flags: "0003",
    },
    {
      destination: "192.0.2.0",
      gateway: "0.0.0.0",
      interface: "eth0",
      mask: "/24",
      metric: 0,
      flags: "0001",
    },
  ]);
});

Deno.test("collectFacts reads this machine", async () => {
  const f = await collectFacts();
  assert.equal(f.cpu_count, navigator.hardwareConcurrency);
  assert.equal(f.kernel_version, Deno.osRelease());
  assert.ok(f.memory.total > 0);
  assert.ok(f.uptime_seconds > 0);
  assert.ok(f.interfaces.some((i) => i.name === "lo"));
});
