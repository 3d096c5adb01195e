/**
 * Privilege escalation attempts against a real nats-server running osapi's rendered
 * configuration (user_pass users with least-privilege roles, two namespaces `nsa` and `nsb`) and
 * osapi's auth callout. Each attempt was possible before the permission sets were tightened and
 * must now be refused by the server:
 * - a stream update that adds another namespace's subjects (nats-server does not check a stream's
 *   `subjects`, `sources` or `mirror` against the user's permissions);
 * - a stream sourcing or mirroring another namespace's KV stream;
 * - a worker consumer on another host's filter (or a shared queue widened to it);
 * - a read-only API token (callout) writing the audit bucket, deleting dead letters,
 *   administering streams, or publishing jobs.
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { calloutConfigFragment, startCalloutService } from "../../src/nats_auth/callout_service.ts";
import { signToken } from "../../src/api_auth/tokens.ts";
import { configFromRaw } from "../../src/config/load.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { JS_API, kvStream } from "../../src/nats/subjects.ts";
import { credentialId } from "../../src/nats/credential_id.ts";
import { OPERATIONS } from "../../src/core/operations/mod.ts";

/** The permissions of every operation of a kind (what publishing that kind over NATS needs). */
const kindPerms = (kind: string) => [
  ...new Set([...OPERATIONS.values()].filter((o) => o.kind === kind).map((o) => o.permission)),
];
import { startServerWith, tryConnect } from "../helpers/nats_auth.ts";
import { startConsumerService } from "../../src/worker/consumer_service.ts";
import { ensureWorkerConsumers } from "../../src/worker/consumers.ts";
import { startRenderedServer, Violations } from "../helpers/rendered_server.ts";

const A = "nsa";
const B = "nsb";
const USERS = [
  { username: "a-api", password: "pw-a-api", role: "api", namespace: A },
  { username: "a-worker", password: "pw-a-worker", role: "worker", namespace: A, hostname: "h1" },
  { username: "a-component", password: "pw-a-comp", role: "component", namespace: A },
  { username: "b-api", password: "pw-b-api", role: "api", namespace: B },
];

/** The error of an operation that must be refused (fails when it succeeds). */
async function refused(what: string, p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`${what}: accepted, expected a refusal`);
}

const PERMISSION = /Permissions Violation/i;

Deno.test("escalation: stream updates, sources and mirrors cannot reach another namespace", async () => {
  await using rs = await startRenderedServer({
    nats: { server: { namespace: A, auth: { type: "user_pass", users: USERS } } },
  });
  const ra = routerFor(rs.config, A);
  const rb = routerFor(rs.config, B);
  const conns: NatsConnection[] = [];
  const connect = async (name: string) => {
    const u = USERS.find((x) => x.username === name)!;
    const nc = await connectNats(
      rs.client({ type: "user_pass", username: u.username, password: u.password }, u.namespace),
      silent,
      { maxReconnectAttempts: 0 },
    );
    conns.push(nc);
    return nc;
  };
  try {
    const admin = await connectNats(rs.admin, silent, { maxReconnectAttempts: 0 });
    conns.push(admin);
    await ensureResources(admin, rs.config, rb, silent);
    await (await new Kvm(admin).open(rb.jobBucket)).put("secret", "b-data");

    for (const name of ["a-api", "a-worker", "a-component"]) {
      const jsm = await jetstreamManager(await connect(name));
      // before the admin created A's DLQ: claim the name as a mirror (or source) of B's bucket
      for (
        const trap of [{ mirror: { name: kvStream(rb.jobBucket) } }, {
          subjects: ra.dlqSubjects(),
          sources: [{ name: kvStream(rb.jobBucket) }],
        }]
      ) {
        assert.match(
          await refused(`${name}: create`, jsm.streams.add({ name: ra.dlqStream, ...trap })),
          PERMISSION,
        );
      }
    }
    await ensureResources(admin, rs.config, ra, silent);
    const adminJsm = await jetstreamManager(admin);
    const before = await adminJsm.streams.info(ra.stream);

    for (const name of ["a-api", "a-worker", "a-component"]) {
      const jsm = await jetstreamManager(await connect(name));
      const jobs = (await jsm.streams.info(ra.stream)).config; // describing is allowed
      for (const extra of [rb.resultsWildcard(), rb.inboxWildcard(), rb.jobsWildcard("modify")]) {
        assert.match(
          await refused(
            `${name}: capture ${extra}`,
            jsm.streams.update(ra.stream, { ...jobs, subjects: [...jobs.subjects, extra] }),
          ),
          PERMISSION,
        );
      }
      const dlq = (await jsm.streams.info(ra.dlqStream)).config;
      assert.match(
        await refused(
          `${name}: source B's bucket into A's DLQ`,
          jsm.streams.update(ra.dlqStream, { ...dlq, sources: [{ name: kvStream(rb.jobBucket) }] }),
        ),
        PERMISSION,
      );
      for (const s of [ra.stream, kvStream(ra.auditBucket)]) {
        assert.match(await refused(`${name}: delete ${s}`, jsm.streams.delete(s)), PERMISSION);
      }
    }
    // nothing changed, nothing of B's arrived in A
    const after = await adminJsm.streams.info(ra.stream);
    assert.deepEqual(after.config.subjects, before.config.subjects);
    const dlq = await adminJsm.streams.info(ra.dlqStream);
    assert.equal(dlq.config.sources, undefined);
    assert.equal(dlq.config.mirror, undefined);
    assert.equal(dlq.state.messages, 0);
  } finally {
    for (const nc of conns.reverse()) await nc.close().catch(() => {});
  }
});

