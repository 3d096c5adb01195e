/**
 * The subject router: the only place that names NATS things (subjects, streams, buckets,
 * consumers, inbox prefixes). A namespace prefixes every name so that several deployments can
 * share one NATS cluster; the empty namespace gives OSAPI's unprefixed names.
 *
 * The empty namespace is OSAPI's unprefixed compatibility mode, NOT a namespace isolated from
 * the others on a shared server: its inbox prefix is plain `_INBOX`, so its users' reply
 * wildcard `_INBOX.>` covers every other namespace's inboxes (`_INBOX.<ns>.>`). Give every
 * deployment that shares a server with another a namespace (or `isolation: account`); the
 * renderer refuses users of the empty namespace next to other namespaces' users in one account.
 */
import {
  NAMESPACE_PATTERN,
  RESERVED_NAMESPACE_PREFIXES,
  RESERVED_NAMESPACES,
} from "../config/schema.ts";
import type { JobKind } from "../core/job.ts";
import { RouteError, sanitizeToken, type Target } from "../core/targets.ts";

/** Base names of the JetStream resources, before the namespace is applied. */
export interface ResourceNames {
  stream: string;
  dlq: string;
  jobBucket: string;
  responseBucket: string;
  auditBucket: string;
  registryBucket: string;
  stateBucket: string;
  /** The object store of uploaded files. */
  fileBucket: string;
  /** Files deployed on hosts (`<host>.<path key>`). */
  fileStateBucket: string;
}

/** OSAPI's default resource names. */
export const DEFAULT_NAMES: ResourceNames = {
  stream: "JOBS",
  dlq: "JOBS-DLQ",
  jobBucket: "job-queue",
  responseBucket: "job-responses",
  auditBucket: "audit-log",
  registryBucket: "worker-registry",
  stateBucket: "agent-state",
  fileBucket: "file-objects",
  fileStateBucket: "file-state",
};

/**
 * Checks a namespace: empty, or 1-32 characters of `[A-Za-z0-9_-]` that are not reserved.
 * Reserved (case-insensitively), because another namespace's names would overlap theirs:
 * - `jobs`, `dlq`: the empty namespace's top-level subject tokens (`dlq.jobs.>`, its DLQ
 *   subjects, would be namespace `dlq`'s job subjects);
 * - `DEFAULT`: the account of the empty namespace with account isolation; `SYS`: the operator
 *   mode system account;
 * - names starting with `_` (NATS's `_INBOX.`, `_R_.` reply subjects), `KV_` or `OBJ_` (the
 *   streams backing KV buckets and object stores).
 */
export function validateNamespace(namespace: string): string {
  const lower = namespace.toLowerCase();
  const name = RESERVED_NAMESPACES.find((r) => r.toLowerCase() === lower);
  const prefix = RESERVED_NAMESPACE_PREFIXES.find((p) => lower.startsWith(p.toLowerCase()));
  if (namespace !== "" && (name ?? prefix) !== undefined) {
    throw new RouteError(
      `invalid namespace ${JSON.stringify(namespace)}: ${
        name ? `${name} is reserved` : `names starting with ${prefix} are reserved`
      } (its subjects, streams or account would overlap another namespace's); ` +
        `reserved: ${RESERVED_NAMESPACES.join(", ")} and names starting with ` +
        RESERVED_NAMESPACE_PREFIXES.join(", "),
    );
  }
  if (namespace !== "" && !NAMESPACE_PATTERN.test(namespace)) {
    throw new RouteError(
      `invalid namespace ${JSON.stringify(namespace)}: expected 1-32 characters of ` +
        "A-Z a-z 0-9 _ - (or empty for no prefix)",
    );
  }
  return namespace;
}

/** Names every NATS subject and resource of one namespace. */
export class SubjectRouter {
  readonly namespace: string;
  readonly names: ResourceNames;

  constructor(namespace: string, names: Partial<ResourceNames> = {}) {
    this.namespace = validateNamespace(namespace);
    this.names = { ...DEFAULT_NAMES, ...names };
  }

  /** `<ns>.<subject>`, or the subject itself for the empty namespace. */
  subject(rest: string): string {
    return this.namespace === "" ? rest : `${this.namespace}.${rest}`;
  }

  /** `<ns>-<name>` for streams, buckets and consumers, or the name itself. */
  resource(name: string): string {
    return this.namespace === "" ? name : `${this.namespace}-${name}`;
  }

  /** The token a target takes in a job subject. */
  targetToken(target: Target): string {
    switch (target.type) {
      case "any":
        return "_any";
      case "all":
        return "_all";
      case "host":
        return `host.${sanitizeToken(target.host, "host name")}`;
      case "label":
        return `label.${sanitizeToken(target.key, "label key")}.${
          target.value.map((v) => sanitizeToken(v, "label value")).join(".")
        }`;
    }
  }

