/**
 * Issue 8 §3: a worker credential re-running old jobs on other hosts. The reproduction: an
 * unfenced worker user (any consumer name) and a worker fenced to host b (its own consumer,
 * given host a's filter with the multi-filter create form) each created a consumer on host a's
 * modify subject with deliver policy `all` and pulled with the reply subject set to host a's job
 * subject: nats-server delivered the stored job there and the jobs stream stored it again.
 * Refused three times over: no worker credential may create a consumer (the consumer service,
 * the admin identity, builds them); and, should such a consumer exist, the stream drops the
 * replay as a duplicate (`Nats-Msg-Id` = job id, duplicate window = record lifetime) and host
 * a's worker refuses a modify job it already answered or one older than its deadline (logged,
 * terminated, never run). Plus §7: a fenced worker cannot write another host's registry entry or
 * result.
 */
import assert from "node:assert/strict";
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { Config } from "../../src/config/schema.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { JS_API, type SubjectRouter } from "../../src/nats/subjects.ts";
import { createJobClient, type JobClient } from "../../src/job/client.ts";
import { encodeJson } from "../../src/job/store.ts";
import type { Job } from "../../src/core/job.ts";
import type { Provider } from "../../src/worker/providers/mod.ts";
import { startWorker, type WorkerHandle } from "../../src/worker/worker.ts";
import { startConsumerService } from "../../src/worker/consumer_service.ts";
import { eventually, jobConfig, testProviders } from "../helpers/jobs.ts";
import {
  type RenderedServer,
  startRenderedServer,
  userConnector,
  Violations,
} from "../helpers/rendered_server.ts";

const NS = "osapi";
const USERS = [
  { username: "w-a", password: "pw-w-a", role: "worker", namespace: NS, hostname: "a" },
  { username: "w-b", password: "pw-w-b", role: "worker", namespace: NS, hostname: "b" },
  { username: "w-any", password: "pw-w-any", role: "worker", namespace: NS },
];

/** `test.touch` (modify): counts its runs per job id. */
function countingModify(): Provider & { runs: Map<string, number> } {
  const runs = new Map<string, number>();
  return {
    type: "test.touch",
    kind: "modify",
    runs,
    validate: (d) => (d ?? {}) as Record<string, unknown>,
    run: (input) => {
      const id = String((input as { id?: string }).id);
      runs.set(id, (runs.get(id) ?? 0) + 1);
      return Promise.resolve({ changed: true });
    },
  };
}

