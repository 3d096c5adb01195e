/**
 * Least-privilege NATS permission sets per role and namespace. Every subject comes from the
 * subject router (or its JetStream API names), so permissions follow the names the components
 * really use:
 * - `api`: publishes jobs, collects results, reads (direct gets only) and writes every bucket of
 *   its namespace (the audit log only under its own credential id), reads the jobs and DLQ
 *   streams, reads and writes the file object store; never consumes jobs for a worker nor
 *   answers them, and creates no consumer at all.
 * - `worker`: consumes jobs through the consumers of its namespace's jobs stream (created for it
 *   by the consumer service, src/worker/consumer_service.ts), acks them,
 *   writes records, results and heartbeats, publishes results and dead jobs, reads the file
 *   object store (direct gets); never publishes jobs and never touches the audit log.
 * - `component`: the union of both (one process running API and worker).
 * - `view`: read-only observer: subscribes to the job, result and DLQ subjects of its namespace
 *   and reads its streams' info; publishes nothing else.
 * - `admin`: everything (the supervisor's own identity).
 * Replies: every role but `admin` subscribes only to its own inbox `_INBOX.<ns>.<credential id>.>`
 * (`PermissionOptions.credential`, required), never the namespace's `_INBOX.<ns>.>`: the jobs a
 * worker pulls, the API's acks and direct-get answers reach no other credential.
 * No role but `admin` may create a consumer on a bucket: nats-server does not check a push
 * consumer's `deliver_subject` against the creating user's permissions, so a consumer on a user's
 * own bucket could deliver its messages onto another namespace's job subjects. The API reads its
 * buckets with batched direct gets (src/job/store.ts) instead of the kv library's
 * keys/history/watch (which create ordered push consumers).
 * No role but `admin` may create, update or delete a stream or bucket: nats-server does not check
 * a stream's `subjects`, `sources` or `mirror` against the user's permissions, so a stream update
 * would let a user capture or copy another namespace's subjects and buckets. The supervisor (the
 * admin identity) creates and updates them; components only verify they exist (see
 * `ensureResources`). Nothing reaches outside the namespace: no other namespace, no `$SYS`.
 *
 * No worker creates a consumer: nats-server does not check a consumer's body (deliver policy,
 * `filter_subjects`, `deliver_subject`) against the creating user's permissions, so a worker
 * allowed to create one could point it at other hosts' jobs or replay stored jobs. The consumer
 * service (the admin identity) builds a worker's consumers from its host name (the request
 * subject) and labels, and nothing else (tests/security/consumer_service_test.ts).
 *
 * Worker users fenced to a host (`hostname` in a config-file user entry, a callout user, `nats
 * user add --hostname`, `nats operator init --worker-host`): consumer requests only for its own
 * host; consumer info, pulls and acks only on its own and the shared `_any` consumers, KV writes
 * only to its own result keys, registry entries and file state. Without a `hostname` a worker
 * user stands for every host of its namespace: consumer requests for any host (consumers built
 * as for that host), any consumer name to pull from, any host's keys.
 *
 * Replays are refused by the data too: a pull request's reply subject is not checked against
 * permissions, so a worker user can have the jobs its consumers deliver sent onto a job subject
 * again. The jobs stream drops them as duplicates (`Nats-Msg-Id` = job id, duplicate window =
 * the record lifetime `nats.kv.ttl`), and a worker refuses, logs and terminates a job older
 * than that lifetime and a modify job whose result it already stored (tests/security/
 * replay_test.ts).
 *
 * Residual risks inside one namespace (permissions cannot express them; documented, not fixed):
 * - A worker user can publish fast-path results (`<ns>.jobs.results.<id>`, naming any host) and
 *   status events for any job of its namespace; the stored result keys stay fenced.
 * - A worker user asks the consumer service for its labels and its consumer settings
 *   (`max_deliver`, `ack_wait`, `max_ack_pending`, within fixed bounds): labels are
 *   self-declared (as in the registry), and the settings apply to the shared `_any` consumers
 *   too (the last worker to start sets them, as with every worker of one namespace).
 * - A job published over NATS without a `Nats-Msg-Id` (not by osapi) is not deduplicated: a
 *   replay of it can run once more on a worker that has not answered it yet (an `_any` job on
 *   another worker, or a query) until it is older than `nats.kv.ttl`.
 *
 * Residual risks across namespaces sharing one account (`isolation: permissions`): nats-server
 * publishes some messages itself, to subjects the requester chose and it does not check:
 * - a pull request (`MSG.NEXT`) whose reply subject is another namespace's job subject replays
 *   its namespace's jobs there (workers no longer create consumers, so the push consumer with
 *   such a `deliver_subject` is gone).
 * - the answer to any request the server answers (every role may ask `$JS.API.INFO`; api and
 *   token users direct gets) goes to the request's reply subject, which permissions do not
 *   cover: a direct get echoes a stored message, so an api user can put content of its choosing
 *   (written to its own bucket) onto another namespace's job subjects.
 * tests/security/deliver_subject_test.ts shows both. Namespaces that do not trust each other
 * need `isolation: account` (or operator mode): the server's messages stay in the account.
 */
