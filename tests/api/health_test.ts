/**
 * `/health/ready` is one shared, cached check (counted, not timed), and `/metrics` surfaces a
 * NATS error instead of reporting zero workers.
 */
import assert from "node:assert/strict";
import { createJobClient } from "../../src/job/client.ts";
import { SharedCheck } from "../../src/health/cache.ts";
import { NatsHealth } from "../../src/health/nats_health.ts";
import { Logger, silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { startTestApi, testConfig } from "../helpers/api.ts";
import { startNatsServer } from "../helpers/nats_server.ts";

const NS = "healthtest";

function configFor(url: string) {
  const nats = { urls: [url], namespace: NS };
  return testConfig({ api: { server: { nats } }, job: { worker: { nats } } });
}

Deno.test("SharedCheck: concurrent callers share one check; kept answers are served until the ttl or invalidate", async () => {
  let now = 0;
  let release: (ok: boolean) => void = () => {};
  const check = new SharedCheck(
    () => new Promise<boolean>((resolve) => release = resolve),
    { ttlMs: 1_000, keep: (ok) => ok, now: () => now },
  );
  // ten callers while the check is in flight: one check
  const waiting = Array.from({ length: 10 }, () => check.get());
  release(true);
  assert.deepEqual(await Promise.all(waiting), Array(10).fill(true));
  assert.equal(check.runs, 1);
  // a kept answer is served while fresh
  now = 999;
  assert.equal(await check.get(), true);
  assert.equal(check.runs, 1);
  // stale: checked again; a not-kept answer serves only the callers in flight
  now = 1_000;
  const stale = [check.get(), check.get()];
  release(false);
  assert.deepEqual(await Promise.all(stale), [false, false]);
  assert.equal(check.runs, 2);
  const again = check.get();
  assert.equal(check.runs, 3);
  release(true);
  assert.equal(await again, true);
  // invalidate drops the kept answer
  check.invalidate();
  const fresh = check.get();
  assert.equal(check.runs, 4);
  release(true);
  await fresh;
});

Deno.test("/health/ready: concurrent and repeated probes share one readiness check", async () => {
  await using server = await startNatsServer();
  const config = configFor(server.url);
  const nc = await connectNats(config.api.server.nats, silent);
  try {
    const router = routerFor(config, NS);
    await ensureResources(nc, config, router, silent);
    // a ready answer kept for a minute: every probe below is answered by the first check
    const health = new NatsHealth(nc, router, { readyTtlMs: 60_000 });
    const jobs = createJobClient(nc, config, router, silent);
    await using api = await startTestApi({ config, jobs, nc, health });
    const probe = () => api.anonymous.call("GET", "/health/ready");
    const burst = await Promise.all(Array.from({ length: 20 }, probe));
    for (const r of burst) {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { status: "ready" });
    }
    for (let i = 0; i < 5; i++) assert.equal((await probe()).status, 200);
    assert.equal(health.readyChecks, 1);
  } finally {
    await nc.close();
  }
});

Deno.test("/metrics: a NATS error is logged and counted, never reported as zero workers", async () => {
  await using server = await startNatsServer();
  const config = configFor(server.url);
  const nc = await connectNats(config.api.server.nats, silent);
  const lines: string[] = [];
  const log = new Logger("osapi", "info", "text", (l) => lines.push(l));
  const router = routerFor(config, NS);
  await ensureResources(nc, config, router, silent);
  const jobs = createJobClient(nc, config, router, silent);
  await using api = await startTestApi({ config, jobs, nc, log });
  const before = await api.admin.call("GET", "/metrics");
  assert.match(before.text, /^osapi_workers 0$/m); // connected, no worker: a real zero
  assert.doesNotMatch(before.text, /^osapi_metric_errors_total\{/m);

  await nc.close(); // every NATS request of the job service now fails
  const after = await api.admin.call("GET", "/metrics");
  assert.equal(after.status, 200);
  assert.doesNotMatch(after.text, /^osapi_workers /m, "an unknown worker count reported");
  assert.match(after.text, /^osapi_metric_errors_total\{metric="osapi_workers"\} 1$/m);
  assert.match(after.text, /^osapi_nats_connected 0$/m);
  assert.ok(
    lines.some((l) => /cannot count the live workers/.test(l) && /closed/i.test(l)),
    lines.join("\n"),
  );
});
