import assert from "node:assert/strict";
import { createDnsGet, dnsGet } from "../../../src/worker/providers/dns_get.ts";
import { createDnsUpdate } from "../../../src/worker/providers/dns_update.ts";
import { createDnsDelete } from "../../../src/worker/providers/dns_delete.ts";
import {
  parseResolvConf,
  parseResolvectlLine,
  renderResolvConf,
} from "../../../src/worker/providers/dns_config.ts";
import { OperationInputError } from "../../../src/core/job.ts";
import { testContext } from "./ctx.ts";

const ORIGINAL = [
  "# written by the installer",
  "search a.example b.example",
  "nameserver 10.0.0.1",
  "nameserver 10.0.0.2",
  "options ndots:2",
  "",
].join("\n");

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "osapi-dns-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("network.dns.get reads servers and search domains of a resolv.conf", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/resolv.conf`;
    await Deno.writeTextFile(path, ORIGINAL);
    const get = createDnsGet({ resolvConfPath: path, resolvectl: null });
    const r = await get.run(get.validate({ interface_name: "lo" }), testContext());
    assert.deepEqual(r, {
      interface_name: "lo",
      servers: ["10.0.0.1", "10.0.0.2"],
      search_domains: ["a.example", "b.example"],
      source: "resolv.conf",
    });
  });
});

Deno.test("network.dns.get on this host matches /etc/resolv.conf (no resolvectl here)", async () => {
  const r = await dnsGet.run(dnsGet.validate({ interface_name: "lo" }), testContext());
  if (r.source === "resolv.conf") {
    const expected = parseResolvConf(await Deno.readTextFile("/etc/resolv.conf"));
    assert.deepEqual(r.servers, expected.servers);
    assert.deepEqual(r.search_domains, expected.search_domains);
  } else {
    assert.equal(r.source, "resolvectl");
    assert.ok(Array.isArray(r.servers));
  }
});

Deno.test("network.dns.update rewrites a temp resolv.conf, then reports changed:false", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/resolv.conf`;
    await Deno.writeTextFile(path, ORIGINAL);
    await Deno.chmod(path, 0o640);
    const update = createDnsUpdate({ resolvConfPath: path, resolvectl: null });
    assert.equal(update.kind, "modify");
    const input = update.validate({
      interface_name: "lo",
      servers: ["1.1.1.1", "2001:db8::1"],
      search_domains: ["corp.example"],
    });
    const first = await update.run(input, testContext());
    assert.deepEqual(first, {
      interface_name: "lo",
      servers: ["1.1.1.1", "2001:db8::1"],
      search_domains: ["corp.example"],
      changed: true,
      source: "resolv.conf",
    });
    const written = await Deno.readTextFile(path);
    assert.equal(
      written,
      [
        "# written by the installer",
        "search corp.example",
        "nameserver 1.1.1.1",
        "nameserver 2001:db8::1",
        "options ndots:2",
        "",
      ].join("\n"),
    );
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o640);

    const second = await update.run(input, testContext());
    assert.equal(second.changed, false);
    assert.equal(await Deno.readTextFile(path), written);
    // No temporary files left behind.
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["resolv.conf"]);

    // Only search domains: servers are kept; an empty list removes the search line.
    const third = await update.run(
      update.validate({ interface_name: "lo", search_domains: [] }),
      testContext(),
    );
    assert.equal(third.changed, true);
    assert.deepEqual(third.servers, ["1.1.1.1", "2001:db8::1"]);
    assert.doesNotMatch(await Deno.readTextFile(path), /search/);
  });
});

Deno.test("network.dns.update replaces a symlink's target and keeps the link", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/real.conf`, "nameserver 10.0.0.1\n");
    await Deno.symlink(`${dir}/real.conf`, `${dir}/resolv.conf`);
    const update = createDnsUpdate({ resolvConfPath: `${dir}/resolv.conf`, resolvectl: null });
    const r = await update.run(
      update.validate({ interface_name: "lo", servers: ["9.9.9.9"] }),
      testContext(),
    );
    assert.equal(r.changed, true);
    assert.ok((await Deno.lstat(`${dir}/resolv.conf`)).isSymlink);
    assert.equal(await Deno.readTextFile(`${dir}/real.conf`), "nameserver 9.9.9.9\n");
  });
});