import type { NATS_ROLES } from "../config/schema.ts";
import {
  JS_API,
  kvKeySubject,
  kvKeysWildcard,
  kvStream,
  objStream,
  objWildcard,
  type SubjectRouter,
} from "./subjects.ts";
import { sanitizeToken } from "../core/targets.ts";

/** A permission set a server-side user can be given. */
export type NatsRole = typeof NATS_ROLES[number];

/** Allowed publish and subscribe subjects (nats-server `allow` lists). */
export interface Permissions {
  publish: string[];
  subscribe: string[];
}

/** Everything: the admin role. */
export const ADMIN_PERMISSIONS: Readonly<Permissions> = Object.freeze({
  publish: [">"],
  subscribe: [">"],
});

/**
 * Read and write access to one KV bucket: put/delete/purge, get (direct or not) and batched
 * direct gets (how src/job/store.ts reads many keys). No consumer operation: the kv library's
 * keys/watch/history create push consumers, whose `deliver_subject` nats-server does not check
 * against permissions (a user could deliver its bucket's messages onto any subject).
 */
function kvAccess(bucket: string): string[] {
  const stream = kvStream(bucket);
  return [
    kvKeysWildcard(bucket),
    JS_API.stream("MSG.GET", stream),
    JS_API.directGet(stream, ""),
    JS_API.directGet(stream),
  ];
}

/**
 * Reading the file object store: its metadata and chunks by (batched) direct gets, never through
 * a consumer (the object store library's get/list create push consumers; src/files/ reads
 * without them).
 */
function objectReads(router: SubjectRouter): string[] {
  const stream = objStream(router.fileBucket);
  return [
    JS_API.stream("MSG.GET", stream),
    JS_API.directGet(stream, ""),
    JS_API.directGet(stream),
  ];
}

/**
 * Writing the file object store: chunks and metadata (replaced chunks are dropped by a subject
 * rollup, never a stream purge).
 */
function objectWrites(router: SubjectRouter): string[] {
  return [objWildcard(router.fileBucket)];
}

/** Describing the namespace's streams and buckets (`ensureResources` verifies they exist). */
function streamInfo(router: SubjectRouter): string[] {
  return [JS_API.info, ...router.streams.map((s) => JS_API.stream("INFO", s))];
}

/** Options of {@link permissionsFor}. */
export interface PermissionOptions {
  /**
   * The id of the user's credential (`credentialId` in credential_id.ts): names the subjects
   * that are the user's own (its inbox `_INBOX.<ns>.<id>.>`).
   */
  credential?: string;
  /**
   * The host a `worker` (or `component`) user is for: its consumers, result keys and registry
   * entry are fenced to that host. Empty: any host of the namespace.
   */
  hostname?: string;
}

/**
 * The audit bucket for the api credential `credential`: reads of every entry, writes only of
 * keys under its own writer id (`<credential>.<id>`, src/audit/nats_audit_log.ts), so no api
 * user can write an entry attributed to another.
 */
function auditAccess(router: SubjectRouter, credential: string): string[] {
  const bucket = router.auditBucket;
  const stream = kvStream(bucket);
  const writer = sanitizeToken(credential, "credential id");
  return [
    kvKeySubject(bucket, `${writer}.>`),
    JS_API.stream("MSG.GET", stream),
    JS_API.directGet(stream, ""),
    JS_API.directGet(stream),
  ];
}

