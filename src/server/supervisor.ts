/**
 * The nats-server supervisor: renders the configuration to `<data_dir>/nats/nats-server.conf`
 * (0600), runs the preflight checks, spawns nats-server, waits for
 * `/healthz?js-enabled-only=true`, forwards its log lines (`[nats-server]`), calls its ready hook
 * after every (re)start (the composition root ensures the streams and buckets there: the
 * supervisor knows nothing of jobs), restarts it with exponential backoff when it exits
 * unexpectedly (giving up after `max_restarts` within `restart_window`), and stops it with
 * SIGTERM or lame duck mode, then SIGKILL after a grace period. It never calls `Deno.exit`.
 */
import { delay } from "@nats-io/nats-core";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import { ensurePrivateDir, writeSecretFile } from "../config/paths.ts";
import type { Logger } from "../log.ts";
import {
  adminClientConfig,
  type AdminIdentity,
  adminPublicKey,
  connectHost,
  loadOrCreateAdminIdentity,
  namespaceAdminKeys,
} from "./admin_identity.ts";
import { configFilePath, natsStateDir, pidFilePath } from "../config/state_layout.ts";
import { preflight } from "./check.ts";
import { removePidFile, stopStaleServer, writePidFile } from "./pid_file.ts";
import { hostPort, type RenderedConfig, renderServerConfig } from "./render.ts";
import { OsapiError } from "../core/errors.ts";

/** The supervisor could not start nats-server, or gave up restarting it. */
export class SupervisorError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("server.supervisor", message, options);
  }
}

/** Options of {@link startSupervisor}. */
export interface SupervisorOptions {
  config: Config;
  /** Path of the nats-server binary (from `resolveNatsServer`). */
  binary: string;
  log: Logger;
  /**
   * Namespaces of the components using this server besides the configured users' (with
   * `isolation: account` each gets its own account and admin key).
   */
  namespaces?: string[];
  /** Milliseconds between SIGTERM (or the end of lame duck) and SIGKILL (default 10 s). */
  stopGrace?: number;
  /**
   * Awaited after every ready with the number of restarts so far (0: first start). A failure on
   * the first start stops the server and fails the start; after a restart it is logged (the
   * server keeps running; the next restart calls the hook again).
   */
  onReady?: (restarts: number, ready: ReadyContext) => void | Promise<void>;
  /** Awaited when a stop begins, before nats-server is stopped (e.g. services using it). */
  onStop?: () => Promise<void>;
  /**
   * The auth configuration text for `operator`/`callout` auth, built from the supervisor's
   * identity by the NATS auth modules (`nats_auth/auth_fragment.ts`); the server does not know
   * them. Required for those auth types.
   */
  authFragment?: (identity: AdminIdentity) => Promise<string | undefined>;
}

/** What the ready hook is given besides the restart count. */
export interface ReadyContext {
  /** The supervisor's own identity (the only one allowed to create streams and buckets). */
  readonly identity: AdminIdentity;
  /** True once a stop was requested: a hook retrying something should give up. */
  stopping(): boolean;
}

