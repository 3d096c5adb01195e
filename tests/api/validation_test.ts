/**
 * Bad input over real HTTP: every path answers the right 4xx as application/problem+json
 * (type, title, status, detail), documented in the OpenAPI document, and nothing reaches the
 * job layer.
 */
import assert from "node:assert/strict";
import { FakeJobs, startTestApi, testConfig } from "../helpers/api.ts";
import type { CheckedResponse } from "../helpers/openapi.ts";

function assertProblem(r: CheckedResponse, status: number, detail?: RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.type, "string");
  assert.equal(typeof r.body.title, "string");
  assert.equal(typeof r.body.detail, "string");
  if (detail) assert.match(r.body.detail, detail);
}

Deno.test("bad input gets a 4xx problem and never reaches the job layer", async (t) => {
  const jobs = new FakeJobs();
  await using api = await startTestApi({
    jobs,
    config: testConfig({ api: { server: { max_body: "8KiB" } } }),
  });
  const a = api.admin;
  const uuid = "0193f8a4-5b6c-7d8e-9f01-23456789abcd";

  await t.step("malformed JSON -> 400", async () => {
    assertProblem(
      await a.call("POST", "/command/exec", {
        body: '{"command": "echo",',
        headers: { "content-type": "application/json" },
      }),
      400,
      /malformed json/i,
    );
  });
  await t.step("wrong types -> 400 naming the field", async () => {
    assertProblem(
      await a.call("POST", "/command/exec", { body: { command: 5 } }),
      400,
      /body\.command/,
    );
    assertProblem(
      await a.call("POST", "/network/ping", { body: { address: ["127.0.0.1"] } }),
      400,
      /body\.address/,
    );
  });
  await t.step("missing fields -> 400", async () => {
    assertProblem(await a.call("POST", "/network/ping", { body: {} }), 400, /address/);
    assertProblem(await a.call("POST", "/command/shell", { body: { cwd: "/" } }), 400, /command/);
    assertProblem(await a.call("POST", "/job", { body: { target_hostname: "_any" } }), 400);
    assertProblem(
      await a.call("PUT", "/network/dns", { body: { interface_name: "eth0" } }),
      400,
      /servers or search_domains/,
    );
  });
  await t.step("over-long strings -> 400", async () => {
    assertProblem(
      await a.call("POST", "/command/shell", { body: { command: "x".repeat(5000) } }),
      400,
      /body\.command/,
    );
    assertProblem(
      await a.call("GET", `/system/hostname?target_hostname=${"h".repeat(300)}`),
      400,
      /target_hostname/,
    );
  });
  await t.step("oversized body -> 413", async () => {
    assertProblem(
      await a.call("POST", "/command/shell", { body: { command: "x".repeat(10_000) } }),
      413,
      /max_body/,
    );
  });
  await t.step("wrong content type -> 415", async () => {
    assertProblem(
      await a.call("POST", "/command/exec", {
        body: '{"command":"echo"}',
        headers: { "content-type": "text/plain" },
      }),
      415,
    );
  });
  await t.step("unknown operation type or bad operation data -> 422", async () => {
    assertProblem(
      await a.call("POST", "/job", {
        body: { operation: { type: "system.reboot.do" }, target_hostname: "_any" },
      }),
      422,
      /unknown operation type "system\.reboot\.do"/,
    );
    assertProblem(
      await a.call("POST", "/job", {
        body: {
          operation: { type: "command.exec.do", data: { command: "ls", timeout: 0 } },
          target_hostname: "_any",
        },
      }),
      422,
      /operation\.data\.timeout/,
    );
  });
  await t.step("bad targets -> 400", async () => {
    for (const target of ["*", "web>", "two words", "host.*", "_bogus"]) {
      assertProblem(
        await a.call("GET", `/system/hostname?target_hostname=${encodeURIComponent(target)}`),
        400,
        /target/,
      );
    }
    assertProblem(
      await a.call("POST", "/job", {
        body: { operation: { type: "system.hostname.get" }, target_hostname: ">" },
      }),
      400,
      /target/,
    );
  });
  await t.step("label syntax errors -> 400", async () => {
    for (const target of ["group:", "group:web..dev", "bad key:x", ":web", "g!:web"]) {
      assertProblem(
        await a.call("GET", `/system/status?target_hostname=${encodeURIComponent(target)}`),
        400,
      );
    }
  });
  await t.step("target naming no live worker -> 400", async () => {
    assertProblem(
      await a.call("GET", "/system/hostname?target_hostname=no-such-host"),
      400,
      /no live worker/,
    );
  });
  await t.step("command timeout out of range -> 400", async () => {
    for (const timeout of [0, 301, 1.5]) {
      assertProblem(
        await a.call("POST", "/command/exec", { body: { command: "echo", timeout } }),
        400,
        /timeout/,
      );
    }
  });
  await t.step("exec argv rules -> 400", async () => {
    assertProblem(
      await a.call("POST", "/command/exec", { body: { command: "ls", argv: ["ls"] } }),
      400,
      /either argv or command/,
    );
    assertProblem(
      await a.call("POST", "/command/exec", { body: { command: "ls", cwd: "relative" } }),
      400,
      /absolute/,
    );
    assertProblem(
      await a.call("POST", "/command/exec", { body: { command: "ls", extra: 1 } }),
      400,
      /extra/,
    );
  });
  await t.step("ping to a non-address -> 400", async () => {
    for (const address of ["-f", "not an address", "1.2.3.4; rm -rf /", ""]) {
      assertProblem(await a.call("POST", "/network/ping", { body: { address } }), 400, /address/);
    }
  });
  await t.step("bad interface and DNS values -> 400", async () => {
    assertProblem(await a.call("GET", "/network/dns/eth0;ls"), 400, /interface/);
    assertProblem(
      await a.call("PUT", "/network/dns", {
        body: { interface_name: "eth0", servers: ["not-an-ip"] },
      }),
      400,
      /servers/,
    );
  });
  await t.step("job id that is not a uuid -> 400", async () => {
    assertProblem(await a.call("GET", "/job/not-a-uuid"), 400, /UUID/);
    assertProblem(await a.call("DELETE", "/job/123"), 400, /UUID/);
    assertProblem(await a.call("POST", "/job/xyz/retry"), 400, /UUID/);
    assertProblem(await a.call("GET", "/audit/xyz"), 400, /UUID/);
  });
  await t.step("unknown job id -> 404", async () => {
    assertProblem(await a.call("GET", `/job/${uuid}`), 404);
    assertProblem(await a.call("DELETE", `/job/${uuid}`), 404);
    assertProblem(await a.call("POST", `/job/${uuid}/retry`), 404);
  });
  await t.step("bad paging and status filters -> 400", async () => {
    assertProblem(await a.call("GET", "/job?limit=-1"), 400, /limit/);
    assertProblem(await a.call("GET", "/job?limit=abc"), 400, /limit/);
    assertProblem(await a.call("GET", "/job?status=exploded"), 400, /status/);
    assertProblem(await a.call("GET", "/audit?limit=500"), 400, /limit/);
  });
  await t.step("no NATS: audit answers 503", async () => {
    assertProblem(await a.call("GET", "/audit"), 503, /audit log unavailable/);
  });

  // Only the one request whose target named no worker reached the job layer (and was refused).
  assert.deepEqual(jobs.calls.map((c) => c.target), ["no-such-host"]);
  assert.equal(jobs.records.size, 0);
});

