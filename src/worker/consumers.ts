/**
 * The worker's durable consumers on the jobs stream: the shared `_any` queue of each kind and
 * the worker's own consumer (its host, `_all` and its label prefixes), created or updated at
 * start with deliver policy `new`.
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
import { nanos } from "@nats-io/nats-core";
import type { Config } from "../config/schema.ts";
import type { SubjectRouter } from "../nats/subjects.ts";

/**
 * Deliveries the server allows: one more than `max_deliver`, so that a job whose worker died on
 * its last allowed delivery is delivered once more and dead-lettered instead of dropped.
 */
export function serverMaxDeliver(consumer: Config["job"]["worker"]["consumer"]): number {
  return consumer.max_deliver + 1;
}

/** The consumer configurations of one worker. */
export function workerConsumerConfigs(
  config: Config,
  router: SubjectRouter,
  hostname: string,
  labels: Record<string, string>,
): Partial<ConsumerConfig>[] {
  const c = config.job.worker.consumer;
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

/** Creates or updates the worker's consumers; returns their names. */
export async function ensureWorkerConsumers(
  jsm: JetStreamManager,
  config: Config,
  router: SubjectRouter,
  hostname: string,
  labels: Record<string, string>,
): Promise<string[]> {
  const names: string[] = [];
  for (const cfg of workerConsumerConfigs(config, router, hostname, labels)) {
    await jsm.consumers.add(router.stream, cfg);
    names.push(cfg.durable_name!);
  }
  return names;
}