/** A running supervised nats-server. */
export interface NatsSupervisor {
  /** The rendered configuration file. */
  readonly configFile: string;
  /** The supervisor's own identity, and a client configuration connecting with it. */
  readonly identity: AdminIdentity;
  readonly clientConfig: NatsClientConfig;
  /** The monitoring URL, when the monitoring port is enabled. */
  readonly monitorUrl: string | undefined;
  /** Process id of the current nats-server (undefined while restarting or stopped). */
  pid(): number | undefined;
  /** Restarts after unexpected exits so far. */
  restarts(): number;
  /** Resolves after {@link stop}; rejects with a {@link SupervisorError} when it gave up. */
  readonly done: Promise<void>;
  /** Stops nats-server (SIGTERM or lame duck, SIGKILL after the grace period). Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A spawned nats-server process with its log pumps. */
interface Running {
  child: Deno.ChildProcess;
  status: Promise<Deno.CommandStatus>;
  pumps: Promise<void>;
  /** The last log lines, for error messages. */
  tail: string[];
}

const LEVELS: Record<string, "debug" | "info" | "warn" | "error"> = {
  TRC: "debug",
  DBG: "debug",
  INF: "info",
  WRN: "warn",
  ERR: "error",
  FTL: "error",
};
const LOG_LINE = /^\[\d+\]\s+\S+\s+\S+\s+\[([A-Z]{3})\]\s+(.*)$/;
const TAIL_LINES = 20;
const MAX_BACKOFF = 30_000;

/** Forwards one stream of nats-server output to the logger, line by line. */
async function pumpLines(
  stream: ReadableStream<Uint8Array>,
  log: Logger,
  tail: string[],
): Promise<void> {
  let buffer = "";
  const emit = (line: string) => {
    if (line.trim() === "") return;
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    const m = LOG_LINE.exec(line);
    if (m) log.log(LEVELS[m[1]] ?? "info", m[2]);
    else log.info(line);
  };
  try {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        emit(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    }
  } catch { /* the stream ends with the process */ }
  emit(buffer);
}

class Supervisor implements NatsSupervisor {
  readonly configFile: string;
  readonly clientConfig: NatsClientConfig;
  readonly monitorUrl: string | undefined;
  readonly done: Promise<void>;
  #resolveDone!: () => void;
  #rejectDone!: (e: Error) => void;
  #running: Running | undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #restartTimes: number[] = [];
  #restarts = 0;
  #wake: (() => void) | undefined;
  #nlog: Logger;
  #http: Deno.HttpClient | undefined;
  #onUnload = () => {
    try {
      this.#running?.child.kill("SIGTERM");
    } catch { /* already gone */ }
  };

  constructor(
    readonly opts: SupervisorOptions,
    readonly identity: AdminIdentity,
    configFile: string,
  ) {
    const s = opts.config.nats.server;
    this.configFile = configFile;
    this.clientConfig = adminClientConfig(opts.config, identity);
    this.monitorUrl = s.http_port !== 0
      ? `${s.monitor_tls ? "https" : "http"}://${hostPort(connectHost(s.host), s.http_port)}`
      : undefined;
    this.#nlog = opts.log.child("nats-server");
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.done.catch(() => {}); // a give-up is reported to whoever awaits `done`
  }

  pid(): number | undefined {
    return this.#running?.child.pid;
  }

  restarts(): number {
    return this.#restarts;
  }

