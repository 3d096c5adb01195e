/**
 * `/metrics` as OSAPI's users scrape it: behind a token (default), public
 * (`telemetry.metrics.auth: public`), or on a separate listener (`telemetry.metrics.listener`,
 * port 0 here), with the standard `process_*` metrics read from /proc/self.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../helpers/api.ts";
import { parseMaxFds, parseProcStat } from "../../src/api/process_metrics.ts";

/** The value of metric `name` (no labels) in a text exposition, or undefined. */
function sample(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Asserts the process_* metrics of this (test) process are there and plausible. */
function assertProcessMetrics(text: string): void {
  assert.match(text, /# TYPE process_cpu_seconds_total counter/);
  assert.ok(sample(text, "process_cpu_seconds_total")! >= 0);
  assert.ok(sample(text, "process_resident_memory_bytes")! > 1 << 20, "rss above 1 MiB");
  assert.ok(sample(text, "process_virtual_memory_bytes")! > 0);
  const start = sample(text, "process_start_time_seconds")!;
  assert.ok(start > 1.6e9 && start <= Date.now() / 1000, `start time ${start}`);
  assert.ok(sample(text, "process_open_fds")! > 0);
  assert.ok(sample(text, "process_max_fds")! >= sample(text, "process_open_fds")!);
}

Deno.test("metrics: a token with health:read by default, process_* metrics included", async () => {
  await using api = await startTestApi({ workers: [] });
  assert.equal((await api.anonymous.call("GET", "/metrics")).status, 401);
  const noPermission = await api.as({ roles: [], permissions: ["job:read"] });
  assert.equal((await noPermission.call("GET", "/metrics")).status, 403);
  const r = await (await api.as({ roles: [], permissions: ["health:read"] })).call(
    "GET",
    "/metrics",
  );
  assert.equal(r.status, 200, r.text);
  assertProcessMetrics(r.text);
  assert.equal(api.server.metricsUrl, undefined);
});

Deno.test("metrics: telemetry.metrics.auth public needs no token", async () => {
  await using api = await startTestApi({
    workers: [],
    raw: { telemetry: { metrics: { auth: "public", path: "/prom" } } },
  });
  const r = await api.anonymous.call("GET", "/prom");
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /osapi_nats_connected 1/);
  // deno-lint-ignore no-explicit-any
  const doc = api.server.handle.document() as any;
  assert.equal(doc.paths["/prom"].get.security, undefined);
  // everything else still needs a token
  assert.equal((await api.anonymous.call("GET", "/api/job")).status, 401);
});

Deno.test("metrics: a separate listener serves them without a token", async () => {
  await using api = await startTestApi({
    workers: [],
    raw: { telemetry: { metrics: { listener: { enabled: true, host: "127.0.0.1", port: 0 } } } },
  });
  const base = api.server.metricsUrl!;
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(base, api.url);
  await api.admin.call("GET", "/api/health/status");
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/plain/);
  const text = await res.text();
  assert.match(
    text,
    /osapi_http_requests_total\{method="GET",route="\/api\/health\/status",status="200"\} 1/,
  );
  assertProcessMetrics(text);
  const other = await fetch(`${base}/api/job`);
  assert.equal(other.status, 404);
  assert.match(other.headers.get("content-type")!, /^application\/problem\+json/);
  assert.equal((await other.json()).code, 404);
  // the API port keeps its token-protected path
  assert.equal((await api.anonymous.call("GET", "/metrics")).status, 401);
});

Deno.test("metrics: a bad telemetry.metrics.auth names the key and the choices", async () => {
  await assert.rejects(
    startTestApi({ workers: [], raw: { telemetry: { metrics: { auth: "open" } } } }),
    /telemetry\.metrics\.auth[\s\S]*token[\s\S]*public/,
  );
});

Deno.test("process metrics parse /proc/self/stat and /proc/self/limits", () => {
  const stat = "1234 (a (b) c) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 " +
    "8 0 100 123456789 1000 18446744073709551615";
  assert.deepEqual(parseProcStat(stat), {
    cpuSeconds: 3,
    virtualBytes: 123456789,
    residentBytes: 1000 * 4096,
  });
  assert.equal(
    parseMaxFds("Max processes  63 63 processes\nMax open files  1024  4096  files\n"),
    1024,
  );
  assert.equal(parseMaxFds(""), undefined);
});