Deno.test("good input reaches the job layer with the caller as submitter", async () => {
  const jobs = new FakeJobs();
  await using api = await startTestApi({ jobs });
  const a = await api.as({ subject: "ops@example.com", roles: ["admin"] });
  const r = await a.call("POST", "/command/exec?target_hostname=_all", {
    body: { command: "echo", args: ["hi"], timeout: 5 },
  });
  assert.equal(r.status, 202);
  assert.equal(r.body.results.length, 2);
  assert.equal(r.body.results[0].stdout, "hi\n");
  assert.equal(r.body.results[0].changed, true);
  assert.deepEqual(jobs.calls[0], {
    method: "run",
    op: { type: "command.exec.do", data: { command: "echo", args: ["hi"], timeout: 5 } },
    target: "_all",
    submitter: "ops@example.com",
  });

  const dns = await a.call("PUT", "/network/dns?target_hostname=host-b", {
    body: { interface_name: "eth0", servers: ["1.1.1.1", "::1"], search_domains: ["example.com"] },
  });
  assert.equal(dns.status, 202);
  assert.deepEqual(dns.body.results.map((x: { status: string }) => x.status), ["ok"]);
  assert.deepEqual(jobs.calls[1].op, {
    type: "network.dns.update",
    data: { interface_name: "eth0", servers: ["1.1.1.1", "::1"], search_domains: ["example.com"] },
  });

  const ping = await a.call("POST", "/network/ping", { body: { address: "localhost", count: 1 } });
  assert.equal(ping.status, 200);
  const dnsGet = await a.call("GET", "/network/dns/eth0?target_hostname=role:web");
  assert.equal(dnsGet.status, 200);
  assert.deepEqual(jobs.calls[3], {
    method: "run",
    op: { type: "network.dns.get", data: { interface_name: "eth0" } },
    target: "role:web",
    submitter: "ops@example.com",
  });

  const created = await a.call("POST", "/job", {
    body: { operation: { type: "system.load.get" }, target_hostname: "_any" },
  });
  assert.equal(created.status, 201);
  const got = await a.call("GET", `/job/${created.body.job_id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.operation.type, "system.load.get");
  assert.equal(got.body.submitter, "ops@example.com");
  const list = await a.call("GET", "/job?status=submitted&limit=5");
  assert.equal(list.body.total_items, 1);
  assert.equal(list.body.items[0].id, created.body.job_id);
  const retried = await a.call("POST", `/job/${created.body.job_id}/retry`);
  assert.equal(retried.status, 201);
  assert.equal(retried.body.retry_of, created.body.job_id);
  const stats = await a.call("GET", "/job/status");
  assert.equal(stats.body.total_jobs, 6); // 4 runs, 1 submit, 1 retry
  const workers = await a.call("GET", "/job/workers");
  assert.equal(workers.body.total, 2);
  const del = await a.call("DELETE", `/job/${created.body.job_id}`);
  assert.equal(del.status, 204);
  assert.equal((await a.call("GET", `/job/${created.body.job_id}`)).status, 404);
});
