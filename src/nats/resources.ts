/**
 * The JetStream resources of one namespace (jobs stream, DLQ stream, KV buckets):
 * {@link ensureResources} creates or updates them with every configured limit applied (the admin
 * identity: the supervisor); {@link ensureOrVerifyResources} is what the API and the worker call:
 * least-privilege users may not create or update streams (see src/nats/permissions.ts), so they
 * verify that the resources exist and create only what is missing, where that is allowed.
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
import { kvStream, objStream, objSubjects, type SubjectRouter } from "./subjects.ts";
import { nanos } from "@nats-io/nats-core";
import { OsapiError } from "../core/errors.ts";
import {
  isPermissionViolation,
  isStreamNotFound,
  jetStreamApiCode,
  STREAM_NAME_IN_USE,
} from "./errors.ts";

export { resourceNames, routerFor } from "./router.ts";

/**
 * The namespaces whose streams and buckets the supervisor (the admin identity) ensures: the
 * server's and those of the configured users it can reach (user_pass and nkey users; callout
 * users placed in the target account, where the admin user lives). Least-privilege users cannot
 * create their own.
 */
export function serverNamespaces(config: Config): string[] {
  const s = config.nats.server;
  const a = s.auth;
  const users = a.type === "user_pass"
    ? a.users
    : a.type === "nkey"
    ? a.nkeys
    : a.type === "callout"
    ? a.callout.users.filter((u) => u.account === "" || u.account === a.callout.target_account)
    : [];
  return [...new Set([s.namespace, ...users.map((u) => u.namespace || s.namespace)])];
}

const storageOf = (s: "file" | "memory") => s === "memory" ? StorageType.Memory : StorageType.File;
const limit = (n: number) => (n < 0 ? -1 : n);

/** The stream configurations of a namespace, as applied by {@link ensureResources}. */
export function streamConfigs(config: Config, router: SubjectRouter): Partial<StreamConfig>[] {
  const s = config.nats.stream;
  const d = config.nats.dlq;
  const o = config.nats.objects;
  return [
    {
      name: router.stream,
      subjects: router.jobStreamSubjects(),
      retention: RetentionPolicy.Limits,
      max_age: nanos(s.max_age),
      max_msgs: limit(s.max_msgs),
      max_bytes: limit(s.max_bytes),
      storage: storageOf(s.storage),
      num_replicas: s.replicas,
      discard: s.discard === "new" ? DiscardPolicy.New : DiscardPolicy.Old,
      ...duplicateWindow(config),
    },
    {
      name: router.dlqStream,
      subjects: router.dlqSubjects(),
      retention: RetentionPolicy.Limits,
      max_age: nanos(d.max_age),
      max_msgs: limit(d.max_msgs),
      max_bytes: limit(d.max_bytes),
      storage: storageOf(d.storage),
      num_replicas: d.replicas,
      discard: DiscardPolicy.Old,
    },
    {
      // the object store of uploaded files, configured as @nats-io/obj creates one
      name: objStream(router.fileBucket),
      subjects: Object.values(objSubjects(router.fileBucket)),
      retention: RetentionPolicy.Limits,
      max_bytes: limit(o.max_bytes),
      storage: storageOf(o.storage),
      num_replicas: o.replicas,
      discard: DiscardPolicy.New,
      allow_direct: true,
      allow_rollup_hdrs: true,
    },
  ];
}

/**
 * The jobs stream's duplicate window: as long as a job's record lives (`nats.kv.ttl`, at most
 * the stream's `max_age`). Jobs are published with `Nats-Msg-Id` = their id, and a delivery
 * keeps the stored headers, so a stored job steered onto a job subject again (a pull or push
 * consumer whose reply or deliver subject is a job subject) is dropped as a duplicate; a worker
 * refuses a job older than the record lifetime (see `DispatchContext.maxJobAgeMs`). The server
 * remembers one id per job within the window.
 */
function duplicateWindow(config: Config): { duplicate_window?: number } {
  const ttl = config.nats.kv.ttl;
  const age = config.nats.stream.max_age;
  const ms = ttl > 0 && age > 0 ? Math.min(ttl, age) : ttl > 0 ? ttl : age;
  return ms > 0 ? { duplicate_window: nanos(ms) } : {};
}

/** The KV bucket settings of a namespace: name, ttl (ms), max_bytes, storage, replicas. */
export function bucketConfigs(config: Config, router: SubjectRouter) {
  const { kv, audit, registry, state, file_state } = config.nats;
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
    {
      name: router.stateBucket,
      ttl: 0,
      max_bytes: -1,
      storage: state.storage,
      replicas: state.replicas,
    },
    {
      name: router.fileStateBucket,
      ttl: 0,
      max_bytes: -1,
      storage: file_state.storage,
      replicas: file_state.replicas,
    },
  ];
}