  get #config(): Config {
    return this.opts.config;
  }

  #spawn(): Running {
    const child = new Deno.Command(this.opts.binary, {
      args: ["-c", this.configFile],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      // Its own session: a terminal's Ctrl-C reaches osapi, which then stops nats-server.
      detached: true,
    }).spawn();
    const tail: string[] = [];
    const pumps = Promise.all([
      pumpLines(child.stdout, this.#nlog, tail),
      pumpLines(child.stderr, this.#nlog, tail),
    ]).then(() => {});
    this.opts.log.debug("nats-server spawned", { pid: child.pid });
    writePidFile(pidFilePath(this.#config), child.pid).catch((e) =>
      this.opts.log.warn("cannot write the nats-server pid file", { error: (e as Error).message })
    );
    return { child, status: child.status, pumps, tail };
  }

  /** Waits until the server is ready; throws when it exits first or the timeout passes. */
  async #waitReady(r: Running): Promise<void> {
    const timeout = this.#config.nats.server.ready_timeout;
    const deadline = Date.now() + timeout;
    let exited: Deno.CommandStatus | undefined;
    r.status.then((s) => exited = s);
    let last = "";
    while (Date.now() < deadline) {
      if (exited) {
        await r.pumps;
        throw new SupervisorError(
          `nats-server exited before it was ready (${describeStatus(exited)}):\n  ${
            r.tail.join("\n  ")
          }`,
        );
      }
      try {
        if (await this.#probe()) return;
        last = "not ready";
      } catch (e) {
        last = (e as Error).message;
      }
      await delay(50);
    }
    throw new SupervisorError(
      `nats-server was not ready within ${timeout} ms (nats.server.ready_timeout): ${last}`,
    );
  }

  /** One readiness probe: healthz with JetStream, or the client port without monitoring. */
  async #probe(): Promise<boolean> {
    if (this.monitorUrl) {
      this.#http ??= await monitorHttpClient(this.#config);
      const res = await fetch(`${this.monitorUrl}/healthz?js-enabled-only=true`, {
        client: this.#http,
      });
      await res.body?.cancel();
      return res.ok;
    }
    const s = this.#config.nats.server;
    const conn = await Deno.connect({ hostname: connectHost(s.host), port: s.port });
    conn.close();
    return true;
  }

  /** The ready hook with this supervisor's context. */
  #ready(): Promise<void> {
    const ctx: ReadyContext = { identity: this.identity, stopping: () => this.#stopping };
    return Promise.resolve(this.opts.onReady?.(this.#restarts, ctx));
  }

  /** Spawns, waits for ready and runs the ready hook; kills the child on failure. */
  async #startOnce(): Promise<Running> {
    const r = this.#spawn();
    this.#running = r;
    try {
      await this.#waitReady(r);
      if (this.#restarts === 0) await this.#ready();
    } catch (e) {
      await this.#kill(r);
      this.#running = undefined;
      throw e;
    }
    if (this.#restarts > 0) {
      // After a restart the server keeps running even if this fails; the next restart retries.
      await this.#ready().catch((e) => this.opts.log.error((e as Error).message));
    }
    this.opts.log.info("nats-server ready", {
      pid: r.child.pid,
      url: `nats://${
        hostPort(connectHost(this.#config.nats.server.host), this.#config.nats.server.port)
      }`,
      restarts: this.#restarts,
    });
    this.#watch(r);
    return r;
  }

  async start(): Promise<void> {
    globalThis.addEventListener("unload", this.#onUnload);
    try {
      await this.#startOnce();
    } catch (e) {
      globalThis.removeEventListener("unload", this.#onUnload);
      throw e;
    }
  }

  #watch(r: Running): void {
    r.status.then(async (status) => {
      if (this.#stopping || this.#running !== r) return;
      await r.pumps;
      this.#running = undefined;
      await this.#restartLoop(status, r.tail.slice(-5));
    });
  }

  async #restartLoop(status: Deno.CommandStatus, tail: string[]): Promise<void> {
    const s = this.#config.nats.server;
    let last = `nats-server exited unexpectedly (${describeStatus(status)})` +
      (tail.length > 0 ? `; its last lines:\n  ${tail.join("\n  ")}` : "");
    for (;;) {
      if (this.#stopping) return;
      this.opts.log.error(last);
      const now = Date.now();
      this.#restartTimes = this.#restartTimes.filter((t) => now - t < s.restart_window);
      if (this.#restartTimes.length >= s.max_restarts) {
        this.#giveUp(
          `nats-server exited unexpectedly and was restarted ${this.#restartTimes.length} ` +
            `times within ${s.restart_window} ms (nats.server.max_restarts ${s.max_restarts}, ` +
            `nats.server.restart_window); giving up. Last: ${last}`,
        );
        return;
      }
      const backoff = Math.min(s.restart_backoff * 2 ** this.#restartTimes.length, MAX_BACKOFF);
      this.#restartTimes.push(now);
      this.opts.log.info("restarting nats-server", { in_ms: backoff });
      const wait = delay(backoff);
      this.#wake = () => wait.cancel();
      await wait;
      this.#wake = undefined;
      if (this.#stopping) return;
      this.#restarts++;
      try {
        await this.#startOnce();
        return;
      } catch (e) {
        last = (e as Error).message;
      }
    }
  }

  #giveUp(message: string): void {
    this.opts.log.error(message);
    globalThis.removeEventListener("unload", this.#onUnload);
    this.#stopping = true;
    this.#rejectDone(new SupervisorError(message));
  }

  /** SIGTERM (or lame duck), then SIGKILL after the grace period; waits for the exit. */
  async #kill(r: Running, graceful = false): Promise<void> {
    const s = this.#config.nats.server;
    const grace = this.opts.stopGrace ?? 10_000;
    let exited = false;
    r.status.then(() => exited = true);
    const signal = (sig: Deno.Signal) => {
      try {
        r.child.kill(sig);
      } catch { /* already gone */ }
    };
    if (graceful && s.lame_duck > 0) {
      this.opts.log.info("nats-server entering lame duck mode", { duration_ms: s.lame_duck });
      signal("SIGUSR2");
    } else signal("SIGTERM");
    const wait = graceful && s.lame_duck > 0 ? s.lame_duck + grace : grace;
    const timer = setTimeout(() => {
      if (!exited) {
        this.opts.log.warn("nats-server did not stop in time; killing it", { pid: r.child.pid });
        signal("SIGKILL");
      }
    }, wait);
    await r.status;
    clearTimeout(timer);
    await r.pumps;
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping = true;
      this.#wake?.();
      await this.opts.onStop?.().catch((e) =>
        this.opts.log.warn("stopping a service of nats-server failed", {
          error: (e as Error).message,
        })
      );
      const r = this.#running;
      this.#running = undefined;
      if (r) await this.#kill(r, true);
      this.#http?.close();
      globalThis.removeEventListener("unload", this.#onUnload);
      await removePidFile(pidFilePath(this.#config));
      this.opts.log.info("nats-server stopped");
      this.#resolveDone();
    })();
    return this.#stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

function describeStatus(s: Deno.CommandStatus): string {
  return s.signal ? `signal ${s.signal}` : `exit code ${s.code}`;
}

/**
 * The HTTP client for the monitoring port when it serves HTTPS (`nats.server.monitor_tls`): it
 * trusts `nats.server.tls.ca_file` besides the system CAs (nats-server's monitoring asks for no
 * client certificate, even with `verify`). Undefined for plain HTTP.
 */
export async function monitorHttpClient(config: Config): Promise<Deno.HttpClient | undefined> {
  const s = config.nats.server;
  if (!s.monitor_tls) return undefined;
  const caCerts = s.tls.ca_file !== "" ? [await Deno.readTextFile(s.tls.ca_file)] : undefined;
  return Deno.createHttpClient({ caCerts });
}

/** Options of {@link renderNatsConfig}. */
export interface RenderNatsOptions {
  /** Namespaces besides the configured users' (see {@link SupervisorOptions.namespaces}). */
  namespaces?: string[];
  /** Builds the auth text for `operator`/`callout` auth from the identity (see above). */
  authFragment?: (identity: AdminIdentity) => Promise<string | undefined>;
}

/**
 * The one place the renderer's options are assembled: loads (or creates) the admin identity and
 * the namespaces' admin keys and renders `nats-server.conf`. Notices (e.g. hashed plaintext
 * passwords) are logged once.
 */
export async function renderNatsConfig(
  config: Config,
  log: Logger,
  opts: RenderNatsOptions = {},
): Promise<{ identity: AdminIdentity; rendered: RenderedConfig }> {
  const identity = await loadOrCreateAdminIdentity(config, log);
  const rendered = await renderServerConfig(config, {
    adminPublicKey: adminPublicKey(identity),
    namespaceAdminKeys: await namespaceAdminKeys(config, opts.namespaces ?? [], log),
    authFragment: await opts.authFragment?.(identity),
  });
  for (const n of rendered.notices) log.warn(n);
  return { identity, rendered };
}

/**
 * Renders, checks and starts nats-server; resolves once it is ready and its ready hook is done.
 */
export async function startSupervisor(opts: SupervisorOptions): Promise<NatsSupervisor> {
  const { config, log } = opts;
  const { identity, rendered } = await renderNatsConfig(config, log, opts);
  await ensurePrivateDir(natsStateDir(config));
  const file = configFilePath(config);
  // A nats-server orphaned by a killed osapi holds the ports: stop it first.
  await stopStaleServer(pidFilePath(config), file, log);
  await writeSecretFile(file, rendered.text);
  await preflight(config, opts.binary, file);
  const sup = new Supervisor(opts, identity, file);
  await sup.start();
  return sup;
}
