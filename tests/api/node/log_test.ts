/**
 * `/api/node/{hostname}/log`, `/log/source` and `/log/unit/{name}` end to end: API, real
 * nats-server and workers on temporary roots. No journald runs here, so no real journal file
 * exists: host-a's root holds a placeholder journalctl skips (the real journalctl runs with the
 * query's arguments and finds nothing), host-b's has no journal (a per-host error). Answers
 * checked against osapi's document and OSAPI's reference.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../../helpers/api.ts";
import { nodeCall, nodeProblem, pick } from "../../helpers/node_api.ts";
import { findOnPath } from "../../../src/worker/providers/process.ts";

Deno.test("journal entries, unit entries and sources through the API", async () => {
  if (!await findOnPath("journalctl")) {
    console.log("skipped: journalctl is not installed");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "osapi-log-" });
  try {
    await Deno.mkdir(`${dir}/host-a/var/log/journal`, { recursive: true });
    await Deno.writeFile(`${dir}/host-a/var/log/journal/system.journal`, new Uint8Array(4096));
    await using api = await startTestApi({
      workers: [{ hostname: "host-a", root: `${dir}/host-a` }, { hostname: "host-b" }],
    });
    const entries = await nodeCall(
      api,
      "GET",
      "_all/log?lines=20&since=1h&priority=warning",
      "GetNodeLog",
    );
    assert.deepEqual(pick(entries, "hostname", "status", "entries"), [
      ["host-a", "ok", []],
      ["host-b", "failed", undefined],
    ]);
    const failed = entries.find((i) => i.hostname === "host-b")!;
    assert.match(String(failed.error), /no systemd journal on this host/);

    const unit = await nodeCall(
      api,
      "GET",
      "host-a/log/unit/nginx.service?lines=5&since=2026-01-01%2000:00",
      "GetNodeLogUnit",
    );
    assert.deepEqual(pick(unit, "hostname", "status", "entries"), [["host-a", "ok", []]]);
    const sources = await nodeCall(api, "GET", "_all/log/source", "GetNodeLogSource");
    assert.deepEqual(pick(sources, "hostname", "status", "sources"), [
      ["host-a", "ok", []],
      ["host-b", "failed", undefined],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad log input is a 400 naming the field; log:read is needed", async () => {
  await using api = await startTestApi();
  await nodeProblem(api, "GET", "host-a/log?lines=0", undefined, /lines/);
  await nodeProblem(api, "GET", "host-a/log?lines=many", undefined, /lines/);
  await nodeProblem(api, "GET", "host-a/log?lines=10001", undefined, /lines/);
  await nodeProblem(api, "GET", "host-a/log?priority=loud", undefined, /priority/);
  await nodeProblem(api, "GET", "host-a/log?since=--all", undefined, /since/);
  await nodeProblem(api, "GET", "host-a/log/unit/-x", undefined, /name/);
  await nodeProblem(api, "GET", "host-a/log/unit/a%20b", undefined, /name/);

  const reader = await api.as({ roles: ["read"] });
  assert.equal((await reader.call("GET", "/api/node/host-a/log/source")).status, 200);
  const other = await api.as({ roles: [], permissions: ["system:read"] });
  assert.equal((await other.call("GET", "/api/node/host-a/log")).status, 403);
});
