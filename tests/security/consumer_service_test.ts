/**
 * Issue 8 §3: workers may not create arbitrary consumers. No worker credential creates a
 * consumer; the consumer service (the admin identity; the supervisor runs it) builds a worker's
 * consumers from the host named by the request subject (which a fenced worker may publish only
 * for its own host) and its validated labels and settings, nothing else.
 */
import assert from "node:assert/strict";
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { decodeJson, encodeJson } from "../../src/job/store.ts";
import { startConsumerService } from "../../src/worker/consumer_service.ts";
import type { ConsumerReply } from "../../src/worker/consumers.ts";
import { startWorker } from "../../src/worker/worker.ts";
import { jobConfig, testProviders } from "../helpers/jobs.ts";
import { startRenderedServer, userConnector } from "../helpers/rendered_server.ts";

const NS = "osapi";
const USERS = [
  { username: "w-b", password: "pw-w-b", role: "worker", namespace: NS, hostname: "b" },
  { username: "w-any", password: "pw-w-any", role: "worker", namespace: NS },
];
const SETTINGS = { max_deliver: 3, ack_wait: 30_000, max_ack_pending: 100 };

Deno.test("consumer service: workers get their own consumers built for their host, and create none", async () => {
  await using rs = await startRenderedServer({
    nats: { server: { namespace: NS, auth: { type: "user_pass", users: USERS } } },
  });
  const config = jobConfig(rs.server.port, { namespace: NS, hostname: "b" });
  const router = routerFor(config, NS);
  const users = userConnector(rs, USERS, NS);
  const connect = users.connect;
  const admin = await connectNats(rs.admin, silent, { maxReconnectAttempts: 0 });
  await ensureResources(admin, config, router, silent);
  const jsm = await jetstreamManager(admin);
  const ask = async (nc: NatsConnection, host: string, body: unknown) => {
    try {
      const m = await nc.request(router.consumerRequest(host), encodeJson(body), {
        timeout: 5_000,
      });
      return decodeJson<ConsumerReply>(m.data)!;
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  // without the service, a fenced worker cannot start: it may not create its consumers itself
  const wb = await connect("w-b");
  await assert.rejects(
    startWorker(config, { log: silent, nc: wb, providers: testProviders(), fetchExpiresMs: 1000 }),
    (e: Error) =>
      e.message.includes(`no consumer service answers on ${router.consumerRequest("b")}`) &&
      e.message.includes("may not create consumers"),
  );
  assert.deepEqual(await jsm.consumers.list(router.stream).next(), [], "nothing was created");

  const service = await startConsumerService(admin, router, silent);
  try {
    // its own host, with its labels: exactly that host's filters, deliver new, pull only
    const own = await ask(wb, "b", { labels: { group: "web" }, consumer: SETTINGS });
    assert.deepEqual(own, {
      consumers: [
        router.anyConsumer("query"),
        router.anyConsumer("modify"),
        router.workerConsumer("b"),
      ],
    });
    const info = await jsm.consumers.info(router.stream, router.workerConsumer("b"));
    assert.deepEqual(info.config.filter_subjects, router.workerFilters("b", { group: "web" }));
    assert.equal(info.config.deliver_policy, "new");
    assert.equal(info.config.deliver_subject, undefined);
    assert.equal(info.config.ack_wait, 30_000 * 1_000_000);
    // another host's consumers: the fenced worker may not even ask
    assert.match(
      (await ask(wb, "a", { labels: {}, consumer: SETTINGS }) as { error: string }).error,
      /Permissions Violation/i,
    );
    // an unfenced worker asks for any host, and gets that host's consumers, built the same way
    const any = await connect("w-any");
    const forC = await ask(any, "c", { labels: {}, consumer: SETTINGS, filter_subjects: [">"] });
    assert.ok("consumers" in forC, JSON.stringify(forC));
    const c = await jsm.consumers.info(router.stream, router.workerConsumer("c"));
    assert.deepEqual(c.config.filter_subjects, router.workerFilters("c", {}));
    // bad input: refused with the key, the value and what is allowed; nothing changes
    for (
      const [body, message] of [
        [{ labels: { group: 1 }, consumer: SETTINGS }, /label "group" is not a string/],
        [
          { labels: {}, consumer: { ...SETTINGS, ack_wait: 0 } },
          /consumer\.ack_wait is 0; allowed: an integer 100\.\./,
        ],
        [
          { labels: {}, consumer: { ...SETTINGS, max_deliver: "9" } },
          /consumer\.max_deliver is "9"/,
        ],
        ["not json", /not a JSON object/],
      ] as const
    ) {
      const r = await ask(wb, "b", body);
      assert.ok("error" in r, JSON.stringify(r));
      assert.match(r.error, message);
    }
    const after = await jsm.consumers.info(router.stream, router.workerConsumer("b"));
    assert.deepEqual(after.config, info.config, "a refused request changes nothing");
    // and the worker itself starts through the service, with no refused request of its own
    const worker = await startWorker(config, {
      log: silent,
      nc: wb,
      providers: testProviders(),
      fetchExpiresMs: 1000,
    });
    await worker.stop();
  } finally {
    await service.stop();
    await users.close();
    await admin.close();
  }
});
