/**
 * The service providers: unit files on a temporary root (written, verified with
 * systemd-analyze, listed, enabled and disabled with `systemctl --root`, which needs no running
 * systemd), and the live system's answer when systemd does not run it. No real service is
 * started or stopped.
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import { systemdRunning } from "../../../src/worker/providers/root.ts";
import serviceCreate from "../../../src/worker/providers/service_create.ts";
import serviceDelete from "../../../src/worker/providers/service_delete.ts";
import serviceDisable from "../../../src/worker/providers/service_disable.ts";
import serviceEnable from "../../../src/worker/providers/service_enable.ts";
import serviceGet from "../../../src/worker/providers/service_get.ts";
import serviceList from "../../../src/worker/providers/service_list.ts";
import serviceRestart from "../../../src/worker/providers/service_restart.ts";
import serviceStart from "../../../src/worker/providers/service_start.ts";
import serviceStop from "../../../src/worker/providers/service_stop.ts";
import serviceUpdate from "../../../src/worker/providers/service_update.ts";
import { MANAGED_HEADER, unitName } from "../../../src/worker/providers/service_systemd.ts";
import { findOnPath } from "../../../src/worker/providers/process.ts";
import { objectError, testContext, withFiles } from "./ctx.ts";

const systemctl = await findOnPath("systemctl");
const analyze = await findOnPath("systemd-analyze");
if (!systemctl) console.log("skipping unit file tests: systemctl not on PATH");
if (!analyze) console.log("skipping unit verification test: systemd-analyze not on PATH");

/** A unit file's text. */
export const UNIT = "[Unit]\nDescription=My test app\n\n[Service]\nExecStart=/bin/sleep 1000\n\n" +
  "[Install]\nWantedBy=multi-user.target\n";

