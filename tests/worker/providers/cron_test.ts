/**
 * The cron providers on a temporary root: files under etc/cron.d and etc/cron.<interval>
 * carrying osapi's marker are the state; other files are never touched.
 */
import assert from "node:assert/strict";
import { OperationInputError } from "../../../src/core/job.ts";
import cronCreate from "../../../src/worker/providers/cron_create.ts";
import cronDelete from "../../../src/worker/providers/cron_delete.ts";
import cronGet from "../../../src/worker/providers/cron_get.ts";
import cronList from "../../../src/worker/providers/cron_list.ts";
import cronUpdate from "../../../src/worker/providers/cron_update.ts";
import { objectError, testContext, withFiles } from "./ctx.ts";

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "osapi-root-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("cron entries: create, get, list, update, delete in cron.d and interval dirs", () =>
  withRoot(async (root) => {
    const ctx = testContext(undefined, root);
    const create = (data: Record<string, unknown>) =>
      cronCreate.run(cronCreate.validate(data), ctx);
    const backup = {
      name: "backup",
      schedule: "30 2 * * *",
      command: "tar czf /b.tgz /srv # 100%",
    };
    assert.deepEqual(await create(backup), { name: "backup", changed: true });
    const file = await Deno.readTextFile(`${root}/etc/cron.d/backup`);
    assert.match(file, /^# Managed by osapi/);
    assert.match(file, /^30 2 \* \* \* root tar czf \/b\.tgz \/srv # 100\\%$/m);
    assert.equal((await create(backup)).changed, false);
    await assert.rejects(create({ ...backup, schedule: "@daily" }), /already exists/);

    assert.equal(
      (await create({ name: "rotate", interval: "daily", command: "logrotate -f" })).changed,
      true,
    );
    const script = `${root}/etc/cron.daily/rotate`;
    assert.equal((await Deno.stat(script)).mode! & 0o777, 0o755);
    assert.equal(
      await Deno.readTextFile(script),
      "#!/bin/sh\n# Managed by osapi (its cron API); changes made here may be overwritten.\nlogrotate -f\n",
    );

    // a file osapi did not write is listed by nobody and touched by nothing
    await Deno.writeTextFile(`${root}/etc/cron.d/system`, "0 * * * * root /bin/true\n");
    assert.deepEqual(await cronList.run({}, ctx), {
      entries: [
        {
          name: "backup",
          source: "cron.d",
          schedule: "30 2 * * *",
          user: "root",
          command: backup.command,
        },
        { name: "rotate", source: "daily", interval: "daily", command: "logrotate -f" },
      ],
    });
    await assert.rejects(cronDelete.run({ name: "system" }, ctx), /not managed by osapi/);
    await assert.rejects(
      create({ name: "system", schedule: "@hourly", command: "x" }),
      /not managed/,
    );
    assert.equal(
      await Deno.readTextFile(`${root}/etc/cron.d/system`),
      "0 * * * * root /bin/true\n",
    );

    assert.equal((await cronGet.run({ name: "rotate" }, ctx)).command, "logrotate -f");
    await assert.rejects(cronGet.run({ name: "nope" }, ctx), /no cron entry nope/);

    const update = (data: Record<string, unknown>) =>
      cronUpdate.run(cronUpdate.validate(data), ctx);
    assert.equal((await update({ name: "backup", schedule: "@weekly" })).changed, true);
    assert.equal((await update({ name: "backup", schedule: "@weekly" })).changed, false);
    assert.match(await Deno.readTextFile(`${root}/etc/cron.d/backup`), /^@weekly root tar/m);
    await assert.rejects(update({ name: "rotate", user: "www-data" }), /give a schedule/);
    // a schedule moves an interval entry to cron.d
    assert.equal((await update({ name: "rotate", schedule: "0 4 * * 1-5" })).changed, true);
    await assert.rejects(Deno.stat(script), Deno.errors.NotFound);
    assert.deepEqual(await cronGet.run({ name: "rotate" }, ctx), {
      name: "rotate",
      source: "cron.d",
      schedule: "0 4 * * 1-5",
      user: "root",
      command: "logrotate -f",
    });
    await assert.rejects(update({ name: "nope", command: "x" }), /no cron entry nope/);

    assert.equal((await cronDelete.run({ name: "rotate" }, ctx)).changed, true);
    assert.equal((await cronDelete.run({ name: "rotate" }, ctx)).changed, false);
    await assert.rejects(Deno.stat(`${root}/etc/cron.d/rotate`), Deno.errors.NotFound);
  }));

Deno.test("cron users must exist in <root>/etc/passwd when it has one", () =>
  withRoot(async (root) => {
    const ctx = testContext(undefined, root);
    await Deno.mkdir(`${root}/etc`);
    await Deno.writeTextFile(
      `${root}/etc/passwd`,
      "root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n",
    );
    const run = (user: string) =>
      cronCreate.run(
        cronCreate.validate({ name: `j-${user}`, schedule: "@hourly", user, command: "true" }),
        ctx,
      );
    assert.equal((await run("www-data")).changed, true);
    await assert.rejects(
      run("ghost"),
      (e: Error) => e instanceof OperationInputError && e.field === "user",
    );
  }));

Deno.test("cron input is validated strictly", () => {
  const ok = { name: "job", schedule: "*/5 * * * *", command: "true" };
  cronCreate.validate(ok);
  cronCreate.validate({ ...ok, schedule: "0 0 1,15 jan-jun mon" });
  const bad: [Record<string, unknown>, string][] = [
    [{ ...ok, name: "../x" }, "name"],
    [{ ...ok, name: "a.b" }, "name"],
    [{ ...ok, name: "" }, "name"],
    [{ ...ok, schedule: "* * * *" }, "schedule"],
    [{ ...ok, schedule: "* * * * * *" }, "schedule"],
    [{ ...ok, schedule: "@sometimes" }, "schedule"],
    [{ ...ok, schedule: "*  * * * *" }, "schedule"],
    [{ ...ok, command: "true\n* * * * * root evil" }, "command"],
    [{ ...ok, command: "   " }, "command"],
    [{ ...ok, user: "-oroot" }, "user"],
    [{ ...ok, user: "Root Admin" }, "user"],
    [{ name: "job", command: "true" }, "schedule"],
    [{ ...ok, interval: "daily" }, "schedule"],
    [{ name: "job", interval: "yearly", command: "true" }, "interval"],
    [{ name: "job", interval: "daily", user: "root", command: "true" }, "user"],
  ];
  for (const [data, field] of bad) {
    assert.throws(
      () => cronCreate.validate(data),
      (e: Error) => e instanceof OperationInputError && e.field === field,
      JSON.stringify(data),
    );
  }
  assert.throws(
    () => cronUpdate.validate({ name: "job" }),
    /give command, object, schedule or user/,
  );
  const source: [Record<string, unknown>, RegExp][] = [
    [
      { name: "job", schedule: "@daily" },
      /object give object \(a file of \/api\/file\) or command/,
    ],
    [{ ...ok, object: "job.sh" }, /object give either object or command, not both/],
    [{ ...ok, content_type: "raw" }, /content_type applies to object only/],
    [
      { name: "job", schedule: "@daily", object: "job.sh", content_type: "template" },
      /content_type templates are not rendered by osapi/,
    ],
    [{ name: "job", schedule: "@daily", object: "../job.sh" }, /object/],
  ];
  for (const [data, message] of source) {
    assert.throws(() => cronCreate.validate(data), message, JSON.stringify(data));
  }
  cronCreate.validate({ name: "job", schedule: "@daily", object: "job.sh", content_type: "raw" });
  assert.throws(
    () => cronUpdate.validate({ name: "job", object: "a.sh", command: "true" }),
    /give either object or command, not both/,
  );
});

Deno.test("cron entries from a file of the object store: create, update, missing object", () =>
  withRoot(async (root) => {
    const ctx = await withFiles(testContext(undefined, root), {
      "backup.sh": "/usr/local/bin/backup --all 50%\n",
      "backup-v2.sh": "/usr/local/bin/backup --incremental",
      "two-lines.sh": "echo a\necho b\n",
    });
    const create = (data: Record<string, unknown>) =>
      cronCreate.run(cronCreate.validate(data), ctx);
    const update = (data: Record<string, unknown>) =>
      cronUpdate.run(cronUpdate.validate(data), ctx);
    const entry = { name: "backup", schedule: "@daily", object: "backup.sh", content_type: "raw" };
    assert.deepEqual(await create(entry), { name: "backup", changed: true });
    assert.match(
      await Deno.readTextFile(`${root}/etc/cron.d/backup`),
      /^@daily root \/usr\/local\/bin\/backup --all 50\\%$/m,
    );
    assert.equal((await create(entry)).changed, false);
    // the same command given inline is the same entry
    assert.equal(
      (await create({
        name: "backup",
        schedule: "@daily",
        command: "/usr/local/bin/backup --all 50%",
      }))
        .changed,
      false,
    );
    assert.equal((await update({ name: "backup", object: "backup-v2.sh" })).changed, true);
    assert.equal((await update({ name: "backup", object: "backup-v2.sh" })).changed, false);
    assert.equal(
      (await cronGet.run({ name: "backup" }, ctx)).command,
      "/usr/local/bin/backup --incremental",
    );

    await assert.rejects(
      create({ name: "gone", interval: "daily", object: "missing.sh" }),
      objectError(/no file named missing\.sh in the object store/),
    );
    await assert.rejects(
      create({ name: "two", interval: "daily", object: "two-lines.sh" }),
      objectError(/one line/),
    );
    await assert.rejects(Deno.stat(`${root}/etc/cron.daily/two`), Deno.errors.NotFound);
    await assert.rejects(
      cronCreate.run(
        cronCreate.validate({ name: "x", interval: "daily", object: "backup.sh" }),
        testContext(undefined, root),
      ),
      /no file object store on this worker/,
    );
  }));