/**
 * The API's permissions in the router's namespace: no consumer operation on the jobs stream
 * (it could delete or redirect the workers' consumers) and only message reads on the DLQ;
 * audit entries only under its own credential id.
 */
function apiPermissions(router: SubjectRouter, inbox: string, credential: string): Permissions {
  const dlq = router.dlqStream;
  return {
    publish: [
      router.jobsWildcard("query"),
      router.jobsWildcard("modify"),
      ...streamInfo(router),
      JS_API.stream("MSG.GET", dlq),
      JS_API.directGet(dlq, ""),
      JS_API.directGet(dlq),
      ...router.buckets.filter((b) => b !== router.auditBucket).flatMap(kvAccess),
      ...auditAccess(router, credential),
      ...objectReads(router),
      ...objectWrites(router),
    ],
    subscribe: [
      router.resultsWildcard(),
      inbox,
      // drains and undrains (the job client's cached worker list)
      kvKeysWildcard(router.stateBucket),
    ],
  };
}

/**
 * The worker's permissions in the router's namespace. Its consumers: asked for from the consumer
 * service (`<ns>.consumers.<host>`, only its own host when `hostname` is known), never created,
 * updated or deleted by the worker; info, pulls and acks only on its own and the `_any` names
 * when `hostname` is known (a subject wildcard cannot match a name prefix, so without it any
 * consumer name of the jobs stream). Never a stream change. KV writes:
 * status events of the job bucket (`events.<id>.<event>`), results (`<id>.<host>`), its
 * registry entries (`<host>`, `facts.<host>`) and its deployed files (`<host>.<path key>`), the
 * key layouts of src/job/records.ts, src/job/registry.ts and src/files/deployments.ts.
 */
function workerPermissions(router: SubjectRouter, inbox: string, hostname = ""): Permissions {
  const jobs = router.stream;
  const host = hostname.trim() === "" ? undefined : sanitizeToken(hostname, "host name");
  const kinds = ["query", "modify"] as const;
  const own = host === undefined ? "*" : router.workerConsumer(host);
  const names = host === undefined ? ["*"] : [...kinds.map((k) => router.anyConsumer(k)), own];
  return {
    publish: [
      router.resultsWildcard(),
      ...router.dlqSubjects(),
      ...streamInfo(router),
      // its consumers are created by the consumer service (the admin identity), never by it
      host === undefined ? router.consumerRequestWildcard() : router.consumerRequest(host),
      ...names.flatMap((n) => [
        JS_API.consumer("INFO", jobs, n),
        JS_API.consumer("MSG.NEXT", jobs, n),
        JS_API.ack(jobs, n === "*" ? undefined : n),
      ]),
      kvKeySubject(router.jobBucket, "events.>"),
      kvKeySubject(router.responseBucket, host === undefined ? ">" : `*.${host}`),
      // reads its own earlier result of a job (a replayed modify job is refused, not run again)
      JS_API.directGet(
        kvStream(router.responseBucket),
        kvKeySubject(router.responseBucket, host === undefined ? ">" : `*.${host}`),
      ),
      kvKeySubject(router.registryBucket, host ?? ">"),
      ...(host === undefined ? [] : [kvKeySubject(router.registryBucket, `facts.${host}`)]),
      // reads its drain state (one key; a message get names no key, so any host's state)
      JS_API.directGet(kvStream(router.stateBucket), kvKeySubject(router.stateBucket, host ?? ">")),
      JS_API.stream("MSG.GET", kvStream(router.stateBucket)),
      kvKeySubject(router.fileStateBucket, host === undefined ? ">" : `${host}.>`),
      ...objectReads(router),
    ],
    // and hears changes to it (the put itself, published on the key's subject)
    subscribe: [inbox, kvKeySubject(router.stateBucket, host ?? ">")],
  };
}

/** The subjects a `view` user watches in the router's namespace (also exported to a view account). */
export function viewSubjects(router: SubjectRouter): string[] {
  return [
    router.jobsWildcard("query"),
    router.jobsWildcard("modify"),
    router.resultsWildcard(),
    ...router.dlqSubjects(),
  ];
}

