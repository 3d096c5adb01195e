/**
 * The API as a running service: connects with `api.server.nats`, ensures the namespace's
 * streams and buckets, builds the job client and serves HTTP. Used by `api server start` and
 * `serve`.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import { createJobClient } from "../job/client.ts";
import type { Logger } from "../log.ts";
import { connectNats } from "../nats/connect.ts";
import { ensureOrVerifyResources, routerFor } from "../nats/resources.ts";
import { type ApiServer, startApiServer } from "./server.ts";

/** A running API service. */
export interface ApiService {
  readonly server: ApiServer;
  readonly nc: NatsConnection;
  /** Stops serving, then drains the NATS connection. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the API service; `nats` overrides `api.server.nats` (e.g. `serve`'s local server). */
export async function startApiService(
  config: Config,
  log: Logger,
  nats: NatsClientConfig = config.api.server.nats,
): Promise<ApiService> {
  const router = routerFor(config, nats.namespace);
  const nc = await connectNats(nats, log, { configKey: "api.server.nats" });
  try {
    await ensureOrVerifyResources(nc, config, router, log);
    const jobs = createJobClient(nc, config, router, log);
    const server = await startApiServer({ config, jobs, nc, router, log });
    let stopping: Promise<void> | undefined;
    return {
      server,
      nc,
      stop: () =>
        stopping ??= (async () => {
          await server.shutdown();
          await nc.drain().catch(() => nc.close());
        })(),
    };
  } catch (e) {
    await nc.close();
    throw e;
  }
}
