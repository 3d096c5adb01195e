/**
 * The API as a running component: connects with `api.server.nats`, ensures (or verifies) the
 * namespace's streams and buckets, builds the NATS-backed services the API's ports need (job
 * client, health, audit log) and serves HTTP. Used by `api server start` and `serve`.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type {
  AgentService,
  AuditLog,
  FileService,
  HealthService,
  SecurityService,
} from "../api/ports.ts";
import { type ApiServer, startApiServer } from "../api/server.ts";
import { NatsAuditLog, SHARED_WRITER } from "../audit/nats_audit_log.ts";
import { securityInfo } from "../nats_auth/security_info.ts";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import { NatsAgentService } from "../job/agents.ts";
import { createJobClient, type JobClient } from "../job/client.ts";
import { NatsFileStore } from "../files/object_store.ts";
import { NatsHealth, type NatsHealthOptions } from "../health/nats_health.ts";
import type { Logger } from "../log.ts";
import { buildAuthOptions } from "../nats/auth_options.ts";
import { connectNats } from "../nats/connect.ts";
import { ensureOrVerifyResources, routerFor } from "../nats/resources.ts";

/** The NATS-backed implementations of the API's ports. */
export interface ApiServices {
  jobs: JobClient;
  health: HealthService;
  audit: AuditLog;
  security: SecurityService;
  agents: AgentService;
  files: FileService;
}

/**
 * The API's services over one open connection, for the namespace `namespace`; `writer` is the
 * credential id of the connection (its audit entries are keyed under it).
 */
export function natsApiServices(
  nc: NatsConnection,
  config: Config,
  namespace: string,
  log: Logger,
  health: NatsHealthOptions = {},
  writer: string = SHARED_WRITER,
): ApiServices {
  const router = routerFor(config, namespace);
  return {
    jobs: createJobClient(nc, config, router, log),
    health: new NatsHealth(nc, router, { log, ...health }),
    audit: new NatsAuditLog(nc, router, log.child("audit"), writer),
    security: { info: (signingKey) => securityInfo(config, signingKey) },
    agents: new NatsAgentService(nc, router, {
      registryTtlMs: config.nats.registry.ttl,
      autoAccept: config.nats.state.auto_accept,
    }),
    files: new NatsFileStore(nc, router),
  };
}

/** A running API component. */
export interface ApiService {
  readonly server: ApiServer;
  readonly nc: NatsConnection;
  /** Stops serving, then drains the NATS connection. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the API component; `nats` overrides `api.server.nats` (e.g. `serve`'s local server). */
export async function startApi(
  config: Config,
  log: Logger,
  nats: NatsClientConfig = config.api.server.nats,
): Promise<ApiService> {
  const nc = await connectNats(nats, log, { configKey: "api.server.nats", exitOnFatalClose: true });
  try {
    await ensureOrVerifyResources(nc, config, routerFor(config, nats.namespace), log);
    // the credential the connection presented names the audit entries it writes
    const { credentialId } = await buildAuthOptions(nats);
    const services = natsApiServices(nc, config, nats.namespace, log, {}, credentialId);
    const server = await startApiServer({ config, log, ...services });
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
