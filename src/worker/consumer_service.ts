/**
 * The consumer service: creates the workers' consumers on their behalf, as the admin identity,
 * so that no worker credential needs to create a consumer (nats-server does not check a
 * consumer's filters, deliver subject or deliver policy against the creator's permissions).
 * A worker asks on `<ns>.consumers.<host>` (src/nats/subjects.ts `consumerRequest`), a subject
 * a worker fenced to its host may publish only for its own host; the service builds the
 * consumers of that host (its host, `_all`, its labels, and the shared `_any` queues) from
 * {@link consumerConfigsFor} and nothing else of the request but the labels and the consumer
 * settings, both validated.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import type { Logger } from "../log.ts";
import { CONSUMER_SETTING_BOUNDS } from "../config/schema.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { decodeJson, encodeJson } from "../job/store.ts";
import { errorMessage } from "../core/errors.ts";
import {
  addConsumers,
  consumerConfigsFor,
  type ConsumerReply,
  type ConsumerRequest,
  type ConsumerSettings,
} from "./consumers.ts";

/** Queue group of the service: of several supervisors on one cluster, one answers. */
export const CONSUMER_SERVICE_QUEUE = "osapi-consumers";

/** The request's labels and settings, validated; throws a message naming what is wrong. */
export function parseConsumerRequest(body: unknown): ConsumerRequest {
  const r = body as Partial<ConsumerRequest> | undefined;
  if (typeof r !== "object" || r === null) throw new Error("the request is not a JSON object");
  const labels = r.labels ?? {};
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) {
    throw new Error("labels must be an object of strings");
  }
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== "string") throw new Error(`label ${JSON.stringify(k)} is not a string`);
  }
  const c = r.consumer as Partial<ConsumerSettings> | undefined;
  if (typeof c !== "object" || c === null) throw new Error("consumer settings are missing");
  const consumer = {} as ConsumerSettings;
  const bounds = Object.entries(CONSUMER_SETTING_BOUNDS) as [
    keyof ConsumerSettings,
    readonly [number, number],
  ][];
  for (const [key, [min, max]] of bounds) {
    const v = c[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      throw new Error(
        `consumer.${key} is ${JSON.stringify(v)}; allowed: an integer ${min}..${max}`,
      );
    }
    consumer[key] = v;
  }
  return { labels: labels as Record<string, string>, consumer };
}

/** A running consumer service of one namespace. */
export interface ConsumerService {
  /** Stops answering (requests in progress finish). */
  stop(): Promise<void>;
}

/** Answers the consumer requests of `router`'s namespace on `nc` (an admin connection). */
export async function startConsumerService(
  nc: NatsConnection,
  router: SubjectRouter,
  log: Logger,
): Promise<ConsumerService> {
  const jsm = await jetstreamManager(nc);
  const prefix = router.consumerRequestWildcard().slice(0, -1); // `<ns>.consumers.`
  const inProgress = new Set<Promise<void>>();
  const sub: Subscription = nc.subscribe(router.consumerRequestWildcard(), {
    queue: CONSUMER_SERVICE_QUEUE,
    callback: (err, msg) => {
      if (err) return log.warn("consumer service subscription failed", { error: err.message });
      const host = msg.subject.slice(prefix.length);
      const answer = (async (): Promise<ConsumerReply> => {
        try {
          const req = parseConsumerRequest(decodeJson<unknown>(msg.data));
          const configs = consumerConfigsFor(req.consumer, router, host, req.labels);
          const consumers = await addConsumers(jsm, router, configs);
          log.debug("worker consumers ensured", { hostname: host, consumers: consumers.join(",") });
          return { consumers };
        } catch (e) {
          log.warn("a worker's consumer request was refused", {
            hostname: host,
            error: errorMessage(e),
          });
          return { error: errorMessage(e) };
        }
      })();
      const p = answer.then((reply) => {
        if (msg.reply) msg.respond(encodeJson(reply));
      }).finally(() => inProgress.delete(p));
      inProgress.add(p);
    },
  });
  await nc.flush(); // subscribed at the server before anyone is told the service runs
  return {
    async stop() {
      sub.unsubscribe();
      await Promise.allSettled([...inProgress]);
    },
  };
}
