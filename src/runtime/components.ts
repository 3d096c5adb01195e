/** The worker and the auth callout service as components (their `... start` commands and `serve`). */
import { type CalloutService, startCalloutService } from "../nats_auth/callout_service.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { calloutDefaultServer } from "./config.ts";
import { startWorker, type WorkerHandle } from "../worker/worker.ts";

/** Starts this host's worker with `job.worker`; resolves once it is registered and pulling. */
export function startHostWorker(config: Config, log: Logger): Promise<WorkerHandle> {
  return startWorker(config, { log });
}

/** Options of {@link startCallout}. */
export interface CalloutRuntimeOptions {
  /** API token signing key (default: the configured or stored one, never created here). */
  signingKey?: string;
  /** Only answer these servers (public keys or names). */
  servers?: string[];
}

/**
 * Starts the auth callout service with `nats.server.auth.callout`; its client defaults to the
 * configured `nats.server` (see {@link calloutDefaultServer}).
 */
export function startCallout(
  config: Config,
  log: Logger,
  opts: CalloutRuntimeOptions = {},
): Promise<CalloutService> {
  return startCalloutService(calloutDefaultServer(config), log, opts);
}
