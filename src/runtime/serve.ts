/**
 * `serve`'s composition: the supervised nats-server, the auth callout service (when
 * `nats.server.auth.type` is `callout`), the REST API and this host's worker, each connected to
 * the local server with its own credentials ({@link localConfig}); stopped in reverse order.
 */
import { ensureAdminToken } from "../api_auth/admin_token.ts";
import type { CalloutService } from "../nats_auth/callout_service.ts";
import { loadSigningKey } from "../api_auth/signing_key.ts";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import type { NatsSupervisor } from "../server/supervisor.ts";
import type { WorkerHandle } from "../worker/worker.ts";
import { type ApiService, startApi } from "./api.ts";
import { startCallout, startHostWorker } from "./components.ts";
import { checkComponentAuth, localConfig } from "./config.ts";
import { startNats } from "./nats.ts";

/** The parts of a `serve`, as far as they started. */
export interface ServeParts {
  supervisor?: NatsSupervisor;
  callout?: CalloutService;
  api?: ApiService;
  worker?: WorkerHandle;
  /** The admin token file, once written; `created` when this start wrote it. */
  adminToken?: { path: string; created: boolean };
}

/** Options of {@link startServe}. */
export interface ServeOptions {
  /** Path of the nats-server binary (default: resolved from `nats.server`). */
  binary?: string;
  /** Checked between the parts: true stops starting more (a signal arrived). */
  stopping?: () => boolean;
}

/** A `serve` whose parts run (or some of them, when stopping was requested). */
export interface Serve {
  readonly parts: ServeParts;
  /** Stops every part in reverse order of start (idempotent per part); failures are logged. */
  stop(force?: boolean): Promise<void>;
}

/** Stops the parts in reverse order of their start; a failing stop is logged, not thrown. */
export async function stopServeParts(parts: ServeParts, force: boolean, log: Logger) {
  const steps: [string, (() => Promise<void>) | undefined][] = [
    ["API", parts.api && (() => parts.api!.stop())],
    ["worker", parts.worker && (() => parts.worker!.stop({ abort: force }))],
    ["auth callout", parts.callout && (() => parts.callout!.stop())],
    ["nats-server", parts.supervisor && (() => parts.supervisor!.stop())],
  ];
  for (const [name, stop] of steps) {
    if (!stop) continue;
    try {
      await stop();
    } catch (e) {
      log.warn(`stopping the ${name} failed`, { error: (e as Error).message });
    }
  }
}

/**
 * Starts every part into `parts` (filled as they start, so that a caller's signal handler can
 * stop what already runs); on a failure part-way, stops what runs and rethrows.
 */
export async function startServe(
  config: Config,
  log: Logger,
  parts: ServeParts = {},
  opts: ServeOptions = {},
): Promise<Serve> {
  const stopping = opts.stopping ?? (() => false);
  const serve: Serve = { parts, stop: (force = false) => stopServeParts(parts, force, log) };
  try {
    checkComponentAuth(config);
    const local = localConfig(config);
    const namespaces = [config.api.server.nats.namespace, config.job.worker.nats.namespace];
    // The API's token signing key exists before the callout starts: the callout accepts API
    // tokens as NATS credentials.
    const { key } = await loadSigningKey(config, { warn: (m, f) => log.warn(m, f) });
    parts.supervisor = await startNats({ config, log, binary: opts.binary, namespaces });
    if (stopping()) return serve;
    if (config.nats.server.auth.type === "callout") {
      parts.callout = await startCallout(local, log, { signingKey: key });
    }
    if (stopping()) return serve;
    parts.api = await startApi(local, log.child("api"));
    if (stopping()) return serve;
    parts.worker = await startHostWorker(local, log);
    parts.adminToken = await ensureAdminToken(config, key);
    log.info("osapi is ready", {
      api: parts.api.server.url,
      admin_token: await Deno.realPath(parts.adminToken.path),
      worker: parts.worker.hostname,
    });
    return serve;
  } catch (e) {
    await serve.stop(true);
    throw e;
  }
}