interface Fixture {
  rs: RenderedServer;
  config: Config;
  router: SubjectRouter;
  admin: NatsConnection;
  client: JobClient;
  touch: ReturnType<typeof countingModify>;
  worker: WorkerHandle;
  connect(user: string): Promise<NatsConnection>;
  /** Waits until host a's consumer has nothing pending or unacked. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

async function fixture(): Promise<Fixture> {
  const rs = await startRenderedServer({
    nats: { server: { namespace: NS, auth: { type: "user_pass", users: USERS } } },
  });
  const users = userConnector(rs, USERS, NS);
  const connect = users.connect;
  const config = jobConfig(rs.server.port, { namespace: NS, hostname: "a" });
  const router = routerFor(config, NS);
  const admin = await connectNats(rs.admin, silent, { maxReconnectAttempts: 0 });
  await ensureResources(admin, config, router, silent);
  const touch = countingModify();
  const providers = testProviders(touch);
  const client = createJobClient(admin, config, router, silent, { operations: providers });
  // the supervisor's part: the admin identity creates the workers' consumers
  const service = await startConsumerService(admin, router, silent);
  const worker = await startWorker(config, {
    log: silent,
    nc: await connect("w-a"),
    providers,
    fetchExpiresMs: 1000,
  });
  const jsm = await jetstreamManager(admin);
  const settled = async () => {
    await eventually(async () => {
      const i = await jsm.consumers.info(router.stream, router.workerConsumer("a"));
      return i.num_pending === 0 && i.num_ack_pending === 0 && worker.running() === 0
        ? true
        : undefined;
    }, "host a's consumer settled");
  };
  const close = async () => {
    await worker.stop({ abort: true });
    await service.stop();
    await users.close();
    await admin.close();
    await rs.server.stop();
  };
  return { rs, config, router, admin, client, touch, worker, connect, settled, close };
}

/** Creates consumer `name` on host a's modify subject (deliver all) as `nc`; the answer's error. */
async function createReplayConsumer(
  f: Fixture,
  nc: NatsConnection,
  name: string,
): Promise<string | undefined> {
  const target = f.router.job("modify", { type: "host", host: "a" });
  try {
    const created = await nc.request(
      JS_API.consumer("DURABLE.CREATE", f.router.stream, name),
      JSON.stringify({
        stream_name: f.router.stream,
        config: {
          durable_name: name,
          filter_subjects: [target],
          deliver_policy: "all",
          ack_policy: "explicit",
        },
      }),
    );
    return created.json<{ error?: { description: string } }>().error?.description;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The replay: consumer `name` on host a's modify subject (deliver all; created by the admin
 * identity, as no worker may) is pulled by `user` for `batch` jobs with the reply subject set to
 * host a's job subject.
 */
async function replay(f: Fixture, user: string, name: string, batch = 1): Promise<void> {
  const nc = await f.connect(user);
  const target = f.router.job("modify", { type: "host", host: "a" });
  assert.equal(await createReplayConsumer(f, f.admin, name), undefined, `consumer ${name}`);
  nc.publish(
    JS_API.consumer("MSG.NEXT", f.router.stream, name),
    JSON.stringify({ batch, no_wait: true }),
    { reply: target },
  );
  await nc.flush();
}

Deno.test("replay: a worker credential cannot make host a run a completed job again", async () => {
  const f = await fixture();
  try {
    const jsm = await jetstreamManager(f.admin);
    const run = await f.client.run({ type: "test.touch", data: { id: "first" } }, "a", "t");
    assert.equal(run.results[0]?.status, "completed");
    assert.equal(f.touch.runs.get("first"), 1);
    const info = await jsm.streams.info(f.router.stream);
    const stored = info.state.messages;
    // duplicates are dropped for as long as the job's record lives (not the 2 min default)
    assert.equal(info.config.duplicate_window, f.config.nats.kv.ttl * 1_000_000);

    // the reproduction's first step is refused: no worker credential creates a consumer, not
    // the unfenced one (any name) nor the one fenced to b (its own name, a's filter)
    for (const [user, name] of [["w-any", "replayer"], ["w-b", f.router.workerConsumer("b")]]) {
      const refused = await createReplayConsumer(f, await f.connect(user), name);
      assert.match(refused ?? "created", /Permissions Violation/i, `${user}: ${name}`);
    }
    // should such a consumer exist (created by the admin identity), a pull replaying onto host
    // a's subject is still refused by the data
    await replay(f, "w-any", "replayer");
    await f.settled();
    // the stream dropped both deliveries as duplicates of the stored job
    assert.equal((await jsm.streams.info(f.router.stream)).state.messages, stored);

    // a job stored longer ago than the duplicate window (simulated: published without a message
    // id) is stored again by the same replays: host a's worker finds its own result and refuses
    const second: Job = {
      id: "01900000-0000-7000-8000-000000000002",
      operation: { type: "test.touch", data: { id: "second" } },
      target: "a",
      created: new Date().toISOString(),
      submitter: "t",
      hosts: ["a"],
    };
    await jetstream(f.admin).publish(
      f.router.job("modify", { type: "host", host: "a" }),
      encodeJson(second),
    );
    await f.settled();
    assert.equal(f.touch.runs.get("second"), 1);
    const before = (await jsm.streams.info(f.router.stream)).state.messages;
    await replay(f, "w-any", "replayer-2", 10);
    await f.settled();
    assert.ok((await jsm.streams.info(f.router.stream)).state.messages > before, "not replayed");
    // and a job older than its deadline (the record lifetime, nats.kv.ttl) is refused unrun
    const old: Job = {
      id: "01900000-0000-7000-8000-00000000000a",
      operation: { type: "test.touch", data: { id: "old" } },
      target: "a",
      created: new Date(Date.now() - f.config.nats.kv.ttl - 60_000).toISOString(),
      submitter: "t",
      hosts: ["a"],
    };
    await jetstream(f.admin).publish(
      f.router.job("modify", { type: "host", host: "a" }),
      encodeJson(old),
    );
    await f.settled();
    assert.deepEqual(Object.fromEntries(f.touch.runs), { first: 1, second: 1 });
    // a fresh job still runs
    const fresh = await f.client.run({ type: "test.touch", data: { id: "third" } }, "a", "t");
    assert.equal(fresh.results[0]?.status, "completed");
    assert.equal(f.touch.runs.get("third"), 1);
  } finally {
    await f.close();
  }
});

Deno.test("fences: a worker fenced to host b writes no registry entry, result or file state of host a", async () => {
  const f = await fixture();
  try {
    const nc = await f.connect("w-b");
    const v = new Violations(nc);
    const kv = (bucket: string, key: string) => `$KV.${bucket}.${key}`;
    for (
      const subject of [
        kv(f.router.registryBucket, "a"),
        kv(f.router.registryBucket, "facts.a"),
        kv(f.router.responseBucket, "01900000-0000-7000-8000-00000000000b.a"),
        kv(f.router.fileStateBucket, "a.etc_hosts"),
      ]
    ) {
      assert.match((await v.publish(subject)) ?? "accepted", /Permissions Violation/i, subject);
    }
    // its own keys are writable
    for (
      const subject of [
        kv(f.router.registryBucket, "b"),
        kv(f.router.responseBucket, "01900000-0000-7000-8000-00000000000b.b"),
      ]
    ) {
      assert.equal(await v.publish(subject), undefined, subject);
    }
  } finally {
    await f.close();
  }
});
