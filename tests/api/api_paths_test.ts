/**
 * OSAPI's current non-node paths under `/api` (version, health, jobs, audit) on a real
 * nats-server and workers: answers checked against osapi's document (ApiCaller) and the
 * reference's schemas, error bodies against its ErrorResponse, the root paths still served,
 * and `POST /job/{id}/retry` honouring `target_hostname`.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../helpers/api.ts";
import { eventually } from "../helpers/jobs.ts";
import type { ApiCaller } from "../helpers/openapi.ts";
import { checkErrorResponse, checkReference } from "../helpers/reference.ts";

/** Submits `system.hostname.get` on `target` and waits until it completed; returns its id. */
async function completedJob(a: ApiCaller, target: string): Promise<string> {
  const created = await a.call("POST", "/api/job", {
    body: { operation: { type: "system.hostname.get" }, target_hostname: target },
  });
  assert.equal(created.status, 201, created.text);
  await waitCompleted(a, created.body.job_id);
  return created.body.job_id;
}

/** Waits until job `id` completed and returns its detail (`GET /api/job/{id}`). */
async function waitCompleted(a: ApiCaller, id: string) {
  return await eventually(async () => {
    const r = await a.call("GET", `/api/job/${id}`);
    return r.body.status === "completed" ? r : undefined;
  }, `job ${id} completed`);
}

