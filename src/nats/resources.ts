/**
 * Creates or updates the JetStream resources of one namespace (jobs stream, DLQ stream, KV
 * buckets) with every configured limit applied. Idempotent: every component may call it.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import {
  DiscardPolicy,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { type ResourceNames, SubjectRouter } from "./subjects.ts";

/** The base resource names configured in `nats.*`. */
export function resourceNames(nats: Config["nats"]): ResourceNames {
  return {
    stream: nats.stream.name,
    dlq: nats.dlq.name,
    jobBucket: nats.kv.bucket,
    responseBucket: nats.kv.response_bucket,
    auditBucket: nats.audit.bucket,
    registryBucket: nats.registry.bucket,
  };
}

/** A router for `namespace` using the configured resource names. */
export function routerFor(config: Config, namespace: string): SubjectRouter {
  return new SubjectRouter(namespace, resourceNames(config.nats));
}

const ns = (ms: number) => ms * 1_000_000;
const storageOf = (s: "file" | "memory") => s === "memory" ? StorageType.Memory : StorageType.File;
const limit = (n: number) => (n < 0 ? -1 : n);

/** The stream configurations of a namespace, as applied by {@link ensureResources}. */
export function streamConfigs(config: Config, router: SubjectRouter): Partial<StreamConfig>[] {
  const s = config.nats.stream;
  const d = config.nats.dlq;
  return [
    {
      name: router.stream,
      subjects: router.jobStreamSubjects(),
      retention: RetentionPolicy.Limits,
      max_age: ns(s.max_age),
      max_msgs: limit(s.max_msgs),
      max_bytes: limit(s.max_bytes),
      storage: storageOf(s.storage),
      num_replicas: s.replicas,
      discard: s.discard === "new" ? DiscardPolicy.New : DiscardPolicy.Old,
    },
    {
      name: router.dlqStream,
      subjects: router.dlqSubjects(),
      retention: RetentionPolicy.Limits,
      max_age: ns(d.max_age),
      max_msgs: limit(d.max_msgs),
      max_bytes: limit(d.max_bytes),
      storage: storageOf(d.storage),
      num_replicas: d.replicas,
      discard: DiscardPolicy.Old,
    },
  ];
}

/** The KV bucket settings of a namespace: name, ttl (ms), max_bytes, storage, replicas. */
export function bucketConfigs(config: Config, router: SubjectRouter) {
  const { kv, audit, registry } = config.nats;
  return [
    {
      name: router.jobBucket,
      ttl: kv.ttl,
      max_bytes: kv.max_bytes,
      storage: kv.storage,
      replicas: kv.replicas,
    },
    {
      name: router.responseBucket,
      ttl: kv.ttl,
      max_bytes: kv.max_bytes,
      storage: kv.storage,
      replicas: kv.replicas,
    },
    {
      name: router.auditBucket,
      ttl: audit.ttl,
      max_bytes: audit.max_bytes,
      storage: audit.storage,
      replicas: audit.replicas,
    },
    {
      name: router.registryBucket,
      ttl: registry.ttl,
      max_bytes: -1,
      storage: registry.storage,
      replicas: registry.replicas,
    },
  ];
}

async function upsertStream(jsm: JetStreamManager, cfg: Partial<StreamConfig>): Promise<string> {
  try {
    const info = await jsm.streams.info(cfg.name!);
    await jsm.streams.update(cfg.name!, { ...info.config, ...cfg });
    return "updated";
  } catch (e) {
    if (!/stream not found/i.test((e as Error).message)) throw e;
    await jsm.streams.add({ ...cfg, name: cfg.name! });
    return "created";
  }
}

/** Creates or updates the streams and buckets of `router`'s namespace. */
export async function ensureResources(
  nc: NatsConnection,
  config: Config,
  router: SubjectRouter,
  log?: Logger,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const cfg of streamConfigs(config, router)) {
    const what = await upsertStream(jsm, cfg);
    log?.debug(`stream ${what}`, { stream: cfg.name });
  }
  const kvm = new Kvm(nc);
  for (const b of bucketConfigs(config, router)) {
    const stream = `KV_${b.name}`;
    let exists = true;
    try {
      await jsm.streams.info(stream);
    } catch (e) {
      if (!/stream not found/i.test((e as Error).message)) throw e;
      exists = false;
    }
    if (!exists) {
      await kvm.create(b.name, {
        history: 1,
        ttl: b.ttl,
        max_bytes: limit(b.max_bytes),
        storage: storageOf(b.storage),
        replicas: b.replicas,
      });
      log?.debug("bucket created", { bucket: b.name });
    } else {
      await upsertStream(jsm, {
        name: stream,
        max_age: ns(b.ttl),
        max_bytes: limit(b.max_bytes),
        num_replicas: b.replicas,
      });
      log?.debug("bucket updated", { bucket: b.name });
    }
  }
}
