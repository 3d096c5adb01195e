/**
 * The sysctl providers on a temporary root: the managed file under etc/sysctl.d is the state;
 * nothing is applied live (the root is not "/"). The live reader is shown on /proc/sys, read
 * only.
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import sysctlCreate from "../../../src/worker/providers/sysctl_create.ts";
import sysctlDelete from "../../../src/worker/providers/sysctl_delete.ts";
import sysctlGet from "../../../src/worker/providers/sysctl_get.ts";
import sysctlList from "../../../src/worker/providers/sysctl_list.ts";
import sysctlUpdate from "../../../src/worker/providers/sysctl_update.ts";
import {
  parseSysctlConf,
  readLive,
  SYSCTL_FILE,
} from "../../../src/worker/providers/sysctl_config.ts";
import { testContext } from "./ctx.ts";

Deno.test("sysctl create/get/list/update/delete keep the managed file and report changed", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const ctx = testContext(undefined, root);
    const file = `${root}/${SYSCTL_FILE}`;
    const create = (key: string, value: string) =>
      sysctlCreate.run(sysctlCreate.validate({ key, value }), ctx);
    assert.deepEqual(await create("net.ipv4.ip_forward", "1"), {
      key: "net.ipv4.ip_forward",
      changed: true,
    });
    assert.equal((await create("net.ipv4.ip_forward", "1")).changed, false);
    await assert.rejects(
      create("net.ipv4.ip_forward", "0"),
      (e: Error) => e instanceof OperationInputError && /already managed/.test(e.message),
    );
    assert.equal((await create("net.ipv4.tcp_rmem", "4096 87380 6291456")).changed, true);
    assert.deepEqual(parseSysctlConf(await Deno.readTextFile(file)), [
      { key: "net.ipv4.ip_forward", value: "1" },
      { key: "net.ipv4.tcp_rmem", value: "4096 87380 6291456" },
    ]);
    assert.match(await Deno.readTextFile(file), /^# Managed by osapi/);

    assert.deepEqual(await sysctlList.run(sysctlList.validate({}), ctx), {
      entries: [
        { key: "net.ipv4.ip_forward", value: "1" },
        { key: "net.ipv4.tcp_rmem", value: "4096 87380 6291456" },
      ],
    });
    assert.deepEqual(
      await sysctlGet.run(sysctlGet.validate({ key: "net.ipv4.tcp_rmem" }), ctx),
      { key: "net.ipv4.tcp_rmem", value: "4096 87380 6291456" },
    );
    await assert.rejects(
      sysctlGet.run(sysctlGet.validate({ key: "vm.swappiness" }), ctx),
      /vm\.swappiness is not managed/,
    );

    const update = (key: string, value: string) =>
      sysctlUpdate.run(sysctlUpdate.validate({ key, value }), ctx);
    assert.equal((await update("net.ipv4.ip_forward", "0")).changed, true);
    assert.equal((await update("net.ipv4.ip_forward", "0")).changed, false);
    await assert.rejects(update("vm.swappiness", "10"), /not managed/);
    assert.match(await Deno.readTextFile(file), /^net\.ipv4\.ip_forward = 0$/m);

    const del = (key: string) => sysctlDelete.run(sysctlDelete.validate({ key }), ctx);
    assert.equal((await del("net.ipv4.ip_forward")).changed, true);
    assert.equal((await del("net.ipv4.ip_forward")).changed, false);
    assert.equal((await del("net.ipv4.tcp_rmem")).changed, true);
    await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
    assert.deepEqual(await sysctlList.run({}, ctx), { entries: [] });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("concurrent sysctl creates on one root all land in the file", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const ctx = testContext(undefined, root);
    const keys = Array.from({ length: 8 }, (_, i) => `net.core.test_${i}`);
    await Promise.all(keys.map((key) => sysctlCreate.run({ key, value: "1" }, ctx)));
    const got = parseSysctlConf(await Deno.readTextFile(`${root}/${SYSCTL_FILE}`));
    assert.deepEqual(got.map((e) => e.key).sort(), keys);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("sysctl keys and values are validated strictly", () => {
  for (
    const key of [
      "",
      "ip_forward",
      "net/ipv4/ip_forward",
      "net..ipv4",
      "-w.x",
      "net.ipv4.",
      "../etc.x",
      "Net.IPv4",
      "a.b c",
    ]
  ) {
    assert.throws(
      () => sysctlGet.validate({ key }),
      (e: Error) => e instanceof OperationInputError && e.field === "key",
      key,
    );
  }
  for (const value of ["", " 1", "1 ", "1\nvm.x = 2", "a\rb"]) {
    assert.throws(
      () => sysctlCreate.validate({ key: "vm.swappiness", value }),
      (e: Error) => e instanceof OperationInputError && e.field === "value",
      JSON.stringify(value),
    );
  }
  assert.throws(
    () => sysctlCreate.validate({ key: "vm.swappiness" }),
    /missing required field "value"/,
  );
});

Deno.test("the live value of a key is read from /proc/sys (read only)", async () => {
  const ostype = await readLive("kernel.ostype");
  if (ostype === undefined) {
    console.log("skipped: /proc/sys/kernel/ostype is not readable on this machine");
    return;
  }
  assert.equal(ostype, "Linux");
  assert.equal(await readLive("kernel.no_such_key_osapi"), undefined);
});