Deno.test("OSAPI's current /api paths for version, health, jobs and audit", async (t) => {
  await using api = await startTestApi();
  const a = api.admin;

  await t.step("version and health: public, the reference's shapes", async () => {
    for (const path of ["/api/version", "/version"]) {
      const r = await api.anonymous.call("GET", path);
      assert.equal(r.status, 200, r.text);
      assert.equal(typeof r.body.version, "string");
    }
    const live = await api.anonymous.call("GET", "/api/health");
    assert.equal(live.status, 200);
    await checkReference("GetHealth", 200, live.body);
    const ready = await api.anonymous.call("GET", "/api/health/ready");
    assert.equal(ready.status, 200, ready.text);
    await checkReference("GetHealthReady", 200, ready.body);
    const status = await a.call("GET", "/api/health/status");
    assert.equal(status.status, 200, status.text);
    await checkReference("GetHealthStatus", 200, status.body);
    assert.deepEqual(status.body.agents, { total: 2, ready: 2 });
    assert.equal((await api.anonymous.call("GET", "/api/health/status")).status, 401);
  });

  await t.step("jobs: list, get, delete as OSAPI's clients read them", async () => {
    const id = await completedJob(a, "host-a");
    const detail = await a.call("GET", `/api/job/${id}`);
    await checkReference("GetJobByID", 200, detail.body);
    assert.equal(detail.body.hostname, "host-a");
    assert.equal(detail.body.changed, null);
    assert.deepEqual(detail.body.agent_states, detail.body.worker_states);
    const list = await a.call("GET", "/api/job?limit=5&status=completed");
    assert.equal(list.status, 200, list.text);
    await checkReference("getJobs", 200, list.body);
    assert.ok(list.body.status_counts.completed >= 1);
    assert.ok(list.body.items.some((j: { id: string }) => j.id === id));
    // the root paths answer the same
    assert.equal((await a.call("GET", `/job/${id}`)).body.id, id);
    assert.equal((await a.call("DELETE", `/api/job/${id}`)).status, 204);
    assert.equal((await a.call("GET", `/job/${id}`)).status, 404);
  });

  await t.step("retry honours target_hostname (default: the original target)", async () => {
    const id = await completedJob(a, "host-a");
    const moved = await a.call("POST", `/api/job/${id}/retry`, {
      body: { target_hostname: "host-b" },
    });
    assert.equal(moved.status, 201, moved.text);
    await checkReference("RetryJobByID", 201, moved.body);
    assert.equal(moved.body.target, "host-b");
    assert.equal((await waitCompleted(a, moved.body.job_id)).body.hostname, "host-b");
    const same = await a.call("POST", `/job/${id}/retry`);
    assert.equal(same.status, 201, same.text);
    assert.equal(same.body.target, "host-a");
    assert.equal((await waitCompleted(a, same.body.job_id)).body.hostname, "host-a");
    const all = await a.call("POST", `/job/${id}/retry`, { body: { target_hostname: "_all" } });
    assert.equal(all.body.target, "_all");
    const done = await eventually(async () => {
      const r = await a.call("GET", `/api/job/${all.body.job_id}`);
      return Object.keys(r.body.responses).length === 2 ? r : undefined;
    }, "both hosts answered");
    assert.deepEqual(Object.keys(done.body.responses).sort(), ["host-a", "host-b"]);
    const bad = await a.call("POST", `/api/job/${id}/retry`, {
      body: { target_hostname: "bad target!" },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.body.detail, /target_hostname/);
    const unknown = await a.call("POST", `/api/job/${id}/retry`, {
      body: { target_hostname: "nowhere" },
    });
    assert.equal(unknown.status, 400, unknown.text);
    assert.match(unknown.body.detail, /nowhere/);
  });

  await t.step("audit: list, get, export (JSON unless NDJSON is asked for)", async () => {
    await api.server.handle.flush();
    const page = await a.call("GET", "/api/audit?limit=100");
    assert.equal(page.status, 200, page.text);
    await checkReference("GetAuditLogs", 200, page.body);
    const entry = page.body.items.find((e: { path: string }) => e.path.startsWith("/api/job/"));
    assert.ok(entry, "an /api/job call is audited");
    const one = await a.call("GET", `/api/audit/${entry.id}`);
    await checkReference("GetAuditLogByID", 200, one.body);
    assert.deepEqual(one.body.entry, entry);
    for (const path of ["/api/audit/export", "/audit/export"]) {
      const all = await a.call("GET", path);
      assert.equal(all.status, 200, all.text);
      assert.match(all.headers.get("content-type")!, /^application\/json/);
      await checkReference("GetAuditExport", 200, all.body);
      assert.equal(all.body.items.length, all.body.total_items);
      assert.ok(all.body.total_items >= page.body.total_items);
      const lines = await a.call("GET", path, {
        headers: { accept: "application/x-ndjson;q=1, application/json;q=0.5" },
      });
      assert.match(lines.headers.get("content-type")!, /^application\/x-ndjson/);
      assert.ok(lines.body.length >= page.body.total_items);
    }
  });

  await t.step("errors: problem+json with OSAPI's error, code and details", async () => {
    const reader = await api.as({ roles: ["read"] });
    const uuid = "0193f8a4-5b6c-7d8e-9f01-23456789abcd";
    const cases: [ApiCaller, string, string, number][] = [
      [api.anonymous, "GET", "/api/job", 401],
      [reader, "DELETE", `/api/job/${uuid}`, 403],
      [a, "GET", `/api/job/${uuid}`, 404],
      [a, "GET", "/api/job/not-a-uuid", 400],
      [a, "GET", "/api/audit?limit=1000", 400],
      [a, "GET", `/api/audit/${uuid}`, 404],
    ];
    for (const [caller, method, path, status] of cases) {
      const r = await caller.call(method, path);
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
      assert.match(r.headers.get("content-type")!, /^application\/problem\+json/);
      assert.equal(r.body.status, status);
      assert.equal(r.body.code, status);
      assert.equal(r.body.error, r.body.detail);
      await checkErrorResponse(r.body);
    }
    const unknown = await fetch(`${api.url}/api/nothing`, {
      headers: { authorization: `Bearer ${a.token}` },
    });
    assert.equal(unknown.status, 404);
    const body = await unknown.json();
    assert.equal(body.code, 404);
    await checkErrorResponse(body);
  });
});

Deno.test("the /api routes carry the reference's operation ids, the root ones a Legacy suffix", async () => {
  await using api = await startTestApi({ workers: [] });
  // deno-lint-ignore no-explicit-any
  const paths = (api.server.handle.document() as any).paths;
  const expect: [string, string, string, string][] = [
    ["get", "/api/job", "getJobs", "GetJobLegacy"],
    ["get", "/api/job/{id}", "GetJobByID", "GetJobByIDLegacy"],
    ["delete", "/api/job/{id}", "DeleteJobByID", "DeleteJobByIDLegacy"],
    ["post", "/api/job/{id}/retry", "RetryJobByID", "RetryJobByIDLegacy"],
    ["get", "/api/audit", "GetAuditLogs", "GetAuditLogsLegacy"],
    ["get", "/api/audit/{id}", "GetAuditLogByID", "GetAuditLogByIDLegacy"],
    ["get", "/api/audit/export", "GetAuditExport", "GetAuditExportLegacy"],
    ["get", "/api/health", "GetHealth", "GetHealthLegacy"],
    ["get", "/api/health/ready", "GetHealthReady", "GetHealthReadyLegacy"],
    ["get", "/api/health/status", "GetHealthStatus", "GetHealthStatusLegacy"],
    ["get", "/api/version", "GetVersion", "GetVersionLegacy"],
  ];
  for (const [method, path, current, legacy] of expect) {
    assert.equal(paths[path]?.[method]?.operationId, current, `${method} ${path}`);
    const root = path.replace(/^\/api/, "");
    assert.equal(paths[root]?.[method]?.operationId, legacy, `${method} ${root}`);
  }
  const retry = paths["/api/job/{id}/retry"].post;
  assert.equal(retry.requestBody.required, false);
});
