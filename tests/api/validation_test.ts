/**
 * Bad input over real HTTP, on the real job layer (nats-server, job client, two in-process
 * workers): every path answers the right 4xx as application/problem+json (type, title, status,
 * detail), documented in the OpenAPI document, and no job is stored or published. Good input
 * runs on the workers with the caller as submitter.
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { startTestApi, type TestApi } from "../helpers/api.ts";
import type { CheckedResponse } from "../helpers/openapi.ts";
import { checkErrorResponse } from "../helpers/reference.ts";

async function assertProblem(r: CheckedResponse, status: number, detail?: RegExp) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.type, "string");
  assert.equal(typeof r.body.title, "string");
  assert.equal(typeof r.body.detail, "string");
  if (detail) assert.match(r.body.detail, detail);
  // the members OSAPI's clients read (its ErrorResponse)
  assert.equal(r.body.code, status);
  assert.equal(r.body.error, r.body.detail);
  assert.equal(typeof r.body.details, "string");
  await checkErrorResponse(r.body);
}

/** Jobs stored, and job messages published, so far. */
async function jobCounts(api: TestApi): Promise<{ records: number; published: number }> {
  const { nc, client } = api.stack!;
  const jsm = await jetstreamManager(nc);
  return {
    records: (await api.jobs.list({ limit: 1000, offset: 0 })).total,
    published: (await jsm.streams.info(client.router.stream)).state.messages,
  };
}

