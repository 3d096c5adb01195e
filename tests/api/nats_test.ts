/**
 * The API end to end against a real nats-server: the real job client and a real in-process
 * worker run the operations; readiness and status read JetStream; every authenticated request
 * lands in the audit bucket without secrets; /metrics counts requests, jobs and workers.
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { createJobClient } from "../../src/job/client.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { startWorker } from "../../src/worker/worker.ts";
import { startTestApi, testConfig } from "../helpers/api.ts";
import { startNatsServer } from "../helpers/nats_server.ts";

const NS = "apitest";

function configFor(url: string, namespace = NS) {
  const nats = { urls: [url], namespace };
  return testConfig({
    api: { server: { nats, jobs: { timeout: "15s", quiet_period: "300ms" } } },
    job: { worker: { nats, hostname: "worker-1", labels: { role: "web.eu" } } },
    nats: { registry: { ttl: "10s" } },
  });
}

Deno.test("API over a real nats-server, job client and worker", async (t) => {
  await using server = await startNatsServer();
  const config = configFor(server.url);
  const nc = await connectNats(config.api.server.nats, silent);
  const router = routerFor(config, NS);
  await ensureResources(nc, config, router, silent);
  const worker = await startWorker(config, { log: silent });
  try {
    const jobs = createJobClient(nc, config, router, silent);
    await using api = await startTestApi({ config, jobs, nc });
    const ops = await api.as({ subject: "ops@example.com", roles: ["admin"] });

    await t.step("health: ready and status read NATS and JetStream", async () => {
      const ready = await api.anonymous.call("GET", "/health/ready");
      assert.equal(ready.status, 200, ready.text);
      assert.equal(ready.body.status, "ready");
      const status = await ops.call("GET", "/health/status");
      assert.equal(status.status, 200, status.text);
      assert.equal(status.body.components.nats.status, "ok");
      assert.equal(status.body.components.jetstream.status, "ok");
      assert.deepEqual(
        status.body.streams.map((s: { name: string }) => s.name),
        [`${NS}-JOBS`, `${NS}-JOBS-DLQ`],
      );
      assert.ok(
        status.body.kv_buckets.some((b: { name: string }) => b.name === `${NS}-audit-log`),
      );
      assert.equal(status.body.workers, 1);
      assert.match(status.body.nats.url, /127\.0\.0\.1/);
    });

    await t.step("system operations run on the worker", async () => {
      const r = await ops.call("GET", "/system/hostname");
      assert.equal(r.status, 200, r.text);
      assert.match(r.body.job_id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(r.body.results.map((x: { hostname: string }) => x.hostname), ["worker-1"]);
      const load = await ops.call("GET", "/system/load?target_hostname=role:web");
      assert.equal(load.status, 200, load.text);
      assert.equal(typeof load.body.results[0]["1min"], "number");
      const mem = await ops.call("GET", "/system/memory?target_hostname=_all");
      assert.ok(mem.body.results[0].total > 0);
      const status = await ops.call("GET", "/system/status");
      assert.equal(status.status, 200, status.text);
      assert.equal(typeof status.body.results[0].load_average["5min"], "number");
      assert.ok(status.body.results[0].disks.length > 0);
      for (const name of ["uptime", "os", "disk"]) {
        const r = await ops.call("GET", `/system/${name}`);
        assert.equal(r.status, 200, r.text);
      }
    });

    await t.step("exec and shell", async () => {
      const exec = await ops.call("POST", "/command/exec?target_hostname=worker-1", {
        body: { command: "echo", args: ["hi"] },
      });
      assert.equal(exec.status, 202, exec.text);
      assert.equal(exec.body.results[0].stdout, "hi\n");
      assert.equal(exec.body.results[0].exit_code, 0);
      assert.equal(exec.body.results[0].changed, true);
      const shell = await ops.call("POST", "/command/shell", {
        body: { command: "echo $((1+2)) s3cr3t-in-body >/dev/null; echo 3" },
      });
      assert.equal(shell.status, 202, shell.text);
      assert.equal(shell.body.results[0].stdout, "3\n");
    });

    await t.step("network: DNS of an interface, ping", async () => {
      const dns = await ops.call("GET", "/network/dns/lo");
      assert.equal(dns.status, 200, dns.text);
      assert.equal(dns.body.results[0].hostname, "worker-1");
      assert.ok(Array.isArray(dns.body.results[0].servers), dns.text);
      const ping = await ops.call("POST", "/network/ping", {
        body: { address: "127.0.0.1", count: 1 },
      });
      assert.equal(ping.status, 200, ping.text);
      assert.equal(ping.body.results[0].packets_received, 1, ping.text);
    });

    await t.step("unknown host: 400 and nothing published", async () => {
      const jsm = await jetstreamManager(nc);
      const before = (await jsm.streams.info(router.stream)).state.messages;
      const r = await ops.call("GET", "/system/hostname?target_hostname=nowhere");
      assert.equal(r.status, 400, r.text);
      assert.match(r.body.detail, /nowhere/);
      assert.equal((await jsm.streams.info(router.stream)).state.messages, before);
    });

    await t.step("job submit, get, list, retry, delete", async () => {
      const created = await ops.call("POST", "/job", {
        body: { operation: { type: "system.uptime.get", data: {} }, target_hostname: "_any" },
      });
      assert.equal(created.status, 201, created.text);
      const id = created.body.job_id;
      let detail;
      for (let i = 0; i < 100; i++) {
        detail = await ops.call("GET", `/job/${id}`);
        if (detail.body.status === "completed") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(detail!.body.status, "completed", detail!.text);
      assert.equal(detail!.body.hostname, "worker-1");
      assert.equal(typeof detail!.body.result.uptime_seconds, "number");
      assert.ok(detail!.body.timeline.some((e: { event: string }) => e.event === "completed"));
      const list = await ops.call("GET", "/job?limit=2");
      assert.equal(list.status, 200);
      assert.equal(list.body.items.length, 2);
      assert.ok(list.body.total_items >= 5);
      const retried = await ops.call("POST", `/job/${id}/retry`);
      assert.equal(retried.status, 201, retried.text);
      assert.equal(retried.body.retry_of, id);
      const stats = await ops.call("GET", "/job/status");
      assert.equal(stats.status, 200);
      assert.ok(stats.body.total_jobs >= 6);
      assert.equal(stats.body.dlq_count, 0);
      const workers = await ops.call("GET", "/job/workers");
      assert.deepEqual(workers.body.workers[0].labels, { role: "web.eu" });
      assert.equal((await ops.call("DELETE", `/job/${id}`)).status, 204);
      assert.equal((await ops.call("GET", `/job/${id}`)).status, 404);
    });

    await t.step("audit: every authenticated request, no secrets", async () => {
      await api.server.handle.flush();
      const page = await ops.call("GET", "/audit?limit=100");
      assert.equal(page.status, 200, page.text);
      const items = page.body.items as Record<string, unknown>[];
      assert.ok(page.body.total_items >= 14);
      const exec = items.find((e) => e.path === "/command/exec");
      assert.ok(exec);
      assert.equal(exec.user, "ops@example.com");
      assert.deepEqual(exec.roles, ["admin"]);
      assert.equal(exec.method, "POST");
      assert.equal(exec.response_code, 202);
      assert.equal(exec.operation_id, "POST /command/exec");
      assert.equal(exec.source_ip, "127.0.0.1");
      assert.equal(typeof exec.duration_ms, "number");
      assert.ok(items.some((e) => e.response_code === 400));
      // newest first
      const times = items.map((e) => e.timestamp as string);
      assert.deepEqual([...times].sort().reverse(), times);
      const one = await ops.call("GET", `/audit/${exec.id}`);
      assert.deepEqual(one.body.entry, exec);
      const exported = await ops.call("GET", "/audit/export", {
        headers: { accept: "application/x-ndjson" },
      });
      assert.equal(exported.status, 200);
      assert.match(exported.headers.get("content-type")!, /application\/x-ndjson/);
      assert.ok(exported.body.length >= page.body.total_items);
      const asJson = await ops.call("GET", "/audit/export");
      assert.match(asJson.headers.get("content-type")!, /^application\/json/);
      assert.ok(asJson.body.total_items >= page.body.total_items);
      assert.equal(asJson.body.items.length, asJson.body.total_items);
      // The raw bucket holds neither the token nor request bodies.
      const kv = await new Kvm(nc).open(router.auditBucket);
      const token = ops.token!;
      for await (const key of await kv.keys()) {
        const raw = new TextDecoder().decode((await kv.get(key))!.value);
        assert.ok(!raw.includes(token.split(".")[2]), "token in audit entry");
        assert.ok(!/bearer|authorization/i.test(raw), "auth header in audit entry");
        assert.ok(!raw.includes("s3cr3t"), "request body in audit entry");
      }
      // Every entry names its writer: the API's credential (no auth here: the shared one).
      assert.ok(page.body.items.every((e: { writer?: string }) => e.writer === "shared"));
      // Unauthenticated requests are not audited as a user.
      await api.anonymous.call("GET", "/job");
      await api.server.handle.flush();
      const after = await ops.call("GET", "/audit?limit=100");
      assert.ok(!after.body.items.some((e: { user: string }) => e.user === ""));
    });

    await t.step("metrics: requests, jobs, latency, workers, NATS state", async () => {
      const m = await ops.call("GET", "/metrics");
      assert.equal(m.status, 200);
      assert.match(m.headers.get("content-type")!, /^text\/plain/);
      const text = m.text;
      assert.match(
        text,
        /osapi_http_requests_total\{method="GET",route="\/system\/hostname",status="200"\} 1/,
      );
      assert.match(
        text,
        /osapi_http_requests_total\{method="GET",route="\/job\/\{id\}",status="404"\} 1/,
      );
      assert.match(text, /osapi_jobs_total\{type="command\.exec\.do",status="completed"\} 1/);
      assert.match(text, /osapi_jobs_total\{type="system\.hostname\.get",status="rejected"\} 1/);
      assert.match(text, /osapi_job_duration_seconds_count\{type="command\.shell\.do"\} 1/);
      assert.match(text, /osapi_http_request_duration_seconds_bucket\{/);
      assert.match(text, /^osapi_workers 1$/m);
      assert.match(text, /^osapi_nats_connected 1$/m);
    });
  } finally {
    await worker.stop();
    await nc.close();
  }
});

Deno.test("readiness is 503 naming what is missing until resources exist", async () => {
  await using server = await startNatsServer();
  const config = configFor(server.url, "fresh");
  const nc = await connectNats(config.api.server.nats, silent);
  try {
    const router = routerFor(config, "fresh");
    const jobs = createJobClient(nc, config, router, silent);
    await using api = await startTestApi({ config, jobs, nc });
    const before = await api.anonymous.call("GET", "/health/ready");
    assert.equal(before.status, 503);
    assert.match(before.body.error, /fresh-JOBS/);
    await ensureResources(nc, config, router, silent);
    const after = await api.anonymous.call("GET", "/health/ready");
    assert.equal(after.status, 200, after.text);
    await server.stop();
    const down = await api.anonymous.call("GET", "/health/ready");
    assert.equal(down.status, 503);
    const m = await api.admin.call("GET", "/metrics");
    assert.match(m.text, /^osapi_nats_connected 0$/m);
  } finally {
    await nc.close();
  }
});
