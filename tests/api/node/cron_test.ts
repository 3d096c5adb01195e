/**
 * `/api/node/{hostname}/schedule/cron[/{name}]` end to end: API, real nats-server and workers
 * on temporary roots; answers checked against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi, type TestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick, upload } from "../../helpers/node_api.ts";

/** Creates entry `backup` on both hosts and checks its cron.d line on each root. */
async function createBackupOnAll(api: TestApi, body: unknown, line: RegExp): Promise<void> {
  const created = await nodeCall(api, "POST", "_all/schedule/cron", "PostNodeScheduleCron", body);
  assert.deepEqual(pick(created, "hostname", "status", "name", "changed"), [
    ["host-a", "ok", "backup", true],
    ["host-b", "ok", "backup", true],
  ]);
  for (const host of ["host-a", "host-b"]) {
    assert.match(await Deno.readTextFile(`${api.stack!.roots[host]}/etc/cron.d/backup`), line);
  }
}

Deno.test("cron entries through the API: create, list, get, update, delete", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  const call = (method: string, path: string, operationId: string, body?: unknown) =>
    nodeCall(api, method, path, operationId, body);
  const job = { name: "backup", schedule: "30 2 * * *", user: "root", command: "/bin/backup" };
  await createBackupOnAll(api, job, /^30 2 \* \* \* root \/bin\/backup$/m);
  assert.equal(
    (await call("POST", "host-a/schedule/cron", "PostNodeScheduleCron", job))[0].changed,
    false,
  );
  await call("POST", "host-a/schedule/cron", "PostNodeScheduleCron", {
    name: "rotate",
    interval: "weekly",
    command: "logrotate /etc/logrotate.conf",
  });

  const list = await call("GET", "_all/schedule/cron", "GetNodeScheduleCron");
  assert.deepEqual(pick(list, "hostname", "name", "source", "schedule", "interval"), [
    ["host-a", "backup", "cron.d", "30 2 * * *", undefined],
    ["host-a", "rotate", "weekly", undefined, "weekly"],
    ["host-b", "backup", "cron.d", "30 2 * * *", undefined],
  ]);
  const got = await call("GET", "host-b/schedule/cron/backup", "GetNodeScheduleCronByName");
  assert.deepEqual(pick(got, "name", "user", "command"), [["backup", "root", "/bin/backup"]]);
  const none = await call("GET", "host-b/schedule/cron/rotate", "GetNodeScheduleCronByName");
  assert.equal(none[0].status, "failed");
  assert.match(String(none[0].error), /no cron entry rotate/);

  const updated = await call("PUT", "host-a/schedule/cron/backup", "PutNodeScheduleCron", {
    schedule: "@daily",
  });
  assert.deepEqual(pick(updated, "name", "changed"), [["backup", true]]);
  assert.match(
    await Deno.readTextFile(`${roots["host-a"]}/etc/cron.d/backup`),
    /^@daily root \/bin\/backup$/m,
  );
  const same = await call("PUT", "host-a/schedule/cron/backup", "PutNodeScheduleCron", {
    schedule: "@daily",
  });
  assert.equal(same[0].changed, false);

  assert.equal(
    (await call("DELETE", "host-a/schedule/cron/rotate", "DeleteNodeScheduleCron"))[0].changed,
    true,
  );
  assert.equal(
    (await call("DELETE", "host-a/schedule/cron/rotate", "DeleteNodeScheduleCron"))[0].changed,
    false,
  );
  await assert.rejects(
    Deno.stat(`${roots["host-a"]}/etc/cron.weekly/rotate`),
    Deno.errors.NotFound,
  );
});

Deno.test("bad cron input is a 400 problem naming the field; cron:read cannot write", async () => {
  await using api = await startTestApi();
  const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, method, `host-a/${path}`, body, detail);
  const ok = { name: "job", schedule: "@hourly", command: "true" };
  await problem("POST", "schedule/cron", { ...ok, name: "../../etc/passwd" }, /name/);
  await problem("POST", "schedule/cron", { ...ok, schedule: "* * *" }, /schedule/);
  await problem("POST", "schedule/cron", { ...ok, command: "a\nb" }, /command/);
  await problem("POST", "schedule/cron", { ...ok, user: "-x" }, /user/);
  await problem("POST", "schedule/cron", { name: "job", command: "true" }, /schedule or interval/);
  await problem("PUT", "schedule/cron/a.b", { command: "true" }, /name/);
  await problem("PUT", "schedule/cron/job", {}, /give command, object, schedule or user/);
  await problem("POST", "schedule/cron", { ...ok, object: "job.sh" }, /object.*not both/);
  await problem("POST", "schedule/cron", { name: "job", schedule: "@daily" }, /give object/);
  await problem(
    "POST",
    "schedule/cron",
    { name: "job", schedule: "@daily", object: "job.sh", content_type: "template" },
    /templates are not rendered by osapi/,
  );
  await problem("PUT", "schedule/cron/job", { object: "a.sh", command: "x" }, /not both/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/schedule/cron")).status, 200);
  const denied = await reader.call("POST", "/api/node/host-a/schedule/cron", { body: ok });
  assert.equal(denied.status, 403);
});

Deno.test("cron entries from a file of the object store through the API", async () => {
  await using api = await startTestApi();
  const roots = api.stack!.roots;
  const call = (method: string, path: string, operationId: string, body?: unknown) =>
    nodeCall(api, method, path, operationId, body);
  assert.equal((await upload(api.admin, "backup.sh", "/usr/local/bin/backup --all\n")).status, 201);
  assert.equal((await upload(api.admin, "backup-v2.sh", "/usr/local/bin/backup -i\n")).status, 201);
  const entry = {
    name: "backup",
    schedule: "30 2 * * *",
    object: "backup.sh",
    content_type: "raw",
  };
  await createBackupOnAll(api, entry, /^30 2 \* \* \* root \/usr\/local\/bin\/backup --all$/m);
  const again = await call("POST", "_all/schedule/cron", "PostNodeScheduleCron", entry);
  assert.deepEqual(pick(again, "hostname", "changed"), [["host-a", false], ["host-b", false]]);

  const updated = await call("PUT", "host-a/schedule/cron/backup", "PutNodeScheduleCron", {
    object: "backup-v2.sh",
  });
  assert.deepEqual(pick(updated, "name", "changed"), [["backup", true]]);
  const got = await call("GET", "host-a/schedule/cron/backup", "GetNodeScheduleCronByName");
  assert.equal(got[0].command, "/usr/local/bin/backup -i");

  const missing = await call("POST", "host-a/schedule/cron", "PostNodeScheduleCron", {
    name: "gone",
    interval: "daily",
    object: "missing.sh",
  });
  assert.equal(missing[0].status, "failed");
  assert.match(String(missing[0].error), /no file named missing\.sh in the object store/);
  await assert.rejects(
    Deno.stat(`${roots["host-a"]}/etc/cron.daily/gone`),
    Deno.errors.NotFound,
  );
});