Deno.test("escalation: a worker creates no consumer; the consumer service builds only its own", async () => {
  await using rs = await startRenderedServer({
    nats: { server: { namespace: A, auth: { type: "user_pass", users: USERS } } },
  });
  const ra = routerFor(rs.config, A);
  const admin = await connectNats(rs.admin, silent, { maxReconnectAttempts: 0 });
  const u = USERS[1];
  const worker = await connectNats(
    rs.client({ type: "user_pass", username: u.username, password: u.password }, A),
    silent,
    { maxReconnectAttempts: 0 },
  );
  try {
    await ensureResources(admin, rs.config, ra, silent);
    const jsm = await jetstreamManager(worker);
    const h2 = ra.job("modify", { type: "host", host: "h2" });
    const attempts = {
      "h2's consumer": { durable_name: ra.workerConsumer("h2"), filter_subject: h2 },
      "h2's consumer (several filters)": {
        durable_name: ra.workerConsumer("h2"),
        filter_subjects: ra.workerFilters("h2", {}),
      },
      "the shared queue narrowed to h2": {
        durable_name: ra.anyConsumer("modify"),
        filter_subject: h2,
      },
      "the shared queue, several filters": {
        durable_name: ra.anyConsumer("modify"),
        filter_subjects: [ra.anyFilter("modify"), h2],
      },
      "an ephemeral consumer": { filter_subject: h2 },
      "another name": { durable_name: `${A}-steal`, filter_subject: h2 },
      // not even its own consumers: the consumer service (the admin identity) creates them
      "its own consumer": {
        durable_name: ra.workerConsumer("h1"),
        filter_subjects: ra.workerFilters("h1", {}),
      },
      "the shared queue as it is": {
        durable_name: ra.anyConsumer("modify"),
        filter_subject: ra.anyFilter("modify"),
      },
    };
    for (const [what, cfg] of Object.entries(attempts)) {
      assert.match(
        await refused(
          what,
          jsm.consumers.add(ra.stream, { ack_policy: AckPolicy.Explicit, ...cfg }),
        ),
        PERMISSION,
        what,
      );
    }
    // asked for, its own consumers are built by the service, for h1 only; h2 has none
    const service = await startConsumerService(admin, ra, silent);
    try {
      const own = await ensureWorkerConsumers(jsm, worker, rs.config, ra, "h1", {});
      assert.deepEqual(own, own3(ra));
    } finally {
      await service.stop();
    }
    const names: string[] = [];
    for await (const c of (await jetstreamManager(admin)).consumers.list(ra.stream)) {
      names.push(c.name);
      assert.ok(!c.config.filter_subjects?.includes(h2), `${c.name} hears h2's jobs`);
      assert.notEqual(c.config.filter_subject, h2, c.name);
    }
    assert.deepEqual(names.sort(), own3(ra).sort());
    assert.match(
      await refused("delete", jsm.consumers.delete(ra.stream, ra.anyConsumer("modify"))),
      PERMISSION,
    );
  } finally {
    await worker.close();
    await admin.close();
  }
});

/** The consumers of host h1's worker. */
function own3(ra: ReturnType<typeof routerFor>): string[] {
  return [ra.anyConsumer("query"), ra.anyConsumer("modify"), ra.workerConsumer("h1")];
}

const SIGNING_KEY = "escalation-test-signing-key-0123456789";

