/**
 * The worker's durable consumers on the jobs stream: the shared `_any` queue of each kind and
 * the worker's own consumer (its host, `_all` and its label prefixes), created or updated at
 * start with deliver policy `new`.
 *
 * Who creates them: the consumer service (src/worker/consumer_service.ts, run by the supervisor
 * as the admin identity) when one answers the worker's request; no worker credential may
 * create a consumer, since nats-server does not check a consumer's body (filters, deliver
 * subject, deliver policy) against the creating user's permissions. Without a service (a server
 * osapi does not supervise) the worker creates them itself, which only a credential allowed to
 * (no auth, a shared token, an admin) can.
 *
 * Redelivery: `ack_wait` is how long a delivery may go unanswered (a dead worker's job comes
 * back after it; running jobs extend it with `working()`); `back_off` holds the delays the
 * worker asks for when it naks a failed run (see `backOffDelay`). The server-side `backoff`
 * list is not used, because the server would replace `ack_wait` with its first value.
 */
import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  type JetStreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { nanos } from "@nats-io/nats-core";
import type { Config } from "../config/schema.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { isNoResponders, isPermissionViolation, jetStreamApiCode } from "../nats/errors.ts";
import { OsapiError } from "../core/errors.ts";
import { decodeJson, encodeJson } from "../job/store.ts";

/** The consumer settings a worker asks for (`job.worker.consumer`, without `back_off`). */
export type ConsumerSettings = Pick<
  Config["job"]["worker"]["consumer"],
  "max_deliver" | "ack_wait" | "max_ack_pending"
>;

/**
 * Deliveries the server allows: one more than `max_deliver`, so that a job whose worker died on
 * its last allowed delivery is delivered once more and dead-lettered instead of dropped.
 */
export function serverMaxDeliver(consumer: Pick<ConsumerSettings, "max_deliver">): number {
  return consumer.max_deliver + 1;
}

/** The consumer configurations of the worker on `hostname` with these settings and labels. */
export function consumerConfigsFor(
  c: ConsumerSettings,
  router: SubjectRouter,
  hostname: string,
  labels: Record<string, string>,
): Partial<ConsumerConfig>[] {
  const common: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    ack_wait: nanos(c.ack_wait),
    max_deliver: serverMaxDeliver(c),
    max_ack_pending: c.max_ack_pending,
  };
  return [
    ...(["query", "modify"] as const).map((kind) => ({
      ...common,
      durable_name: router.anyConsumer(kind),
      description: `osapi: ${kind} jobs for _any (one worker each)`,
      filter_subject: router.anyFilter(kind),
    })),
    {
      ...common,
      durable_name: router.workerConsumer(hostname),
      description: `osapi: jobs for worker ${hostname}`,
      filter_subjects: router.workerFilters(hostname, labels),
    },
  ];
}

/** JetStream API error code: a consumer of that name exists with another configuration. */
const CONSUMER_EXISTS = 10148;

/**
 * Creates or updates consumers from their configurations; returns their names. An existing
 * consumer with other settings (new labels, a changed `ack_wait`) is updated in place, keeping
 * its position and pending jobs.
 */
export async function addConsumers(
  jsm: JetStreamManager,
  router: SubjectRouter,
  configs: Partial<ConsumerConfig>[],
): Promise<string[]> {
  const names: string[] = [];
  for (const cfg of configs) {
    try {
      await jsm.consumers.add(router.stream, cfg);
    } catch (e) {
      if (jetStreamApiCode(e) !== CONSUMER_EXISTS) throw e;
      const { ack_policy: _a, deliver_policy: _d, durable_name, ...changeable } = cfg;
      await jsm.consumers.update(router.stream, durable_name!, changeable);
    }
    names.push(cfg.durable_name!);
  }
  return names;
}

/** What a worker sends to the consumer service. */
export interface ConsumerRequest {
  labels: Record<string, string>;
  consumer: ConsumerSettings;
}

/** What the consumer service answers. */
export type ConsumerReply = { consumers: string[] } | { error: string };

/** How long a worker waits for the consumer service. */
export const CONSUMER_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Creates or updates the worker's consumers; returns their names. Asks the consumer service
 * first; when none answers (no responders), creates them itself.
 */
export async function ensureWorkerConsumers(
  jsm: JetStreamManager,
  nc: NatsConnection,
  config: Config,
  router: SubjectRouter,
  hostname: string,
  labels: Record<string, string>,
): Promise<string[]> {
  const subject = router.consumerRequest(hostname);
  const { max_deliver, ack_wait, max_ack_pending } = config.job.worker.consumer;
  const request: ConsumerRequest = { labels, consumer: { max_deliver, ack_wait, max_ack_pending } };
  let reply: ConsumerReply;
  try {
    const m = await nc.request(subject, encodeJson(request), {
      timeout: CONSUMER_REQUEST_TIMEOUT_MS,
    });
    reply = decodeJson<ConsumerReply>(m.data) ?? { error: "unreadable answer" };
  } catch (e) {
    if (!isNoResponders(e) && !isPermissionViolation(e)) {
      throw new OsapiError(
        "nats.consumers_unavailable",
        `the consumer service did not answer on ${subject}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return await createOwnConsumers(jsm, config, router, hostname, labels, subject);
  }
  if ("error" in reply) {
    throw new OsapiError(
      "nats.consumers_unavailable",
      `the consumer service refused the consumers of ${hostname}: ${reply.error}`,
    );
  }
  return reply.consumers;
}

async function createOwnConsumers(
  jsm: JetStreamManager,
  config: Config,
  router: SubjectRouter,
  hostname: string,
  labels: Record<string, string>,
  subject: string,
): Promise<string[]> {
  try {
    const configs = consumerConfigsFor(config.job.worker.consumer, router, hostname, labels);
    return await addConsumers(jsm, router, configs);
  } catch (e) {
    if (!isPermissionViolation(e)) throw e;
    throw new OsapiError(
      "nats.consumers_unavailable",
      `no consumer service answers on ${subject} and this worker's credential may not create ` +
        "consumers: run the supervised nats-server (`osapi nats server` or `osapi serve`) for " +
        `namespace ${JSON.stringify(router.namespace)}, whose admin identity creates them`,
      { cause: e },
    );
  }
}