/** The read-only `view` permissions in the router's namespace. */
function viewPermissions(router: SubjectRouter, inbox: string): Permissions {
  return {
    publish: [JS_API.info, ...router.streams.map((s) => JS_API.stream("INFO", s))],
    subscribe: [...viewSubjects(router), inbox],
  };
}

/**
 * What a client holding an API token may do over NATS (from its API permissions; see
 * `tokenAccess` in src/nats_auth/callout_service.ts).
 */
export interface TokenAccess {
  /**
   * Subscribe to results; read (get, direct get) job records and results. NATS cannot redact:
   * grant it only to tokens that REST shows every record unredacted.
   */
  readJobs: boolean;
  /** Publish query jobs (`<ns>.jobs.query.>`). */
  queryJobs: boolean;
  /** Publish modify jobs (`<ns>.jobs.modify.>`: command exec/shell, DNS updates). */
  modifyJobs: boolean;
}

/**
 * The permissions of a client holding an API token (auth callout), fenced to the router's
 * namespace: its inbox and the account's JetStream info, plus what `access` grants. Never a KV
 * write (audit log, registry, job records), a DLQ delete, nor any stream or consumer operation.
 */
export function tokenPermissions(
  router: SubjectRouter,
  access: TokenAccess,
  credential: string,
): Permissions {
  const read = (bucket: string) => {
    const stream = kvStream(bucket);
    return [
      JS_API.stream("INFO", stream),
      JS_API.stream("MSG.GET", stream),
      JS_API.directGet(stream, ""),
      JS_API.directGet(stream),
    ];
  };
  // publishing jobs reads nothing: records and results only with readJobs (issue 8 §6)
  const reads = access.readJobs;
  return {
    publish: [
      JS_API.info,
      ...(access.queryJobs ? [router.jobsWildcard("query")] : []),
      ...(access.modifyJobs ? [router.jobsWildcard("modify")] : []),
      ...(reads ? [router.jobBucket, router.responseBucket].flatMap(read) : []),
    ],
    subscribe: [
      router.inboxWildcardFor(ownCredential(credential)),
      ...(reads ? [router.resultsWildcard()] : []),
    ],
  };
}

/**
 * The credential id of a non-admin user: names its inbox `_INBOX.<ns>.<id>.>` (the only reply
 * subjects it may subscribe to) and its audit writer id. A missing id is an error, never the
 * namespace-wide inbox (which would let the user read every other credential's replies).
 */
function ownCredential(credential: string | undefined): string {
  if (credential === undefined || credential.trim() === "") {
    throw new Error(
      "NATS permissions: a credential id is required for a non-admin user (its own inbox " +
        "`_INBOX.<ns>.<id>.>`); the namespace-wide inbox would expose every other user's replies",
    );
  }
  return credential;
}

function union(a: Permissions, b: Permissions): Permissions {
  const merge = (x: string[], y: string[]) => [...new Set([...x, ...y])];
  return { publish: merge(a.publish, b.publish), subscribe: merge(a.subscribe, b.subscribe) };
}

/** The permissions of `role` fenced to the router's namespace. */
export function permissionsFor(
  role: NatsRole,
  router: SubjectRouter,
  opts: PermissionOptions = {},
): Permissions {
  switch (role) {
    case "admin":
      return {
        publish: [...ADMIN_PERMISSIONS.publish],
        subscribe: [...ADMIN_PERMISSIONS.subscribe],
      };
    case "api": {
      const id = ownCredential(opts.credential);
      return apiPermissions(router, router.inboxWildcardFor(id), id);
    }
    case "worker": {
      const id = ownCredential(opts.credential);
      return workerPermissions(router, router.inboxWildcardFor(id), opts.hostname);
    }
    case "component": {
      const id = ownCredential(opts.credential);
      const inbox = router.inboxWildcardFor(id);
      return union(
        apiPermissions(router, inbox, id),
        workerPermissions(router, inbox, opts.hostname),
      );
    }
    case "view":
      return viewPermissions(router, router.inboxWildcardFor(ownCredential(opts.credential)));
  }
}
