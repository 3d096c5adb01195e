/**
 * The power providers. Nothing here can reach the machine's shutdown: on a temporary root the
 * request is only recorded; the live path ("/") is run only with PATH holding nothing but a
 * fake `shutdown` script of the test (checked before), which records its arguments.
 */
import assert from "node:assert/strict";
import powerReboot from "../../../src/worker/providers/power_reboot.ts";
import powerShutdown from "../../../src/worker/providers/power_shutdown.ts";
import { POWER_GUARD_ENV } from "../../../src/worker/providers/power_action.ts";
import { findOnPath } from "../../../src/worker/providers/process.ts";
import { testContext } from "./ctx.ts";

Deno.test("power on a temporary root: the request is recorded, nothing is run", async () => {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    const ctx = testContext(undefined, root);
    const out = await powerReboot.run(
      powerReboot.validate({ delay: 90, message: "kernel update" }),
      ctx,
    );
    assert.deepEqual(out, {
      action: "reboot",
      delay: 120,
      changed: true,
      message: "kernel update",
      recorded: "/run/osapi/power-request.json",
    });
    const path = `${root}/run/osapi/power-request.json`;
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {
      action: "reboot",
      delay: 120,
      message: "kernel update",
      argv: ["shutdown", "-r", "--", "+2", "kernel update"],
    });
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const off = await powerShutdown.run(powerShutdown.validate({}), ctx);
    assert.deepEqual([off.action, off.delay], ["shutdown", 60]);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)).argv, [
      "shutdown",
      "-h",
      "--",
      "+1",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("power input: never immediate, a bounded one-line message not starting with -", () => {
  for (const p of [powerReboot, powerShutdown]) {
    assert.throws(() => p.validate({ delay: 0 }), /delay must be between 60 and 604800/);
    assert.throws(() => p.validate({ delay: 59 }), /delay/);
    assert.throws(() => p.validate({ delay: 1.5 }), /delay/);
    assert.throws(() => p.validate({ message: "-h" }), /message/);
    assert.throws(() => p.validate({ message: "a\nb" }), /message/);
    assert.throws(() => p.validate({ message: "x".repeat(257) }), /message/);
    assert.throws(() => p.validate({ now: true }), /unknown field "now"/);
  }
});

Deno.test("power on the live root: refused without the guard; with it only the test's fake runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-fake-shutdown-" });
  const savedPath = Deno.env.get("PATH");
  const savedGuard = Deno.env.get(POWER_GUARD_ENV);
  try {
    await Deno.writeTextFile(
      `${dir}/shutdown`,
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${dir}/args'\n`,
      { mode: 0o755 },
    );
    Deno.env.set("PATH", dir);
    Deno.env.delete(POWER_GUARD_ENV);
    // the only shutdown the provider can find is the fake one
    assert.equal(await findOnPath("shutdown"), `${dir}/shutdown`);
    const ctx = testContext(undefined, "/");
    await assert.rejects(
      powerReboot.run(powerReboot.validate({ delay: 300 }), ctx),
      /power actions are disabled on this host: start its worker with ALLOW_OSAPI_POWER=1/,
    );
    await assert.rejects(Deno.stat(`${dir}/args`), Deno.errors.NotFound);

    assert.equal(await findOnPath("shutdown"), `${dir}/shutdown`);
    Deno.env.set(POWER_GUARD_ENV, "1");
    const out = await powerShutdown.run(
      powerShutdown.validate({ delay: 300, message: "maintenance" }),
      ctx,
    );
    assert.deepEqual(out, {
      action: "shutdown",
      delay: 300,
      changed: true,
      message: "maintenance",
    });
    assert.equal(await Deno.readTextFile(`${dir}/args`), "-h\n--\n+5\nmaintenance\n");
  } finally {
    if (savedPath === undefined) Deno.env.delete("PATH");
    else Deno.env.set("PATH", savedPath);
    if (savedGuard === undefined) Deno.env.delete(POWER_GUARD_ENV);
    else Deno.env.set(POWER_GUARD_ENV, savedGuard);
    await Deno.remove(dir, { recursive: true });
  }
});