Deno.test("network.dns get/update through resolvectl (a real script standing in for it)", async () => {
  await withTempDir(async (dir) => {
    const bin = `${dir}/resolvectl`;
    await Deno.writeTextFile(
      bin,
      `#!/bin/sh
cmd=$1; iface=$2; shift 2
echo "$cmd $iface $*" >> "${dir}/calls"
if [ $# -eq 0 ]; then
  printf 'Link 1 (%s): %s\\n' "$iface" "$(cat "${dir}/$cmd" 2>/dev/null)"
elif [ "$1" = "" ]; then
  : > "${dir}/$cmd"
else
  echo "$*" > "${dir}/$cmd"
fi
`,
    );
    await Deno.chmod(bin, 0o755);
    await Deno.writeTextFile(`${dir}/dns`, "10.1.1.1\n");
    await Deno.writeTextFile(`${dir}/domain`, "lan.example ~corp\n");
    const opts = { resolvectl: bin, resolvConfPath: `${dir}/untouched` };
    const get = createDnsGet(opts);
    assert.deepEqual(await get.run(get.validate({ interface_name: "lo" }), testContext()), {
      interface_name: "lo",
      servers: ["10.1.1.1"],
      search_domains: ["lan.example"],
      source: "resolvectl",
    });
    const update = createDnsUpdate(opts);
    const input = update.validate({ interface_name: "lo", servers: ["10.2.2.2", "10.3.3.3"] });
    const r = await update.run(input, testContext());
    assert.equal(r.changed, true);
    assert.equal(await Deno.readTextFile(`${dir}/dns`), "10.2.2.2 10.3.3.3\n");
    // The routing-only domain ~corp survives a rewrite of the search domains.
    assert.equal(await Deno.readTextFile(`${dir}/domain`), "lan.example ~corp\n");
    assert.equal((await update.run(input, testContext())).changed, false);
    await assert.rejects(Deno.stat(`${dir}/untouched`), Deno.errors.NotFound);
  });
});

Deno.test("resolv.conf and resolvectl parsing", () => {
  assert.deepEqual(parseResolvConf("domain x.example\nnameserver ::1\n; c\n"), {
    servers: ["::1"],
    search_domains: ["x.example"],
  });
  assert.equal(
    renderResolvConf("", { servers: ["1.1.1.1"], search_domains: ["a"] }),
    "search a\nnameserver 1.1.1.1\n",
  );
  assert.deepEqual(parseResolvectlLine("Link 3 (eth0): 1.1.1.1 8.8.8.8\n"), ["1.1.1.1", "8.8.8.8"]);
  assert.deepEqual(parseResolvectlLine("Link 3 (eth0):\n"), []);
  assert.deepEqual(parseResolvectlLine("Global: 9.9.9.9\n"), ["9.9.9.9"]);
});

Deno.test("network.dns: an interface this host does not have is an input error", async () => {
  const get = createDnsGet({ resolvConfPath: "/nonexistent", resolvectl: null });
  await assert.rejects(
    get.run(get.validate({ interface_name: "nosuchif0" }), testContext()),
    (e: unknown) =>
      e instanceof OperationInputError && /no network interface nosuchif0/.test(e.message),
  );
});

