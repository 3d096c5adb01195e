/**
 * `/api/node/{hostname}/service[...]` end to end: API, real nats-server and workers on
 * temporary roots (unit files under their etc/systemd/system, enabled with `systemctl --root`);
 * answers checked against osapi's document and OSAPI's reference. No real service is started.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick, upload } from "../../helpers/node_api.ts";
import { findOnPath } from "../../../src/worker/providers/process.ts";

const systemctl = await findOnPath("systemctl");
if (!systemctl) console.log("skipping service API tests: systemctl not on PATH");

const UNIT = "[Unit]\nDescription=My app\n\n[Service]\nExecStart=/bin/sleep 1000\n\n" +
  "[Install]\nWantedBy=multi-user.target\n";

Deno.test({
  name: "services through the API: unit files, list, get, enable, disable, start refused",
  ignore: !systemctl,
  fn: async () => {
    await using api = await startTestApi();
    const roots = api.stack!.roots;
    const call = (method: string, path: string, operationId: string, body?: unknown) =>
      nodeCall(api, method, path, operationId, body);

    const created = await call("POST", "_all/service", "PostNodeService", {
      name: "my-app",
      content: UNIT,
    });
    assert.deepEqual(pick(created, "hostname", "status", "name", "changed"), [
      ["host-a", "ok", "my-app.service", true],
      ["host-b", "ok", "my-app.service", true],
    ]);
    const again = await call("POST", "host-a/service", "PostNodeService", {
      name: "my-app",
      content: UNIT,
    });
    assert.equal(again[0].changed, false);

    const list = await call("GET", "_all/service", "GetNodeService");
    for (const item of list) {
      assert.deepEqual(item.services, [
        { name: "my-app.service", enabled: false, description: "My app" },
      ]);
    }

    const enabled = await call("POST", "host-a/service/my-app/enable", "PostNodeServiceEnable");
    assert.deepEqual(pick(enabled, "hostname", "name", "changed"), [
      ["host-a", "my-app.service", true],
    ]);
    await Deno.lstat(
      `${roots["host-a"]}/etc/systemd/system/multi-user.target.wants/my-app.service`,
    );
    const got = await call("GET", "host-a/service/my-app", "GetNodeServiceByName");
    assert.deepEqual(got[0].service, {
      name: "my-app.service",
      enabled: true,
      description: "My app",
    });
    const missing = await call("GET", "host-a/service/nosuch", "GetNodeServiceByName");
    assert.equal(missing[0].status, "failed");
    assert.match(String(missing[0].error), /no unit nosuch\.service/);
    const disabled = await call("POST", "host-a/service/my-app/disable", "PostNodeServiceDisable");
    assert.equal(disabled[0].changed, true);

    // start/stop/restart need the live system: the workers' temporary roots refuse them
    for (const [action, id] of [["start", "Start"], ["stop", "Stop"], ["restart", "Restart"]]) {
      const r = await call("POST", `host-a/service/my-app/${action}`, `PostNodeService${id}`);
      assert.equal(r[0].status, "failed");
      assert.match(String(r[0].error), /acts on the live system only/);
    }

    const updated = await call("PUT", "host-b/service/my-app", "PutNodeService", {
      content: UNIT.replace("1000", "2000"),
    });
    assert.deepEqual(pick(updated, "name", "changed"), [["my-app.service", true]]);
    assert.match(
      await Deno.readTextFile(`${roots["host-b"]}/etc/systemd/system/my-app.service`),
      /sleep 2000/,
    );

    const deleted = await call("DELETE", "_all/service/my-app", "DeleteNodeService");
    assert.deepEqual(pick(deleted, "hostname", "changed"), [["host-a", true], ["host-b", true]]);
    const none = await call("DELETE", "host-a/service/my-app", "DeleteNodeService");
    assert.equal(none[0].changed, false);
  },
});

Deno.test({
  name: "unit files from a file of the object store through the API",
  ignore: !systemctl,
  fn: async () => {
    await using api = await startTestApi();
    const unitOn = (host: string) =>
      Deno.readTextFile(`${api.stack!.roots[host]}/etc/systemd/system/my-app.service`);
    const v2 = UNIT.replace("1000", "3000");
    assert.equal((await upload(api.admin, "my-app.service", UNIT)).status, 201);
    assert.equal((await upload(api.admin, "my-app-v2.service", v2)).status, 201);
    const body = { name: "my-app", object: "my-app.service" };
    const first = await nodeCall(api, "POST", "_all/service", "PostNodeService", body);
    assert.deepEqual(pick(first, "hostname", "status", "changed"), [
      ["host-a", "ok", true],
      ["host-b", "ok", true],
    ]);
    assert.match(await unitOn("host-a"), /^# .*\n\[Unit\]\nDescription=My app\n/);
    assert.equal(await unitOn("host-a"), await unitOn("host-b"));
    const repeat = await nodeCall(api, "POST", "_all/service", "PostNodeService", body);
    assert.deepEqual(pick(repeat, "hostname", "changed"), [["host-a", false], ["host-b", false]]);

    const put = { object: "my-app-v2.service" };
    const changed = await nodeCall(api, "PUT", "host-b/service/my-app", "PutNodeService", put);
    assert.deepEqual(pick(changed, "hostname", "changed"), [["host-b", true]]);
    assert.match(await unitOn("host-b"), /sleep 3000/);
    const same = await nodeCall(api, "PUT", "host-b/service/my-app", "PutNodeService", put);
    assert.equal(same[0].changed, false);

    const gone = await nodeCall(api, "POST", "host-a/service", "PostNodeService", {
      name: "gone",
      object: "missing.service",
    });
    assert.equal(gone[0].status, "failed");
    assert.match(String(gone[0].error), /no file named missing\.service in the object store/);
  },
});

Deno.test("bad service input is a 400 problem naming the field; service:read cannot write", async () => {
  await using api = await startTestApi();
  const problem = (method: string, path: string, body: unknown, detail: RegExp) =>
    nodeProblem(api, method, `host-a/${path}`, body, detail);
  await problem("POST", "service", { name: "../evil", content: UNIT }, /name/);
  await problem("POST", "service", { name: "-x", content: UNIT }, /name/);
  await problem("POST", "service", { name: "ok", content: "a\u0000b" }, /content/);
  await problem(
    "POST",
    "service",
    { name: "ok" },
    /give object \(a file of \/api\/file\) or content/,
  );
  await problem("POST", "service", { name: "ok", object: "ok.service", content: UNIT }, /not both/);
  await problem("PUT", "service/ok", { object: "a.service", content: UNIT }, /not both/);
  await problem("PUT", "service/ok", { content: "x".repeat(70000) }, /content/);
  await problem("POST", "service/-x/start", undefined, /name/);
  await problem("DELETE", "service/a%2Fb", undefined, /name/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/service")).status, 200);
  const denied = await reader.call("POST", "/api/node/host-a/service/ssh/restart");
  assert.equal(denied.status, 403);
  const none = await api.as({ roles: [], permissions: ["package:read"] });
  assert.equal((await none.call("GET", "/api/node/host-a/service")).status, 403);
});