  /** The subject a job of `kind` for `target` is published on. */
  job(kind: JobKind, target: Target): string {
    return this.subject(`jobs.${kind}.${this.targetToken(target)}`);
  }

  /** The subjects captured by the jobs stream. */
  jobStreamSubjects(): string[] {
    return [this.subject("jobs.query.>"), this.subject("jobs.modify.>")];
  }

  /** The subjects the DLQ stream captures. */
  dlqSubjects(): string[] {
    return [this.subject("dlq.jobs.>")];
  }

  /** The subject a dead job is republished on (kind and target kept). */
  dlqJob(jobSubject: string): string {
    const bare = this.namespace === "" ? jobSubject : jobSubject.slice(this.namespace.length + 1);
    return this.subject(`dlq.${bare}`);
  }

  /** The fast-path result subject of one job. */
  result(jobId: string): string {
    return this.subject(`jobs.results.${sanitizeToken(jobId, "job id")}`);
  }

  /** Wildcard over every result subject of this namespace. */
  resultsWildcard(): string {
    return this.subject("jobs.results.>");
  }

  /**
   * The filter subjects of one worker: its host, `_all`, and every prefix of each label value,
   * for both kinds.
   */
  workerFilters(host: string, labels: Record<string, string>): string[] {
    const tokens = [this.targetToken({ type: "host", host }), "_all"];
    for (const [key, value] of Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))) {
      const segments = value.split(".");
      for (let i = 1; i <= segments.length; i++) {
        tokens.push(this.targetToken({ type: "label", key, value: segments.slice(0, i) }));
      }
    }
    return (["query", "modify"] as const).flatMap((kind) =>
      tokens.map((t) => this.subject(`jobs.${kind}.${t}`))
    );
  }

  /** The subjects of the shared `_any` queue for `kind`. */
  anyFilter(kind: JobKind): string {
    return this.job(kind, { type: "any" });
  }

  /** Stream names. */
  get stream(): string {
    return this.resource(this.names.stream);
  }
  get dlqStream(): string {
    return this.resource(this.names.dlq);
  }
  /** KV bucket names. */
  get jobBucket(): string {
    return this.resource(this.names.jobBucket);
  }
  get responseBucket(): string {
    return this.resource(this.names.responseBucket);
  }
  get auditBucket(): string {
    return this.resource(this.names.auditBucket);
  }
  get registryBucket(): string {
    return this.resource(this.names.registryBucket);
  }
  /** The agent-state bucket: drain state per host (key: the sanitised host name). */
  get stateBucket(): string {
    return this.resource(this.names.stateBucket);
  }
  get fileStateBucket(): string {
    return this.resource(this.names.fileStateBucket);
  }
  /** Every KV bucket of the namespace. */
  get buckets(): string[] {
    return [
      this.jobBucket,
      this.responseBucket,
      this.auditBucket,
      this.registryBucket,
      this.stateBucket,
      this.fileStateBucket,
    ];
  }

  /** The object store of uploaded files (stream `OBJ_<bucket>`). */
  get fileBucket(): string {
    return this.resource(this.names.fileBucket);
  }

  /** The shared durable consumer for `_any` jobs of `kind`. */
  anyConsumer(kind: JobKind): string {
    return this.resource(`any-${kind}`);
  }

  /** The durable consumer of one worker. */
  workerConsumer(host: string): string {
    return this.resource(`worker-${sanitizeToken(host, "host name")}`);
  }

  /**
   * Where a worker asks for its consumers (`<ns>.consumers.<host>`): the consumer service (the
   * admin identity) creates them, so that no worker credential creates a consumer itself.
   */
  consumerRequest(host: string): string {
    return this.subject(`consumers.${sanitizeToken(host, "host name")}`);
  }

  /** Every consumer request subject of the namespace (what the consumer service answers). */
  consumerRequestWildcard(): string {
    return this.subject("consumers.*");
  }

  /** Inbox prefix, so that permissions can fence replies per namespace. */
  get inboxPrefix(): string {
    return this.namespace === "" ? "_INBOX" : `_INBOX.${this.namespace}`;
  }

  /** Wildcard over every reply subject of the namespace (`_INBOX.<ns>.>`). */
  inboxWildcard(): string {
    return `${this.inboxPrefix}.>`;
  }

  /**
   * The inbox prefix of one credential (`_INBOX.<ns>.<id>`; `id` from `credentialId` in
   * credential_id.ts): its replies, which no other credential's permissions cover.
   */
  inboxPrefixFor(id: string): string {
    return `${this.inboxPrefix}.${sanitizeToken(id, "credential id")}`;
  }

  /** Wildcard over the reply subjects of one credential (`_INBOX.<ns>.<id>.>`). */
  inboxWildcardFor(id: string): string {
    return `${this.inboxPrefixFor(id)}.>`;
  }

  /** Wildcard over the job subjects of one kind (`<ns>.jobs.<kind>.>`). */
  jobsWildcard(kind: JobKind): string {
    return this.subject(`jobs.${kind}.>`);
  }

  /** Every stream of the namespace: jobs, DLQ, the streams backing the KV buckets and files. */
  get streams(): string[] {
    return [
      this.stream,
      this.dlqStream,
      ...this.buckets.map((b) => kvStream(b)),
      objStream(this.fileBucket),
    ];
  }
}

