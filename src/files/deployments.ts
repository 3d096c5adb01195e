/**
 * The file state bucket (`<ns>-file-state`): one key per file a worker deployed,
 * `<host>.<base64url(path)>` -> {@link DeploymentRecord}. Workers write their own keys (their
 * NATS permissions fence them to `<host>.>`); the API reads every key with batched direct gets
 * to find stale deployments.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { DeploymentLog, DeploymentRecord } from "../core/files.ts";
import { sanitizeToken } from "../core/targets.ts";
import { latestJson, lazyBucket, lazyDirectBucket } from "../job/store.ts";
import type { SubjectRouter } from "../nats/subjects.ts";

/** The key of `path` deployed on `hostname`. */
export function deploymentKey(hostname: string, path: string): string {
  const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(path)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${sanitizeToken(hostname, "host name")}.${b64}`;
}

/** The deployment log of worker `hostname`. */
export function natsDeploymentLog(
  nc: NatsConnection,
  router: SubjectRouter,
  hostname: string,
): DeploymentLog {
  const kv = lazyBucket(nc, router.fileStateBucket);
  return {
    record: async (entry) => {
      await (await kv()).put(deploymentKey(hostname, entry.path), JSON.stringify(entry));
    },
    remove: async (path) => {
      await (await kv()).delete(deploymentKey(hostname, path));
    },
  };
}

/** Every recorded deployment of the namespace (read with direct gets only). */
export function natsDeployments(
  nc: NatsConnection,
  router: SubjectRouter,
): () => Promise<DeploymentRecord[]> {
  const bucket = lazyDirectBucket(nc, router.fileStateBucket);
  return async () => (await latestJson<DeploymentRecord>(await bucket())).map((v) => v.value);
}
