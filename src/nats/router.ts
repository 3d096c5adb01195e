/**
 * The subject router of a namespace with the configured resource names: what the server's
 * renderer (permissions), the resources and every component name NATS things with. Knows
 * nothing of creating streams (that is `./resources.ts`, called by the composition root).
 */
import type { Config } from "../config/schema.ts";
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
    stateBucket: nats.state.bucket,
    fileBucket: nats.objects.bucket,
    fileStateBucket: nats.file_state.bucket,
  };
}

/** A router for `namespace` using the configured resource names. */
export function routerFor(config: Config, namespace: string): SubjectRouter {
  return new SubjectRouter(namespace, resourceNames(config.nats));
}
