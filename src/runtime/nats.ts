/**
 * The supervised nats-server as a component: resolves the binary, starts the supervisor and, on
 * its ready hook (every start and restart), ensures the streams and buckets of every namespace
 * as the supervisor's admin identity — the server itself knows nothing of jobs — and runs the
 * consumer service of every namespace (the admin identity creates the workers' consumers).
 */
import { delay } from "@nats-io/nats-core";
import type { Config } from "../config/schema.ts";
import { authFragmentSource } from "../nats_auth/auth_fragment.ts";
import type { Logger } from "../log.ts";
import { connectNats } from "../nats/connect.ts";
import { ensureResources, routerFor, serverNamespaces } from "../nats/resources.ts";
import { adminClientConfig, type AdminIdentity } from "../server/admin_identity.ts";
import { resolveNatsServer } from "../server/binary.ts";
import type { NatsConnection } from "@nats-io/transport-node";
import { type ConsumerService, startConsumerService } from "../worker/consumer_service.ts";
import {
  type NatsSupervisor,
  type ReadyContext,
  startSupervisor,
  SupervisorError,
  type SupervisorOptions,
} from "../server/supervisor.ts";

/** Options of {@link startNats}. */
export interface NatsRuntimeOptions extends Omit<SupervisorOptions, "binary"> {
  /** Path of the nats-server binary (default: resolved from `nats.server`, downloaded if so configured). */
  binary?: string;
}

/** The namespaces whose streams and buckets the supervisor ensures. */
export function ensuredNamespaces(config: Config, namespaces: string[] = []): string[] {
  return [...new Set([...serverNamespaces(config), ...namespaces])];
}

/**
 * Ensures (creates or updates) the streams and buckets of every namespace as the admin
 * identity, one connection per namespace (in operator mode each is its own account). A
 * JetStream cluster may still be electing its leader: retried until `nats.server.ready_timeout`
 * passes or `stopping()` holds.
 */
export async function ensureServerResources(
  config: Config,
  identity: AdminIdentity,
  namespaces: string[],
  log: Logger,
  stopping: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + config.nats.server.ready_timeout;
  for (;;) {
    try {
      for (const ns of namespaces) {
        const nc = await connectNats(adminClientConfig(config, identity, ns), log, {
          maxReconnectAttempts: 0,
          timeout: 5_000,
        });
        try {
          await ensureResources(nc, config, routerFor(config, ns), log);
        } finally {
          await nc.close();
        }
      }
      log.debug("streams and buckets ensured", { namespaces: namespaces.join(",") });
      return;
    } catch (e) {
      if (Date.now() >= deadline || stopping()) {
        throw new SupervisorError(
          `cannot ensure the streams and buckets: ${(e as Error).message}`,
          { cause: e },
        );
      }
      await delay(250);
    }
  }
}

/**
 * The consumer services of every namespace, each on its own admin connection (in operator mode
 * each namespace is its own account). Started at the first ready; the connections reconnect
 * across nats-server restarts.
 */
class ConsumerServices {
  #running: { nc: NatsConnection; service: ConsumerService }[] | undefined;

  constructor(
    readonly config: Config,
    readonly namespaces: string[],
    readonly log: Logger,
  ) {}

  async start(identity: AdminIdentity): Promise<void> {
    if (this.#running) return;
    const running: { nc: NatsConnection; service: ConsumerService }[] = [];
    try {
      for (const ns of this.namespaces) {
        const nc = await connectNats(adminClientConfig(this.config, identity, ns), this.log, {
          timeout: 5_000,
        });
        running.push({
          nc,
          service: await startConsumerService(nc, routerFor(this.config, ns), this.log),
        });
      }
    } catch (e) {
      for (const r of running) await r.nc.close().catch(() => {});
      throw e;
    }
    this.#running = running;
    this.log.debug("consumer services started", { namespaces: this.namespaces.join(",") });
  }

  /** Stops answering and closes the connections (not drained: the server may be hung). */
  async stop(): Promise<void> {
    const running = this.#running ?? [];
    this.#running = undefined;
    for (const { nc, service } of running) {
      await service.stop();
      await nc.close().catch(() => {});
    }
  }
}

/**
 * Starts the supervised nats-server; resolves once it is ready and the streams and buckets of
 * {@link ensuredNamespaces} exist. They are ensured again after every restart (a restarted
 * server with memory storage has lost them).
 */
export async function startNats(opts: NatsRuntimeOptions): Promise<NatsSupervisor> {
  const { config, log } = opts;
  let binary = opts.binary;
  if (binary === undefined) {
    const resolved = await resolveNatsServer(config.nats.server, { log });
    log.info("using nats-server", { path: resolved.path, version: resolved.version });
    binary = resolved.path;
  }
  const namespaces = ensuredNamespaces(config, opts.namespaces);
  const services = new ConsumerServices(config, namespaces, log);
  return await startSupervisor({
    ...opts,
    binary,
    authFragment: opts.authFragment ?? authFragmentSource(config, log),
    onReady: async (restarts: number, ready: ReadyContext) => {
      await ensureServerResources(config, ready.identity, namespaces, log, ready.stopping);
      await services.start(ready.identity);
      await opts.onReady?.(restarts, ready);
    },
    onStop: async () => {
      await services.stop();
      await opts.onStop?.();
    },
  });
}
