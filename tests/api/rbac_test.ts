/**
 * Operation permissions on the job routes, on the real job layer (nats-server, job client, an
 * in-process worker): `POST /job` and retries need the permission of the operation type on top
 * of `job:write` (403 otherwise, nothing stored or published), and the job views leave out the
 * input, output and errors of operations the caller may not run (`redacted: true`).
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { startTestApi, type TestApi } from "../helpers/api.ts";
import { eventually } from "../helpers/jobs.ts";
import type { ApiCaller, CheckedResponse } from "../helpers/openapi.ts";

const SECRET = "s3cr3t-value";

function assertForbidden(r: CheckedResponse, permission: string): void {
  assert.equal(r.status, 403, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.match(r.body.detail, new RegExp(`permission ${permission} required`));
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

type Operation = { type: string; data?: Record<string, unknown> };

function submit(caller: ApiCaller, operation: Operation): Promise<CheckedResponse> {
  return caller.call("POST", "/job", { body: { operation, target_hostname: "host-a" } });
}

/** The job's detail once the worker has answered. */
function finished(caller: ApiCaller, id: string) {
  return eventually(async () => {
    const r = await caller.call("GET", `/job/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.body.status === "completed" || r.body.status === "failed" ? r : undefined;
  }, `job ${id}`);
}

const shell: Operation = {
  type: "command.shell.do",
  data: { command: 'echo "$TOKEN"', env: { TOKEN: SECRET } },
};

Deno.test("job routes check the operation's permission and redact what the caller may not run", async (t) => {
  await using api = await startTestApi({
    raw: {
      api: {
        server: {
          security: {
            roles: {
              operator: { permissions: ["job:read", "job:write", "command:execute"] },
              pinger: { permissions: ["job:read", "job:write", "network:read"] },
            },
          },
        },
      },
    },
    workers: [{ hostname: "host-a" }],
  });
  const admin = await api.as({ subject: "root@example.com", roles: ["admin"] });
  const write = await api.as({ subject: "writer@example.com", roles: ["write"] });
  const read = await api.as({ subject: "reader@example.com", roles: ["read"] });
  const operator = await api.as({ subject: "op@example.com", roles: ["operator"] });
  let shellId = "";
  let hostnameId = "";

  await t.step("write token: 403 for command jobs, before their data is looked at", async () => {
    const before = await jobCounts(api);
    assertForbidden(await submit(write, shell), "command:execute");
    assertForbidden(
      await submit(write, { type: "command.exec.do", data: { argv: ["id"] } }),
      "command:execute",
    );
    // bad data, same answer: the permission comes first
    assertForbidden(await submit(write, { type: "command.shell.do", data: {} }), "command:execute");
    assert.deepEqual(await jobCounts(api), before, "nothing stored or published");
  });

  await t.step("write token: what its role allows is accepted", async () => {
    const r = await submit(write, { type: "system.hostname.get" });
    assert.equal(r.status, 201, r.text);
    hostnameId = r.body.job_id;
    const dns = await submit(write, { type: "network.dns.get", data: { interface_name: "lo" } });
    assert.equal(dns.status, 201, dns.text);
  });

  await t.step("admin: 201, the job runs on the worker and admin sees everything", async () => {
    const r = await submit(admin, shell);
    assert.equal(r.status, 201, r.text);
    shellId = r.body.job_id;
    const done = await finished(admin, shellId);
    assert.equal(done.body.status, "completed", done.text);
    assert.equal(done.body.redacted, undefined);
    assert.deepEqual(done.body.operation, shell);
    assert.equal(done.body.result.stdout, `${SECRET}\n`);
    assert.equal(done.body.responses["host-a"].data.stdout, `${SECRET}\n`);
  });

  await t.step("write token cannot retry the shell job; admin can", async () => {
    const before = await jobCounts(api);
    assertForbidden(await write.call("POST", `/job/${shellId}/retry`), "command:execute");
    assert.deepEqual(await jobCounts(api), before, "nothing stored or published");
    const r = await admin.call("POST", `/job/${shellId}/retry`);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.retry_of, shellId);
    const done = await finished(admin, r.body.job_id);
    assert.equal(done.body.result.stdout, `${SECRET}\n`);
    assert.equal(done.body.submitter, "root@example.com");
    // the write token may retry a job it may run
    const again = await write.call("POST", `/job/${hostnameId}/retry`);
    assert.equal(again.status, 201, again.text);
  });

  await t.step("read and write tokens see the shell job redacted", async () => {
    for (const caller of [read, write]) {
      const r = await caller.call("GET", `/job/${shellId}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.redacted, true);
      assert.deepEqual(r.body.operation, { type: "command.shell.do" });
      assert.equal(r.body.result, undefined);
      assert.equal(r.body.status, "completed");
      assert.deepEqual(r.body.responses["host-a"], {
        status: "completed",
        hostname: "host-a",
        changed: true,
      });
      assert.ok(!r.text.includes(SECRET), r.text);
    }
    const own = await read.call("GET", `/job/${hostnameId}`);
    assert.equal(own.body.redacted, undefined, "a job the caller may run is shown in full");
    const done = await finished(read, hostnameId);
    assert.equal(done.body.result.hostname, Deno.hostname());
  });

  await t.step("the job list redacts per job", async () => {
    const r = await read.call("GET", "/job?limit=100");
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes(SECRET));
    const byType = (type: string) =>
      r.body.items.filter((j: { operation: { type: string } }) => j.operation.type === type);
    const shells = byType("command.shell.do");
    assert.equal(shells.length, 2);
    for (const j of shells) assert.equal(j.redacted, true);
    for (const j of [...byType("system.hostname.get"), ...byType("network.dns.get")]) {
      assert.equal(j.redacted, undefined);
      assert.ok("data" in j.operation);
    }
    const all = await admin.call("GET", "/job?limit=100");
    assert.ok(all.body.items.every((j: { redacted?: boolean }) => j.redacted === undefined));
    assert.ok(all.text.includes(SECRET));
  });

  await t.step("a failed command's error text is redacted too", async () => {
    const program = `no-such-program-${SECRET}`;
    const r = await submit(admin, { type: "command.exec.do", data: { argv: [program] } });
    assert.equal(r.status, 201, r.text);
    const done = await finished(admin, r.body.job_id);
    assert.equal(done.body.status, "failed");
    assert.match(done.body.error, new RegExp(`command not found: ${program}`));
    const seen = await read.call("GET", `/job/${r.body.job_id}`);
    assert.equal(seen.body.status, "failed");
    assert.equal(seen.body.redacted, true);
    assert.equal(seen.body.error, undefined);
    assert.ok(!seen.text.includes(SECRET), seen.text);
  });

  await t.step(
    "a custom role with command:execute runs, sees and retries command jobs",
    async () => {
      const r = await submit(operator, shell);
      assert.equal(r.status, 201, r.text);
      const done = await finished(operator, r.body.job_id);
      assert.equal(done.body.status, "completed", done.text);
      assert.equal(done.body.redacted, undefined);
      assert.equal(done.body.result.stdout, `${SECRET}\n`);
      assert.equal(done.body.submitter, "op@example.com");
      const again = await operator.call("POST", `/job/${r.body.job_id}/retry`);
      assert.equal(again.status, 201, again.text);
      // but not system operations: the role lacks system:read
      assertForbidden(await submit(operator, { type: "system.hostname.get" }), "system:read");
    },
  );

  await t.step("job:write alone runs nothing; ping needs network:write here too", async () => {
    const jobsOnly = await api.as({ roles: [], permissions: ["job:read", "job:write"] });
    assertForbidden(await submit(jobsOnly, { type: "system.hostname.get" }), "system:read");
    const pinger = await api.as({ roles: ["pinger"] });
    assertForbidden(
      await submit(pinger, { type: "network.ping.do", data: { address: "127.0.0.1" } }),
      "network:write",
    );
    const dns = await submit(pinger, { type: "network.dns.get", data: { interface_name: "lo" } });
    assert.equal(dns.status, 201, dns.text);
  });

  await t.step("the audit log holds no operation data", async () => {
    await api.server.handle.flush();
    const page = await admin.call("GET", "/audit?limit=100");
    assert.equal(page.status, 200, page.text);
    assert.ok(page.body.items.some((e: { path: string }) => e.path === "/job"));
    assert.ok(!page.text.includes(SECRET));
    const kv = await new Kvm(api.stack!.nc).open(api.stack!.client.router.auditBucket);
    for await (const key of await kv.keys()) {
      const raw = new TextDecoder().decode((await kv.get(key))!.value);
      assert.ok(!raw.includes(SECRET), raw);
    }
  });
});