type BucketConfig = ReturnType<typeof bucketConfigs>[number];

/** One resource of a namespace and how to create or update it. */
interface Resource {
  kind: "stream" | "bucket";
  /** Stream or bucket name. */
  name: string;
  /** The stream holding it (a bucket's `KV_<bucket>`). */
  stream: string;
  create(jsm: JetStreamManager, kvm: Kvm): Promise<unknown>;
  /** The settings applied to an existing stream. */
  update: Partial<StreamConfig>;
}

function resourcesOf(config: Config, router: SubjectRouter): Resource[] {
  const streams = streamConfigs(config, router).map((cfg): Resource => ({
    kind: "stream",
    name: cfg.name!,
    stream: cfg.name!,
    create: (jsm) => jsm.streams.add({ ...cfg, name: cfg.name! }),
    update: cfg,
  }));
  const buckets = bucketConfigs(config, router).map((b: BucketConfig): Resource => ({
    kind: "bucket",
    name: b.name,
    stream: kvStream(b.name),
    create: (_jsm, kvm) =>
      kvm.create(b.name, {
        history: 1,
        ttl: b.ttl,
        max_bytes: limit(b.max_bytes),
        storage: storageOf(b.storage),
        replicas: b.replicas,
      }),
    update: { max_age: nanos(b.ttl), max_bytes: limit(b.max_bytes), num_replicas: b.replicas },
  }));
  return [...streams, ...buckets];
}

/** The configuration of an existing stream, or undefined when it does not exist. */
async function streamConfig(
  jsm: JetStreamManager,
  name: string,
): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (e) {
    if (isStreamNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Streams or buckets of a namespace that do not exist and that this identity may not create.
 * The message names them and tells the operator what creates them.
 */
export class MissingResourcesError extends OsapiError {
  constructor(readonly namespace: string, readonly missing: string[], options?: ErrorOptions) {
    super(
      "nats.resources_missing",
      `the JetStream resources of namespace ${JSON.stringify(namespace)} do not exist: ` +
        `${missing.join(", ")}; this NATS user may not create them (only the admin identity ` +
        "creates and updates streams and buckets). Start `osapi nats server start` (or " +
        "`osapi serve`) for this namespace first, or run with an admin identity.",
      options,
    );
  }
}

/** Creates or updates the streams and buckets of `router`'s namespace (the admin identity). */
export async function ensureResources(
  nc: NatsConnection,
  config: Config,
  router: SubjectRouter,
  log?: Logger,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const kvm = new Kvm(nc);
  for (const r of resourcesOf(config, router)) {
    const existing = await streamConfig(jsm, r.stream);
    if (existing === undefined) await r.create(jsm, kvm);
    else await jsm.streams.update(r.stream, { ...existing, ...r.update });
    log?.debug(`${r.kind} ${existing === undefined ? "created" : "updated"}`, { [r.kind]: r.name });
  }
}

/**
 * What the API and the worker call before using the namespace's resources. Against a server
 * that requires no authentication (no permissions) it is {@link ensureResources}. Otherwise the
 * streams and buckets are verified, never updated: existing ones are used as they are, missing
 * ones are created where the user may (e.g. a token shared by everything); a user that may not
 * (api, worker) gets a {@link MissingResourcesError} naming every missing one.
 */
export async function ensureOrVerifyResources(
  nc: NatsConnection,
  config: Config,
  router: SubjectRouter,
  log?: Logger,
): Promise<void> {
  if (!nc.info?.auth_required) return await ensureResources(nc, config, router, log);
  const jsm = await jetstreamManager(nc);
  const missing: Resource[] = [];
  for (const r of resourcesOf(config, router)) {
    if (await streamConfig(jsm, r.stream) === undefined) missing.push(r);
  }
  if (missing.length === 0) {
    log?.debug("streams and buckets verified", { namespace: router.namespace });
    return;
  }
  const kvm = new Kvm(nc);
  const refused: string[] = [];
  for (const r of missing) {
    try {
      await r.create(jsm, kvm);
      log?.info(`${r.kind} created`, { [r.kind]: r.name });
    } catch (e) {
      if (jetStreamApiCode(e) === STREAM_NAME_IN_USE) continue; // another component won
      if (!isPermissionViolation(e)) throw e;
      refused.push(`${r.kind} ${r.name}`);
    }
  }
  if (refused.length > 0) throw new MissingResourcesError(router.namespace, refused);
}
