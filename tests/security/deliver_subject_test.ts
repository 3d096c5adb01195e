/**
 * Cross-namespace injection through subjects nats-server publishes to on a user's behalf, with
 * the rendered configuration on a real nats-server (two namespaces `nsa` and `nsb`):
 * - a push consumer's `deliver_subject` is not checked against the creating user's permissions.
 *   A compromised api user of A used to create one on its own KV stream delivering to
 *   `nsb.jobs.modify._any` and so put a job into B's stream. The API now reads its buckets with
 *   direct gets and no role but admin may create a consumer on a bucket: refused.
 * - documented residual risks (docs/security.md) with `isolation: permissions`: the answer to a
 *   JetStream request (a direct get echoing a stored message, a pull request's jobs) goes to
 *   whatever reply subject the requester chose. Both reach B inside one account; with
 *   `isolation: account` they stay in A's. A worker making its own consumer a push consumer
 *   into B (the third way, once) is refused: no worker creates a consumer.
 */
import assert from "node:assert/strict";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { configFromRaw } from "../../src/config/load.ts";
import type { NatsClientConfig } from "../../src/config/schema.ts";
import { latestJson, lazyDirectBucket } from "../../src/job/store.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { JS_API, kvStream } from "../../src/nats/subjects.ts";
import { adminClientConfig } from "../../src/server/admin_identity.ts";
import { startNats } from "../../src/runtime/nats.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";
import { startRenderedServer } from "../helpers/rendered_server.ts";

const A = "nsa";
const B = "nsb";
const USERS = [
  { username: "a-api", password: "pw-a-api", role: "api", namespace: A },
  { username: "a-component", password: "pw-a-comp", role: "component", namespace: A },
  { username: "a-view", password: "pw-a-view", role: "view", namespace: A },
  { username: "a-worker", password: "pw-a-worker", role: "worker", namespace: A, hostname: "h1" },
];
const PERMISSION = /Permissions Violation/i;
/** What the attacker stores in its own bucket: a job as the workers of B would read it. */
const FORGED_JOB = JSON.stringify({
  id: "01900000-0000-7000-8000-000000000000",
  operation: { type: "command.exec", data: { command: "id" } },
  target: "_any",
  created: new Date(0).toISOString(),
  submitter: "intruder",
});

async function refused(what: string, p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`${what}: accepted, expected a refusal`);
}

Deno.test("deliver_subject: an api user cannot have its own bucket delivered onto another namespace's job subjects", async () => {
  await using rs = await startRenderedServer({
    nats: { server: { namespace: A, auth: { type: "user_pass", users: USERS } } },
  });
  const ra = routerFor(rs.config, A);
  const rb = routerFor(rs.config, B);
  const conns: NatsConnection[] = [];
  const connect = async (nats: NatsClientConfig) => {
    const nc = await connectNats(nats, silent, { maxReconnectAttempts: 0 });
    conns.push(nc);
    return nc;
  };
  try {
    const admin = await connect(rs.admin);
    await ensureResources(admin, rs.config, ra, silent);
    await ensureResources(admin, rs.config, rb, silent);
    const adminJsm = await jetstreamManager(admin);
    const bucketStream = kvStream(ra.jobBucket);

    for (const name of ["a-api", "a-component", "a-view"]) {
      const u = USERS.find((x) => x.username === name)!;
      const nc = await connect(
        rs.client({ type: "user_pass", username: u.username, password: u.password }, A),
      );
      const jsm = await jetstreamManager(nc);
      if (name !== "a-view") {
        await (await new Kvm(nc).open(ra.jobBucket)).put("forged", FORGED_JOB);
      }
      // the reproduction: a push consumer on its own KV stream delivering into B's job subjects
      for (
        const cfg of [
          { deliver_subject: rb.job("modify", { type: "any" }) },
          { deliver_subject: rb.job("modify", { type: "all" }), durable_name: "trap" },
          { deliver_subject: rb.job("query", { type: "any" }), filter_subject: "$KV.>" },
        ]
      ) {
        assert.match(
          await refused(
            `${name}: push consumer to ${cfg.deliver_subject}`,
            jsm.consumers.add(bucketStream, {
              ack_policy: AckPolicy.None,
              deliver_policy: DeliverPolicy.All,
              ...cfg,
            }),
          ),
          PERMISSION,
        );
      }
      // pull consumers too: no consumer of any kind on a bucket
      assert.match(
        await refused(
          `${name}: pull consumer`,
          jsm.consumers.add(bucketStream, { durable_name: "pull", ack_policy: AckPolicy.Explicit }),
        ),
        PERMISSION,
      );
      if (name === "a-view") continue;
      // the kv library's consumer-based reads (ordered push consumers) are refused as well
      const kv = await new Kvm(nc).open(ra.jobBucket);
      assert.match(
        await refused(
          `${name}: keys`,
          kv.keys().then(async (keys) => {
            for await (const _ of keys) break;
          }),
        ),
        PERMISSION,
      );
      assert.match(await refused(`${name}: watch`, kv.watch()), PERMISSION);
      // and what the API reads with instead works: direct gets only
      const entries = await latestJson<{ submitter: string }>(
        await lazyDirectBucket(nc, ra.jobBucket)(),
      );
      assert.deepEqual(entries.map((e) => [e.key, e.value.submitter]), [["forged", "intruder"]]);
    }

    // no consumer exists on A's bucket, so nothing can be delivered; nothing reached B's stream
    assert.equal((await adminJsm.streams.info(bucketStream)).state.consumer_count, 0);
    assert.equal((await adminJsm.streams.info(rb.stream)).state.messages, 0);
    // the admin identity still may (the supervisor's own)
    await adminJsm.consumers.add(bucketStream, {
      durable_name: "admin-ok",
      ack_policy: AckPolicy.Explicit,
    });
    await adminJsm.consumers.delete(bucketStream, "admin-ok");
  } finally {
    for (const nc of conns.reverse()) await nc.close().catch(() => {});
  }
});

