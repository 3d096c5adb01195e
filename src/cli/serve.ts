/**
 * `osapi serve`: everything in one process tree — the supervised nats-server, the auth callout
 * service (when `nats.server.auth.type` is `callout`), the REST API and this host's worker.
 */
import type { Command } from "@commander-js/extra-typings";
import { type ApiService, startApiService } from "../api/service.ts";
import { ensureAdminToken } from "../auth/admin_token.ts";
import { type CalloutService, startCalloutService } from "../auth/callout_service.ts";
import { loadSigningKey } from "../auth/signing_key.ts";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { connectHost } from "../server/admin_identity.ts";
import { resolveNatsServer } from "../server/binary.ts";
import { type NatsSupervisor, startSupervisor } from "../server/supervisor.ts";
import { startWorker, type WorkerHandle } from "../worker/worker.ts";
import { CliError, EXIT_CONFIG, loadFromCli } from "./context.ts";
import { asCliError } from "./nats_server.ts";
import { Shutdown } from "./signals.ts";
import { absolutePath, serveHint } from "./hints.ts";

/**
 * A component's client configuration pointed at the supervised server (its own credentials,
 * TLS and namespace are kept): in `serve` the components always talk to their own nats-server.
 */
export function localClient(config: Config, nats: NatsClientConfig): NatsClientConfig {
  const s = config.nats.server;
  return { ...nats, host: connectHost(s.host), port: s.port, urls: [] };
}

/**
 * With server auth on, a component configured without credentials cannot connect (with
 * `verify_and_map`, its client certificate is its credential).
 */
function checkComponentAuth(config: Config): void {
  const type = config.nats.server.auth.type;
  if (type === "none") return;
  const byCert = (nats: NatsClientConfig) =>
    config.nats.server.tls.verify_and_map && nats.tls.cert_file !== "";
  for (
    const [key, nats] of [["api.server.nats", config.api.server.nats], [
      "job.worker.nats",
      config.job.worker.nats,
    ]] as const
  ) {
    if (nats.auth.type === "none" && !byCert(nats)) {
      throw new CliError(
        `${key}.auth.type is "none" but nats.server.auth.type is "${type}": give the ` +
          `component its own credentials (see docs/security.md)`,
        EXIT_CONFIG,
      );
    }
  }
}

/** The parts `serve` runs, stopped in reverse order of their start. */
interface Parts {
  supervisor?: NatsSupervisor;
  callout?: CalloutService;
  api?: ApiService;
  worker?: WorkerHandle;
}

async function stopParts(parts: Parts, force: boolean, log: Logger): Promise<void> {
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

/** Starts every part; on a failure part-way, stops what already runs and rethrows. */
async function startParts(config: Config, log: Logger, parts: Parts, stopping: () => boolean) {
  checkComponentAuth(config);
  const binary = await resolveNatsServer(config.nats.server, { log });
  log.info("using nats-server", { path: binary.path, version: binary.version });
  const namespaces = [
    ...new Set([config.api.server.nats.namespace, config.job.worker.nats.namespace]),
  ];
  // The API's token signing key exists before the callout starts: the callout accepts API
  // tokens as NATS credentials.
  const { key } = await loadSigningKey(config, { warn: (m, f) => log.warn(m, f) });
  parts.supervisor = await startSupervisor({ config, binary: binary.path, log, namespaces });
  if (stopping()) return;
  if (config.nats.server.auth.type === "callout") {
    const callout = config.nats.server.auth.callout.nats;
    parts.callout = await startCalloutService(
      {
        ...config,
        nats: {
          ...config.nats,
          server: {
            ...config.nats.server,
            auth: {
              ...config.nats.server.auth,
              callout: { ...config.nats.server.auth.callout, nats: localClient(config, callout) },
            },
          },
        },
      },
      log,
      { signingKey: key },
    );
  }
  if (stopping()) return;
  parts.api = await startApiService(
    config,
    log.child("api"),
    localClient(config, config.api.server.nats),
  );
  if (stopping()) return;
  parts.worker = await startWorker(
    {
      ...config,
      job: { worker: { ...config.job.worker, nats: localClient(config, config.job.worker.nats) } },
    },
    { log },
  );
  const token = await ensureAdminToken(config, key);
  log.info("osapi is ready", {
    api: parts.api.server.url,
    admin_token: absolutePath(token.path),
    worker: parts.worker.hostname,
  });
  if (token.created) {
    console.error(serveHint(parts.api.server.url, token.path));
  }
}

/** Registers `serve`. */
export function registerServe(program: Command): void {
  program.command("serve")
    .description(
      "run everything in one process tree: the supervised nats-server, the REST API and this " +
        "host's worker (plus the auth callout service in callout mode)",
    )
    .action(async (_opts, cmd) => {
      const { config, log } = await loadFromCli(cmd);
      const parts: Parts = {};
      // Listening before anything starts: a signal during start-up still stops the child.
      using shutdown = new Shutdown(log);
      shutdown.onStop((force) => stopParts(parts, force, log));
      try {
        await startParts(config, log, parts, () => shutdown.requested);
      } catch (e) {
        await stopParts(parts, true, log);
        throw asCliError(e);
      }
      if (shutdown.requested) {
        // A signal arrived while parts were starting: stop what runs now (stops are idempotent).
        await shutdown.wait();
        await stopParts(parts, false, log);
        return;
      }
      const gaveUp = parts.supervisor!.done.then(() => undefined, (e: unknown) => e);
      const first = await Promise.race([shutdown.signalled.then(() => undefined), gaveUp]);
      if (first !== undefined) {
        await stopParts(parts, true, log);
        throw asCliError(first);
      }
      await shutdown.wait();
    });
}