/**
 * The NATS account of a namespace where namespaces are isolated by account (operator mode,
 * `nats.server.auth.isolation: account`): the namespace itself, `DEFAULT` for the empty one.
 */
export function namespaceAccount(namespace: string): string {
  return namespace === "" ? "DEFAULT" : namespace;
}

/** The stream backing a KV bucket (`KV_<bucket>`). */
export function kvStream(bucket: string): string {
  return `KV_${bucket}`;
}

/** The stream backing an object store (`OBJ_<bucket>`). */
export function objStream(bucket: string): string {
  return `OBJ_${bucket}`;
}

/** The subjects of an object store's chunks and metadata (`$O.<bucket>.C.>`, `$O.<bucket>.M.>`). */
export function objSubjects(bucket: string): { chunks: string; meta: string } {
  return { chunks: `$O.${bucket}.C.>`, meta: `$O.${bucket}.M.>` };
}

/** The subject of the chunks of one object (`$O.<bucket>.C.<nuid>`). */
export function objChunkSubject(bucket: string, nuid: string): string {
  return `$O.${bucket}.C.${nuid}`;
}

/** Wildcard over every subject of an object store (`$O.<bucket>.>`). */
export function objWildcard(bucket: string): string {
  return `$O.${bucket}.>`;
}

/** The subject of one key (or key pattern, e.g. `events.>`) of a KV bucket (`$KV.<bucket>.<key>`). */
export function kvKeySubject(bucket: string, key: string): string {
  return `$KV.${bucket}.${key}`;
}

/** Wildcard over the key subjects of a KV bucket (`$KV.<bucket>.>`). */
export function kvKeysWildcard(bucket: string): string {
  return `$KV.${bucket}.>`;
}

/** JetStream API operations on one stream (`$JS.API.STREAM.<op>.<stream>`). */
export type StreamApiOp =
  | "INFO"
  | "CREATE"
  | "UPDATE"
  | "DELETE"
  | "PURGE"
  | "MSG.GET"
  | "MSG.DELETE";
/** JetStream API operations on a stream's consumers (`$JS.API.CONSUMER.<op>.<stream>...`). */
export type ConsumerApiOp = "*" | "CREATE" | "DURABLE.CREATE" | "INFO" | "DELETE" | "MSG.NEXT";

/**
 * Names of the JetStream API subjects (not namespaced: they carry a stream name), used to build
 * least-privilege permissions.
 */
export const JS_API = {
  /** Account information (`jetstreamManager()` asks for it on creation). */
  info: "$JS.API.INFO",
  /** One operation on one stream. */
  stream: (op: StreamApiOp, stream: string): string => `$JS.API.STREAM.${op}.${stream}`,
  /**
   * A consumer operation on a stream: `rest` is `">"` (any consumer name and filter), a
   * consumer name, or `""` for the bare form (`$JS.API.CONSUMER.LIST.<stream>`).
   */
  consumer: (op: ConsumerApiOp, stream: string, rest = ">"): string =>
    `$JS.API.CONSUMER.${op}.${stream}${rest === "" ? "" : `.${rest}`}`,
  /** Direct gets from a stream: payload form (`rest` = `""`) or subject form (`">"`). */
  directGet: (stream: string, rest = ">"): string =>
    `$JS.API.DIRECT.GET.${stream}${rest === "" ? "" : `.${rest}`}`,
  /** Acknowledgements of messages of a stream (`consumer`: only those of one consumer). */
  ack: (stream: string, consumer?: string): string =>
    consumer === undefined ? `$JS.ACK.${stream}.>` : `$JS.ACK.${stream}.${consumer}.>`,
} as const;

/**
 * System subjects of nats-server itself (not namespaced): account JWT pushes to a full
 * resolver, and auth callout requests, with the queue group osapi's callout services share.
 */
export const SYSTEM_SUBJECTS = {
  /** Request: an account JWT; answered by every server with a full resolver. */
  claimsUpdate: "$SYS.REQ.CLAIMS.UPDATE",
  /** Authorization requests the server sends to the auth callout service. */
  userAuth: "$SYS.REQ.USER.AUTH",
  /** Queue group of the osapi auth callout service instances. */
  calloutQueue: "osapi-auth-callout",
} as const;