Deno.test("bad input gets a 4xx problem and never reaches the job layer", async (t) => {
  await using api = await startTestApi({ raw: { api: { server: { max_body: "8KiB" } } } });
  const a = api.admin;
  const uuid = "0193f8a4-5b6c-7d8e-9f01-23456789abcd";

  await t.step("malformed JSON -> 400", async () => {
    await assertProblem(
      await a.call("POST", "/command/exec", {
        body: '{"command": "echo",',
        headers: { "content-type": "application/json" },
      }),
      400,
      /malformed json/i,
    );
  });
  await t.step("wrong types -> 400 naming the field", async () => {
    await assertProblem(
      await a.call("POST", "/command/exec", { body: { command: 5 } }),
      400,
      /body\.command/,
    );
    await assertProblem(
      await a.call("POST", "/network/ping", { body: { address: ["127.0.0.1"] } }),
      400,
      /body\.address/,
    );
  });
  await t.step("missing fields -> 400", async () => {
    await assertProblem(await a.call("POST", "/network/ping", { body: {} }), 400, /address/);
    await assertProblem(
      await a.call("POST", "/command/shell", { body: { cwd: "/" } }),
      400,
      /command/,
    );
    await assertProblem(await a.call("POST", "/job", { body: { target_hostname: "_any" } }), 400);
    await assertProblem(
      await a.call("PUT", "/network/dns", { body: { interface_name: "eth0" } }),
      400,
      /body: give servers, search_domains or both/,
    );
  });
  await t.step("over-long strings -> 400", async () => {
    await assertProblem(
      await a.call("POST", "/command/shell", {
        body: { command: "ls", cwd: `/${"x".repeat(5000)}` },
      }),
      400,
      /body\.cwd/,
    );
    // the table's limit (45), not a looser copy: a 46-character server address is refused
    await assertProblem(
      await a.call("PUT", "/network/dns", {
        body: { interface_name: "eth0", servers: ["1".repeat(46)] },
      }),
      400,
      /body\.servers\[0\]: is too long \(46 characters, at most 45\)/,
    );
    await assertProblem(
      await a.call("GET", `/system/hostname?target_hostname=${"h".repeat(300)}`),
      400,
      /target_hostname/,
    );
  });
  await t.step("oversized body -> 413", async () => {
    await assertProblem(
      await a.call("POST", "/command/shell", { body: { command: "x".repeat(10_000) } }),
      413,
      /max_body/,
    );
  });
  await t.step("wrong content type -> 415", async () => {
    await assertProblem(
      await a.call("POST", "/command/exec", {
        body: '{"command":"echo"}',
        headers: { "content-type": "text/plain" },
      }),
      415,
    );
  });
  await t.step("unknown operation type or bad operation data -> 422", async () => {
    await assertProblem(
      await a.call("POST", "/job", {
        body: { operation: { type: "system.reboot.do" }, target_hostname: "_any" },
      }),
      422,
      /unknown operation type "system\.reboot\.do"/,
    );
    await assertProblem(
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
      await assertProblem(
        await a.call("GET", `/system/hostname?target_hostname=${encodeURIComponent(target)}`),
        400,
        /target/,
      );
    }
    await assertProblem(
      await a.call("POST", "/job", {
        body: { operation: { type: "system.hostname.get" }, target_hostname: ">" },
      }),
      400,
      /target/,
    );
  });
  await t.step("label syntax errors -> 400", async () => {
    for (const target of ["group:", "group:web..dev", "bad key:x", ":web", "g!:web"]) {
      await assertProblem(
        await a.call("GET", `/system/status?target_hostname=${encodeURIComponent(target)}`),
        400,
      );
    }
  });
  await t.step("target naming no live worker -> 400", async () => {
    await assertProblem(
      await a.call("GET", "/system/hostname?target_hostname=no-such-host"),
      400,
      /no live worker/,
    );
  });
  await t.step("command timeout out of range -> 400", async () => {
    for (const timeout of [0, 301, 1.5]) {
      await assertProblem(
        await a.call("POST", "/command/exec", { body: { command: "echo", timeout } }),
        400,
        /timeout/,
      );
    }
  });
  await t.step("exec argv rules -> 400", async () => {
    await assertProblem(
      await a.call("POST", "/command/exec", { body: { command: "ls", argv: ["ls"] } }),
      400,
      /either argv or command/,
    );
    await assertProblem(
      await a.call("POST", "/command/exec", { body: { command: "ls", cwd: "relative" } }),
      400,
      /absolute/,
    );
    await assertProblem(
      await a.call("POST", "/command/exec", { body: { command: "ls", extra: 1 } }),
      400,
      /extra/,
    );
  });
  await t.step("ping to a non-address -> 400", async () => {
    for (const address of ["-f", "not an address", "1.2.3.4; rm -rf /", ""]) {
      await assertProblem(
        await a.call("POST", "/network/ping", { body: { address } }),
        400,
        /address/,
      );
    }
  });
  await t.step("bad interface and DNS values -> 400", async () => {
    await assertProblem(await a.call("GET", "/network/dns/eth0;ls"), 400, /interface/);
    await assertProblem(
      await a.call("PUT", "/network/dns", {
        body: { interface_name: "eth0", servers: ["not-an-ip"] },
      }),
      400,
      /servers/,
    );
  });
  await t.step("job id that is not a uuid -> 400", async () => {
    await assertProblem(await a.call("GET", "/job/not-a-uuid"), 400, /UUID/);
    await assertProblem(await a.call("DELETE", "/job/123"), 400, /UUID/);
    await assertProblem(await a.call("POST", "/job/xyz/retry"), 400, /UUID/);
    await assertProblem(await a.call("GET", "/audit/xyz"), 400, /UUID/);
  });
  await t.step("unknown job id -> 404", async () => {
    await assertProblem(await a.call("GET", `/job/${uuid}`), 404);
    await assertProblem(await a.call("DELETE", `/job/${uuid}`), 404);
    await assertProblem(await a.call("POST", `/job/${uuid}/retry`), 404);
  });
  await t.step("bad paging and status filters -> 400", async () => {
    await assertProblem(await a.call("GET", "/job?limit=-1"), 400, /limit/);
    await assertProblem(await a.call("GET", "/job?limit=abc"), 400, /limit/);
    await assertProblem(await a.call("GET", "/job?status=exploded"), 400, /status/);
    await assertProblem(await a.call("GET", "/audit?limit=500"), 400, /limit/);
  });
  await t.step("NUL in a string -> 400 from the table's check", async () => {
    await assertProblem(
      await a.call("POST", "/command/exec", { body: { argv: ["echo", "a\u0000b"] } }),
      400,
      /body\.argv\[1\]: must not contain NUL/,
    );
  });

  // Nothing was stored or published: the one request that reached the job client (a target
  // naming no live worker) was refused before publishing.
  assert.deepEqual(await jobCounts(api), { records: 0, published: 0 });
});