Deno.test({
  name: "unit files on a temporary root: create, list, get, enable, disable, update, delete",
  ignore: !systemctl,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
    try {
      const ctx = testContext(undefined, root);
      const path = `${root}/etc/systemd/system/my-app.service`;
      const write = (op: typeof serviceCreate, input: unknown) => op.run(op.validate(input), ctx);

      assert.deepEqual(await serviceList.run({}, ctx), { services: [] });
      assert.deepEqual(await write(serviceCreate, { name: "my-app", content: UNIT }), {
        name: "my-app.service",
        changed: true,
      });
      assert.equal(await Deno.readTextFile(path), `${MANAGED_HEADER}\n${UNIT}`);
      assert.equal(
        (await write(serviceCreate, { name: "my-app.service", content: UNIT })).changed,
        false,
      );
      await assert.rejects(
        write(serviceCreate, { name: "my-app", content: UNIT.replace("1000", "5") }),
        (e: Error) =>
          e instanceof OperationInputError && /exists with other content/.test(e.message),
      );

      const info = { name: "my-app.service", enabled: false, description: "My test app" };
      assert.deepEqual(await serviceList.run({}, ctx), { services: [info] });
      assert.deepEqual(await serviceGet.run(serviceGet.validate({ name: "my-app" }), ctx), {
        service: info,
      });
      await assert.rejects(
        serviceGet.run(serviceGet.validate({ name: "nosuch" }), ctx),
        /no unit nosuch\.service on this host/,
      );

      const act = (op: typeof serviceEnable, name = "my-app") => op.run(op.validate({ name }), ctx);
      assert.deepEqual(await act(serviceEnable), { name: "my-app.service", changed: true });
      assert.equal(
        await Deno.readLink(`${root}/etc/systemd/system/multi-user.target.wants/my-app.service`),
        "/etc/systemd/system/my-app.service",
      );
      assert.equal((await act(serviceEnable)).changed, false);
      assert.equal((await serviceGet.run({ name: "my-app" }, ctx)).service.enabled, true);
      assert.deepEqual(await act(serviceDisable), { name: "my-app.service", changed: true });
      assert.equal((await act(serviceDisable)).changed, false);
      await assert.rejects(act(serviceEnable, "nosuch"), /no unit nosuch\.service/);

      // start, stop and restart act on the live system only
      for (const op of [serviceStart, serviceStop, serviceRestart]) {
        await assert.rejects(act(op), /acts on the live system only/);
      }

      const next = UNIT.replace("sleep 1000", "sleep 2000");
      assert.equal((await write(serviceUpdate, { name: "my-app", content: next })).changed, true);
      assert.equal((await write(serviceUpdate, { name: "my-app", content: next })).changed, false);
      assert.match(await Deno.readTextFile(path), /sleep 2000/);
      await assert.rejects(
        write(serviceUpdate, { name: "other", content: next }),
        /no unit other\.service managed by osapi/,
      );

      // a unit file osapi did not write is left alone
      await Deno.writeTextFile(`${root}/etc/systemd/system/admin.service`, UNIT);
      await assert.rejects(
        write(serviceUpdate, { name: "admin", content: next }),
        /not managed by osapi/,
      );
      await assert.rejects(write(serviceDelete, { name: "admin" }), /not managed by osapi/);

      await act(serviceEnable);
      assert.deepEqual(await write(serviceDelete, { name: "my-app" }), {
        name: "my-app.service",
        changed: true,
      });
      assert.equal((await write(serviceDelete, { name: "my-app" })).changed, false);
      await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
      // deleting disabled it first: no dangling link is left
      await assert.rejects(
        Deno.lstat(`${root}/etc/systemd/system/multi-user.target.wants/my-app.service`),
        Deno.errors.NotFound,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "a unit file that does not verify is refused, naming the problem",
  ignore: !systemctl || !analyze,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
    try {
      const ctx = testContext(undefined, root);
      await assert.rejects(
        serviceCreate.run({ name: "bad", content: "[Service]\nType=simple\n" }, ctx),
        (e: Error) =>
          e instanceof OperationInputError && e.field === "content" &&
          /bad\.service does not verify: .*no ExecStart=/.test(e.message),
      );
      await assert.rejects(
        Deno.stat(`${root}/etc/systemd/system/bad.service`),
        Deno.errors.NotFound,
      );
      // a command not (yet) on this host is allowed: it may be deployed after the unit
      const later = "[Service]\nExecStart=/opt/osapi-test/not-yet-deployed\n";
      assert.equal((await serviceCreate.run({ name: "later", content: later }, ctx)).changed, true);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "unit files from a file of the object store: create, update, missing, not a unit",
  ignore: !systemctl,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
    try {
      const next = UNIT.replace("sleep 1000", "sleep 2000");
      const ctx = await withFiles(testContext(undefined, root), {
        "my-app.service": UNIT,
        "my-app-v2.service": next,
        "blank.service": " \n",
      });
      const path = `${root}/etc/systemd/system/my-app.service`;
      const write = (op: typeof serviceCreate, input: unknown) => op.run(op.validate(input), ctx);
      const create = { name: "my-app", object: "my-app.service" };
      assert.deepEqual(await write(serviceCreate, create), {
        name: "my-app.service",
        changed: true,
      });
      assert.equal(await Deno.readTextFile(path), `${MANAGED_HEADER}\n${UNIT}`);
      assert.equal((await write(serviceCreate, create)).changed, false);
      // the same text inline is the same unit
      assert.equal((await write(serviceCreate, { name: "my-app", content: UNIT })).changed, false);
      const update = { name: "my-app", object: "my-app-v2.service" };
      assert.equal((await write(serviceUpdate, update)).changed, true);
      assert.equal((await write(serviceUpdate, update)).changed, false);
      assert.equal(await Deno.readTextFile(path), `${MANAGED_HEADER}\n${next}`);

      await assert.rejects(
        write(serviceCreate, { name: "gone", object: "missing.service" }),
        objectError(/no file named missing\.service in the object store/),
      );
      await assert.rejects(
        write(serviceCreate, { name: "blank", object: "blank.service" }),
        objectError(/must hold a unit file's text/),
      );
      await assert.rejects(
        Deno.stat(`${root}/etc/systemd/system/gone.service`),
        Deno.errors.NotFound,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

const running = await systemdRunning();
if (running) console.log("skipping the no-systemd test: systemd runs this machine");

Deno.test({
  name: "on the live system without a running systemd every live call says so",
  ignore: running,
  fn: async () => {
    const ctx = testContext(undefined, "/");
    const why = /systemd is not running on this host/;
    await assert.rejects(serviceList.run({}, ctx), why);
    await assert.rejects(serviceGet.run({ name: "ssh" }, ctx), why);
    for (const op of [serviceStart, serviceStop, serviceRestart, serviceEnable, serviceDisable]) {
      await assert.rejects(op.run({ name: "ssh" }, ctx), why);
    }
  },
});

Deno.test("unit names and contents are checked strictly", () => {
  const bad = (input: unknown, field: RegExp) =>
    assert.throws(() => serviceCreate.validate(input), field);
  bad({ name: "../x", content: UNIT }, /name/);
  bad({ name: "-x", content: UNIT }, /name/);
  bad({ name: ".hidden", content: UNIT }, /name/);
  bad({ name: "a/b", content: UNIT }, /name/);
  bad({ name: "ok", content: "a\0b" }, /content .*NUL/);
  bad({ name: "ok", content: "x".repeat(65537) }, /content is too long/);
  bad({ name: "ok", content: " \n" }, /content/);
  bad({ name: "ok" }, /object give object \(a file of \/api\/file\) or content/);
  bad({ name: "ok", object: "ok.service", content: UNIT }, /give either object or content/);
  bad({ name: "ok", object: "../ok.service" }, /object/);
  serviceCreate.validate({ name: "ok", object: "ok.service" });
  assert.throws(() => serviceUpdate.validate({ name: "ok" }), /give object/);
  assert.throws(() => serviceStart.validate({ name: "x y" }), /name/);
  assert.equal(unitName("nginx"), "nginx.service");
  assert.equal(unitName("getty@tty1.service"), "getty@tty1.service");
  assert.equal(unitName("backup.timer"), "backup.timer");
  assert.equal(unitName("my.app"), "my.app.service");
});