/** The first message `nc` receives on `subject`, subscribed (and flushed) before returning. */
async function firstOn(nc: NatsConnection, subject: string): Promise<{ next: Promise<Msg> }> {
  const sub = nc.subscribe(subject, { max: 1 });
  await nc.flush();
  const next = (async () => {
    for await (const m of sub) return m;
    throw new Error(`no message on ${subject}`);
  })();
  return { next };
}

for (const isolation of ["permissions", "account"] as const) {
  Deno.test(`documented residual, isolation ${isolation}: server answers ${isolation === "account" ? "stay in A's account" : "reach B's job subjects"}; a worker's push consumer is refused`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "osapi-deliver-" });
    const conns: NatsConnection[] = [];
    const connect = async (nats: NatsClientConfig) => {
      const nc = await connectNats(nats, silent, { maxReconnectAttempts: 0 });
      conns.push(nc);
      return nc;
    };
    try {
      const [port, http_port] = freePorts(2);
      const config = configFromRaw({
        data_dir: `${dir}/data`,
        nats: {
          server: {
            port,
            http_port,
            namespace: A,
            auth: { type: "user_pass", isolation, users: USERS },
          },
        },
      });
      await using sup = await startNats({
        config,
        binary: await natsServerBin(),
        log: silent,
        namespaces: [A, B],
      });
      const ra = routerFor(config, A);
      const rb = routerFor(config, B);
      const user = (name: string) => {
        const u = USERS.find((x) => x.username === name)!;
        return configFromRaw({
          api: {
            server: {
              nats: {
                port,
                namespace: A,
                auth: { type: "user_pass", username: u.username, password: u.password },
              },
            },
          },
        }).api.server.nats;
      };
      // B's side of the account B's stream lives in, and A's (the same one with permissions)
      const adminB = await connect(adminClientConfig(config, sup.identity, B));
      const adminA = await connect(adminClientConfig(config, sup.identity, A));
      const bJsm = await jetstreamManager(adminB);
      const forged = rb.job("modify", { type: "any" });
      // where the server's answer goes: B's stream when one account, A's account otherwise
      const landed = await firstOn(isolation === "account" ? adminA : adminB, forged);

      // 1. an api user of A asks for a direct get of its own bucket, the reply subject B's
      const api = await connect(user("a-api"));
      await (await new Kvm(api).open(ra.jobBucket)).put("forged", FORGED_JOB);
      const directGet = JS_API.directGet(kvStream(ra.jobBucket), `$KV.${ra.jobBucket}.forged`);
      api.publish(directGet, "", { reply: forged });
      const echo = await landed.next;
      assert.equal(echo.string(), FORGED_JOB);
      assert.equal(echo.headers?.get("Nats-Stream"), kvStream(ra.jobBucket));

      // 2. a worker of A making its own consumer a push consumer delivering A's jobs to B: refused
      // (no worker creates a consumer; the supervisor's consumer service does)
      await jetstream(api).publish(ra.job("query", { type: "any" }), "job of A");
      const worker = await connect(user("a-worker"));
      await assert.rejects(
        (await jetstreamManager(worker)).consumers.add(ra.stream, {
          durable_name: ra.workerConsumer("h1"),
          deliver_subject: forged,
          filter_subjects: [ra.jobsWildcard("query"), ra.jobsWildcard("modify")],
          ack_policy: AckPolicy.None,
          deliver_policy: DeliverPolicy.All,
        }),
        /Permissions Violation/i,
      );

      // 3. a worker of A pulls from the shared queue with B's job subject as the reply subject
      const pulled = await firstOn(isolation === "account" ? adminA : adminB, forged);
      await (await jetstreamManager(adminA)).consumers.add(ra.stream, {
        durable_name: ra.anyConsumer("query"),
        filter_subject: ra.anyFilter("query"),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
      worker.publish(
        JS_API.consumer("MSG.NEXT", ra.stream, ra.anyConsumer("query")),
        JSON.stringify({ batch: 1 }),
        { reply: forged },
      );
      assert.equal((await pulled.next).string(), "job of A");

      // B's stream holds both (one account) or nothing (accounts)
      const expected = isolation === "account" ? 0 : 2;
      let messages = 0;
      for (let i = 0; i < 100; i++) {
        messages = (await bJsm.streams.info(rb.stream)).state.messages;
        if (messages >= expected) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(messages, expected);
    } finally {
      for (const nc of conns.reverse()) await nc.close().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  });
}