Deno.test("escalation: read-only callout tokens cannot write the audit log, delete dead letters or publish jobs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-escalation-" });
  try {
    const raw = (urls: string[] = []) => ({
      data_dir: dir,
      api: { server: { security: { signing_key: SIGNING_KEY } } },
      nats: {
        server: {
          namespace: A,
          auth: {
            type: "callout",
            callout: {
              nats: { urls },
              users: [{
                username: "ops",
                password: bcrypt.hashSync("ops-pw", 4),
                role: "admin",
                namespace: A,
              }],
            },
          },
        },
      },
    });
    const fragment = await calloutConfigFragment(configFromRaw(raw()), { bcryptCost: 4 });
    await using s = await startServerWith(fragment);
    const config = configFromRaw(raw([s.url]));
    const svc = await startCalloutService(config, silent);
    const conns: NatsConnection[] = [];
    try {
      const admin = await tryConnect(s.url, { user: "ops", pass: "ops-pw" });
      if (admin instanceof Error) throw admin;
      conns.push(admin);
      const ra = routerFor(config, A);
      await ensureResources(admin, config, ra, silent);
      const dead = await jetstream(admin).publish(ra.dlqJob(ra.job("query", { type: "any" })), "x");

      const asToken = async (roles: string[] | undefined, permissions?: string[]) => {
        const token = await signToken(SIGNING_KEY, {
          subject: "t",
          roles: roles ?? [],
          permissions,
        });
        const nc = await tryConnect(s.url, {
          token,
          inboxPrefix: ra.inboxPrefixFor(credentialId({ type: "token", subject: "t" })),
        });
        if (nc instanceof Error) throw nc;
        conns.push(nc);
        return new Violations(nc);
      };
      const writes = [
        `$KV.${ra.auditBucket}.forged`,
        `$KV.${ra.registryBucket}.fake-host`,
        `$KV.${ra.jobBucket}.jobs.forged`,
        `$KV.${ra.responseBucket}.j1.h1`,
        JS_API.stream("MSG.DELETE", ra.dlqStream),
        JS_API.stream("UPDATE", ra.stream),
        JS_API.stream("DELETE", kvStream(ra.auditBucket)),
        JS_API.consumer("CREATE", ra.stream, "x"),
        JS_API.consumer("DURABLE.CREATE", kvStream(ra.jobBucket), "x"),
        JS_API.consumer("DELETE", ra.stream, ra.anyConsumer("query")),
      ];
      const jobsOf = {
        query: ra.job("query", { type: "any" }),
        modify: ra.job("modify", { type: "any" }),
      };
      const cases: { who: string; roles?: string[]; perms?: string[]; may: string[] }[] = [
        { who: "read role", roles: ["read"], may: [] },
        { who: "health:read", perms: ["health:read"], may: [] },
        { who: "network:write", perms: ["network:write"], may: [] },
        // issue 8 §6: a kind of jobs needs job:write and every operation permission of it
        { who: "job:write", perms: ["job:write"], may: [] },
        { who: "command:execute", perms: ["command:execute"], may: [] },
        {
          who: "job:write + query ops",
          perms: ["job:write", ...kindPerms("query")],
          may: [jobsOf.query],
        },
        {
          who: "job:write + modify ops",
          perms: ["job:write", ...kindPerms("modify")],
          may: [jobsOf.modify],
        },
        { who: "admin role", roles: ["admin"], may: [jobsOf.query, jobsOf.modify] },
      ];
      for (const c of cases) {
        const v = await asToken(c.roles, c.perms);
        for (const subject of [...writes, jobsOf.query, jobsOf.modify]) {
          const refusal = await v.publish(subject);
          if (c.may.includes(subject)) assert.equal(refusal, undefined, `${c.who}: ${subject}`);
          else assert.match(String(refusal), PERMISSION, `${c.who} may publish ${subject}`);
        }
      }
      // a job:read token alone may not read records over NATS (REST would redact some)
      await (await new Kvm(admin).open(ra.jobBucket)).put("jobs.j1", "record");
      const partial = await asToken(undefined, ["job:read"]);
      const directGet = async () => (await new Kvm(partial.nc).open(ra.jobBucket)).get("jobs.j1");
      assert.match(await refused("get", directGet()), PERMISSION);
      // a token REST shows every record unredacted reads them (direct get) but writes nothing
      const reader = await asToken(undefined, [
        "job:read",
        ...kindPerms("query"),
        ...kindPerms("modify"),
        "command:execute",
      ]);
      const kv = await new Kvm(reader.nc).open(ra.jobBucket);
      assert.equal((await kv.get("jobs.j1"))?.string(), "record");
      assert.match(await refused("put", kv.put("jobs.j1", "forged")), PERMISSION);
      // the dead letter and the audit bucket are untouched
      const jsm = await jetstreamManager(admin);
      assert.equal((await jsm.streams.getMessage(ra.dlqStream, { seq: dead.seq }))?.string(), "x");
      assert.equal((await jsm.streams.info(kvStream(ra.auditBucket))).state.messages, 0);
    } finally {
      for (const nc of conns.reverse()) await nc.close().catch(() => {});
      await svc.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