Deno.test("network.dns get/update: every bad input is an OperationInputError", () => {
  const get = createDnsGet({ resolvectl: null });
  const update = createDnsUpdate({ resolvectl: null });
  const cases: [(d: unknown) => unknown, unknown, RegExp][] = [
    [get.validate, {}, /missing required field "interface_name"/],
    [get.validate, { interface_name: "-f" }, /interface_name "-f" does not match/],
    [get.validate, { interface_name: "eth0;reboot" }, /does not match/],
    [get.validate, { interface_name: "a".repeat(16) }, /interface_name is too long/],
    [get.validate, { interface_name: 1 }, /interface_name must be a string/],
    [get.validate, { interface_name: "lo", servers: [] }, /unknown field "servers"/],
    [update.validate, { interface_name: "lo" }, /give servers, search_domains or both/],
    [update.validate, { interface_name: "lo", servers: [] }, /servers must have at least 1 item/],
    [update.validate, { interface_name: "lo", servers: ["8.8.8"] }, /server "8.8.8" is not an IP/],
    [update.validate, { interface_name: "lo", servers: "8.8.8.8" }, /servers must be an array/],
    [update.validate, { servers: ["8.8.8.8"] }, /missing required field "interface_name"/],
    [
      update.validate,
      { interface_name: "lo", search_domains: ["-x.example"] },
      /search domain "-x.example" is not a DNS name/,
    ],
    [
      update.validate,
      { interface_name: "lo", servers: Array(9).fill("1.1.1.1") },
      /servers has too many items/,
    ],
  ];
  for (const [validate, data, message] of cases) {
    assert.throws(
      () => validate(data),
      (e: unknown) => e instanceof OperationInputError && message.test(e.message),
      `expected ${message} for ${JSON.stringify(data)}`,
    );
  }
});

Deno.test("network.dns.delete drops nameserver and search lines of a temp resolv.conf", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/resolv.conf`;
    await Deno.writeTextFile(path, ORIGINAL);
    const del = createDnsDelete({ resolvConfPath: path, resolvectl: null });
    assert.equal(del.kind, "modify");
    const input = del.validate({ interface_name: "lo" });
    assert.deepEqual(await del.run(input, testContext()), {
      interface_name: "lo",
      changed: true,
      source: "resolv.conf",
    });
    assert.equal(
      await Deno.readTextFile(path),
      "# written by the installer\noptions ndots:2\n",
    );
    // idempotent: nothing left to remove
    assert.equal((await del.run(input, testContext())).changed, false);
    assert.throws(() => del.validate({}), OperationInputError);
    assert.throws(() => del.validate({ interface_name: "-x" }), OperationInputError);
    assert.throws(() => del.validate({ interface_name: "../eth0" }), OperationInputError);
  });
});

Deno.test("network.dns.delete through resolvectl runs `resolvectl revert <iface>`", async () => {
  await withTempDir(async (dir) => {
    const bin = `${dir}/resolvectl`;
    await Deno.writeTextFile(
      bin,
      `#!/bin/sh
echo "$*" >> "${dir}/calls"
case "$1" in
  revert) : > "${dir}/dns" ;;
  dns) printf 'Link 1 (%s): %s\\n' "$2" "$(cat "${dir}/dns" 2>/dev/null)" ;;
  domain) printf 'Link 1 (%s):\\n' "$2" ;;
esac
`,
    );
    await Deno.chmod(bin, 0o755);
    await Deno.writeTextFile(`${dir}/dns`, "10.1.1.1");
    const del = createDnsDelete({ resolvectl: bin, resolvConfPath: `${dir}/untouched` });
    const input = del.validate({ interface_name: "lo" });
    assert.equal((await del.run(input, testContext())).changed, true);
    assert.match(await Deno.readTextFile(`${dir}/calls`), /^revert lo$/m);
    assert.equal((await del.run(input, testContext())).changed, false);
    await assert.rejects(Deno.stat(`${dir}/untouched`), Deno.errors.NotFound);
  });
});

Deno.test("network.dns.delete: an interface this host does not have is an input error", async () => {
  const del = createDnsDelete({ resolvConfPath: "/nonexistent", resolvectl: null });
  await assert.rejects(
    del.run(del.validate({ interface_name: "nosuch0" }), testContext()),
    (e: unknown) => e instanceof OperationInputError && /nosuch0/.test((e as Error).message),
  );
});