Deno.test("without NATS in the app the audit log answers 503", async () => {
  await using api = await startTestApi({ appWithoutNats: true, workers: [] });
  await assertProblem(await api.admin.call("GET", "/audit"), 503, /audit log unavailable/);
  const ready = await api.anonymous.call("GET", "/health/ready");
  assert.equal(ready.status, 503);
  assert.equal(ready.body.status, "not_ready");
});

Deno.test("good input runs on the workers with the caller as submitter", async () => {
  await using api = await startTestApi();
  const a = await api.as({ subject: "ops@example.com", roles: ["admin"] });
  const detail = async (id: string) => {
    const r = await a.call("GET", `/job/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };

  const r = await a.call("POST", "/command/exec?target_hostname=_all", {
    body: { command: "echo", args: ["hi"], timeout: 5 },
  });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.body.results.map((x: { hostname: string }) => x.hostname), [
    "host-a",
    "host-b",
  ]);
  assert.equal(r.body.results[0].stdout, "hi\n");
  assert.equal(r.body.results[0].changed, true);
  const exec = await detail(r.body.job_id);
  assert.deepEqual(exec.operation, {
    type: "command.exec.do",
    data: { command: "echo", args: ["hi"], timeout: 5 },
  });
  assert.equal(exec.target, "_all");
  assert.equal(exec.submitter, "ops@example.com");

  const dns = await a.call("PUT", "/network/dns?target_hostname=host-b", {
    body: { interface_name: "eth0", servers: ["1.1.1.1", "::1"], search_domains: ["example.com"] },
  });
  assert.equal(dns.status, 202, dns.text);
  assert.deepEqual(dns.body.results.map((x: { status: string }) => x.status), ["ok"]);
  assert.equal(dns.body.results[0].changed, true);
  assert.deepEqual((await detail(dns.body.job_id)).operation.data, {
    interface_name: "eth0",
    servers: ["1.1.1.1", "::1"],
    search_domains: ["example.com"],
  });
  // the workers share the test resolv.conf: every host now reports the new servers
  const dnsGet = await a.call("GET", "/network/dns/eth0?target_hostname=role:web");
  assert.equal(dnsGet.status, 200, dnsGet.text);
  assert.deepEqual(dnsGet.body.results.map((x: { servers: string[] }) => x.servers), [
    ["1.1.1.1", "::1"],
    ["1.1.1.1", "::1"],
  ]);
  assert.equal((await detail(dnsGet.body.job_id)).target, "role:web");

  const ping = await a.call("POST", "/network/ping", { body: { address: "127.0.0.1", count: 1 } });
  assert.equal(ping.status, 200, ping.text);
  assert.equal(ping.body.results.length, 1);

  const created = await a.call("POST", "/job", {
    body: { operation: { type: "system.load.get" }, target_hostname: "_any" },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.body.job_id;
  const got = await detail(id);
  assert.equal(got.operation.type, "system.load.get");
  assert.equal(got.submitter, "ops@example.com");
  const list = await a.call("GET", "/job?limit=5");
  assert.equal(list.body.total_items, 5);
  assert.equal(list.body.items[0].id, id, "newest first");
  const retried = await a.call("POST", `/job/${id}/retry`);
  assert.equal(retried.status, 201, retried.text);
  assert.equal(retried.body.retry_of, id);
  const stats = await a.call("GET", "/job/status");
  assert.equal(stats.body.total_jobs, 6); // 4 runs, 1 submit, 1 retry
  const workers = await a.call("GET", "/job/workers");
  assert.deepEqual(workers.body.workers.map((w: { hostname: string }) => w.hostname), [
    "host-a",
    "host-b",
  ]);
  const del = await a.call("DELETE", `/job/${id}`);
  assert.equal(del.status, 204);
  assert.equal((await a.call("GET", `/job/${id}`)).status, 404);
});
