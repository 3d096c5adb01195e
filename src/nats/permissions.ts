/**
 * Least-privilege NATS permission sets per role and namespace. Every subject comes from the
 * subject router (or its JetStream API names), so permissions follow the names the components
 * really use:
 * - `api`: publishes jobs, collects results, reads and writes every bucket of its namespace,
 *   reads the jobs and DLQ streams; never consumes jobs for a worker nor answers them.
 * - `worker`: consumes jobs through the consumers of its namespace's jobs stream, acks them,
 *   writes records, results and heartbeats, publishes results and dead jobs; never publishes jobs
 *   and never touches the audit log.
 * - `component`: the union of both (one process running API and worker).
 * - `view`: read-only observer: subscribes to the job, result and DLQ subjects of its namespace
 *   and reads its streams' info; publishes nothing else.
 * - `admin`: everything (the supervisor's own identity).
 * Both `api` and `worker` may create and update the streams and buckets of their namespace (every
 * component runs `ensureResources`), and nothing outside it: no other namespace, no `$SYS`.
 */
import type { NATS_ROLES } from "../config/schema.ts";
import { JS_API, kvKeysWildcard, kvStream, type SubjectRouter } from "./subjects.ts";

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

/** Read and write access to one KV bucket: put/delete, get (direct or not), keys/watch/history. */
function kvAccess(bucket: string): string[] {
  const stream = kvStream(bucket);
  return [
    kvKeysWildcard(bucket),
    JS_API.stream("MSG.GET", stream),
    JS_API.directGet(stream, ""),
    JS_API.directGet(stream),
    JS_API.consumer("*", stream, ""),
    JS_API.consumer("*", stream),
    JS_API.flowControl(stream),
  ];
}

/** Creating, updating and describing the namespace's streams and buckets (`ensureResources`). */
function streamSetup(router: SubjectRouter): string[] {
  return [
    JS_API.info,
    ...router.streams.flatMap((s) => [
      JS_API.stream("INFO", s),
      JS_API.stream("CREATE", s),
      JS_API.stream("UPDATE", s),
    ]),
  ];
}

/** The API's permissions in the router's namespace. */
function apiPermissions(router: SubjectRouter): Permissions {
  const readStream = (s: string) => [
    JS_API.stream("MSG.GET", s),
    JS_API.directGet(s, ""),
    JS_API.directGet(s),
    JS_API.consumer("*", s, ""),
    JS_API.consumer("*", s),
  ];
  return {
    publish: [
      router.jobsWildcard("query"),
      router.jobsWildcard("modify"),
      ...streamSetup(router),
      ...readStream(router.stream),
      ...readStream(router.dlqStream),
      JS_API.stream("MSG.DELETE", router.dlqStream),
      ...router.buckets.flatMap(kvAccess),
    ],
    subscribe: [router.resultsWildcard(), router.inboxWildcard()],
  };
}

/** The worker's permissions in the router's namespace. */
function workerPermissions(router: SubjectRouter): Permissions {
  const jobs = router.stream;
  return {
    publish: [
      router.resultsWildcard(),
      ...router.dlqSubjects(),
      ...streamSetup(router),
      JS_API.consumer("CREATE", jobs),
      JS_API.consumer("DURABLE.CREATE", jobs),
      JS_API.consumer("INFO", jobs),
      JS_API.consumer("MSG.NEXT", jobs),
      JS_API.ack(jobs),
      ...[router.jobBucket, router.responseBucket, router.registryBucket].flatMap(kvAccess),
    ],
    subscribe: [router.inboxWildcard()],
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
function viewPermissions(router: SubjectRouter): Permissions {
  return {
    publish: [JS_API.info, ...router.streams.map((s) => JS_API.stream("INFO", s))],
    subscribe: [...viewSubjects(router), router.inboxWildcard()],
  };
}

function union(a: Permissions, b: Permissions): Permissions {
  const merge = (x: string[], y: string[]) => [...new Set([...x, ...y])];
  return { publish: merge(a.publish, b.publish), subscribe: merge(a.subscribe, b.subscribe) };
}

/** The permissions of `role` fenced to the router's namespace. */
export function permissionsFor(role: NatsRole, router: SubjectRouter): Permissions {
  switch (role) {
    case "admin":
      return {
        publish: [...ADMIN_PERMISSIONS.publish],
        subscribe: [...ADMIN_PERMISSIONS.subscribe],
      };
    case "api":
      return apiPermissions(router);
    case "worker":
      return workerPermissions(router);
    case "component":
      return union(apiPermissions(router), workerPermissions(router));
    case "view":
      return viewPermissions(router);
  }
}
