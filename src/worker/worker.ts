/**
 * The worker: connects, ensures the namespace's resources and its consumers, pulls jobs from
 * them with at most `max_jobs` in flight, heartbeats into the registry, and drains cleanly.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type Consumer, jetstream, jetstreamManager, type JsMsg } from "@nats-io/jetstream";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { connectNats, serverUrls } from "../nats/connect.ts";
import { ensureOrVerifyResources, routerFor } from "../nats/resources.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { JobRecords } from "../job/records.ts";
import { WorkerRegistry } from "../job/registry.ts";
import type { WorkerInfo } from "../core/job.ts";
import { VERSION } from "../version.ts";
import { ensureWorkerConsumers } from "./consumers.ts";
import { dispatchJob, giveBack } from "./dispatch.ts";
import { Heartbeat } from "./heartbeat.ts";
import { AgentStateWatch, FactsReporter } from "./agent_watch.ts";
import { loadProviders, type Provider } from "./providers/mod.ts";
import { Slots } from "./slots.ts";
import { OsapiError } from "../core/errors.ts";
import { natsFileFetch } from "../files/object_store.ts";
import { natsDeploymentLog } from "../files/deployments.ts";

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  log: Logger;
  /** Use this connection instead of connecting with `job.worker.nats` (it is not closed). */
  nc?: NatsConnection;
  /** Providers by operation type (default: every shipped provider). */
  providers?: Map<string, Provider>;
  /** Pull request expiry in ms (>= 1000); bounds how long a drain waits for idle pulls. */
  fetchExpiresMs?: number;
  /** The providers' root directory (default "/"; tests give a temporary one). */
  root?: string;
}

/** A running worker. */
export interface WorkerHandle {
  readonly hostname: string;
  readonly labels: Record<string, string>;
  readonly router: SubjectRouter;
  /** Jobs running now. */
  running(): number;
  /**
   * Drains: stops fetching, finishes and acks in-flight jobs, deregisters, closes its own
   * connection. With `abort`, in-flight providers are signalled to stop first.
   */
  stop(opts?: { abort?: boolean }): Promise<void>;
  /** Settles when the worker has stopped. */
  readonly stopped: Promise<void>;
}

/** The host name a worker answers for: `job.worker.hostname` or the system host name. */
export function workerHostname(config: Config): string {
  return config.job.worker.hostname.trim() || Deno.hostname();
}

/** Starts a worker; resolves once it is registered and pulling jobs. */
export async function startWorker(config: Config, opts: WorkerOptions): Promise<WorkerHandle> {
  const wc = config.job.worker;
  const hostname = workerHostname(config);
  const labels = { ...wc.labels };
  const log = opts.log.child("worker");
  const router = routerFor(config, wc.nats.namespace);
  const providers = opts.providers ?? await loadProviders();
  const ownConnection = !opts.nc;
  const nc = opts.nc ?? await connectWorker(config, log);
  try {
    const jsm = await jetstreamManager(nc);
    const ensure = async () => {
      await ensureOrVerifyResources(nc, config, router, log);
      return ensureWorkerConsumers(jsm, nc, config, router, hostname, labels);
    };
    const names = await ensure();
    const js = jetstream(nc);
    const consumers = await Promise.all(names.map((n) => js.consumers.get(router.stream, n)));
    const worker = new Worker({
      hostname,
      labels,
      router,
      nc,
      ownConnection,
      log,
      slots: new Slots(wc.max_jobs),
      fetchExpiresMs: Math.max(1000, opts.fetchExpiresMs ?? 2000),
      dispatch: {
        hostname,
        providers,
        records: new JobRecords(nc, router),
        nc,
        js,
        router,
        consumer: wc.consumer,
        signal: new AbortController().signal,
        log,
        root: opts.root ?? "/",
        files: natsFileFetch(nc, router),
        deployments: natsDeploymentLog(nc, router, hostname),
        ...(config.nats.kv.ttl > 0 ? { maxJobAgeMs: config.nats.kv.ttl } : {}),
      },
      registry: new WorkerRegistry(nc, router, config.nats.registry.ttl),
      facts: new FactsReporter(wc.facts.interval, wc.conditions, log),
      autoAccept: config.nats.state.auto_accept,
      anyConsumers: new Set((["query", "modify"] as const).map((k) => router.anyConsumer(k))),
      recover: () => ensure().then(() => {}),
    });
    await worker.start(consumers, names);
    log.info("worker started", {
      hostname,
      labels,
      namespace: router.namespace,
      max_jobs: wc.max_jobs,
      consumers: names,
    });
    return worker;
  } catch (e) {
    if (ownConnection) await nc.close().catch(() => {});
    throw e;
  }
}

/** Connects with `job.worker.nats`; the error names the servers (credentials in URLs masked). */
async function connectWorker(config: Config, log: Logger): Promise<NatsConnection> {
  const nats = config.job.worker.nats;
  try {
    return await connectNats(nats, log, { exitOnFatalClose: true });
  } catch (e) {
    const servers = serverUrls(nats).map((u) => u.replace(/\/\/[^/@]*@/, "//***@")).join(", ");
    throw new OsapiError(
      "nats.unavailable",
      `cannot connect to NATS at ${servers} (job.worker.nats): ${(e as Error).message}`,
      { cause: e },
    );
  }
}

interface WorkerParts {
  hostname: string;
  labels: Record<string, string>;
  router: SubjectRouter;
  nc: NatsConnection;
  ownConnection: boolean;
  log: Logger;
  slots: Slots;
  fetchExpiresMs: number;
  dispatch: Parameters<typeof dispatchJob>[1];
  registry: WorkerRegistry;
  facts: FactsReporter;
  /** Names of the shared `_any` consumers (a drained worker does not pull from them). */
  anyConsumers: ReadonlySet<string>;
  /** `nats.state.auto_accept`: off, the worker waits for acceptance before taking jobs. */
  autoAccept: boolean;
  /** Re-creates the stream, buckets and consumers (after a fetch failed, e.g. one was deleted). */
  recover: () => Promise<void>;
}

class Worker implements WorkerHandle {
  readonly hostname: string;
  readonly labels: Record<string, string>;
  readonly router: SubjectRouter;
  readonly stopped: Promise<void>;
  readonly #p: WorkerParts;
  readonly #abort = new AbortController();
  /** Aborted when draining starts (wakes paused loops). */
  readonly #halt = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #started = new Date().toISOString();
  readonly #heartbeat: Heartbeat;
  readonly #agentState: AgentStateWatch;
  #loops: Promise<void>[] = [];
  #stopping = false;
  #resolveStopped: () => void = () => {};
  #stopPromise: Promise<void> | undefined;
  #recovering: Promise<void> | undefined;

  constructor(parts: WorkerParts) {
    this.#p = parts;
    this.hostname = parts.hostname;
    this.labels = parts.labels;
    this.router = parts.router;
    this.#p.dispatch = { ...parts.dispatch, signal: this.#abort.signal };
    this.#heartbeat = new Heartbeat(parts.registry, () => this.#info(), parts.log);
    this.#agentState = new AgentStateWatch(
      parts.nc,
      parts.router,
      parts.hostname,
      parts.log,
      parts.autoAccept,
      () => this.#heartbeat.beat(),
    );
    this.stopped = new Promise((r) => (this.#resolveStopped = r));
  }

  #info(): WorkerInfo {
    return {
      hostname: this.hostname,
      labels: this.labels,
      started: this.#started,
      last_seen: new Date().toISOString(),
      version: VERSION,
      running: this.running(),
      ...this.#p.facts.current(),
    };
  }

  running(): number {
    return this.#inFlight.size;
  }

  /** Starts the pull loops, then registers (so targets resolve only once consumers exist). */
  async start(consumers: Consumer[], names: string[]): Promise<void> {
    await Promise.all([this.#agentState.start(), this.#p.facts.start()]);
    this.#loops = consumers.map((c, i) => this.#loop(c, this.#p.anyConsumers.has(names[i])));
    await this.#heartbeat.start();
  }

  /**
   * Pulls batches of up to `max_jobs` jobs from one consumer (one pull request per batch, not
   * per job) and runs each as a slot frees; a job waiting for a slot keeps its delivery alive.
   */
  async #loop(consumer: Consumer, shared: boolean): Promise<void> {
    const { slots, log, fetchExpiresMs } = this.#p;
    while (!this.#stopping) {
      // drained (or pending, rejected): no pulls from the shared `_any` queues, so the other
      // workers get those jobs
      if (shared && this.#agentState.drained) {
        await this.#agentState.whenUndrained(this.#halt.signal);
        continue;
      }
      // Pull only while a slot is free, but take the slot only for a job that arrived: idle
      // pulls on quiet consumers must not hold slots a busy consumer could use.
      if (!(await slots.whenFree())) break;
      try {
        const iter = await consumer.fetch({ max_messages: slots.size, expires: fetchExpiresMs });
        const givenBack: JsMsg[] = [];
        try {
          for await (const msg of iter) {
            // drained while this pull was open (the `_any` job goes back to the other workers),
            // or draining (another worker, or the next start, takes it at once)
            if (shared && this.#agentState.drained) givenBack.push(msg);
            else if (await this.#takeSlot(msg)) this.#run(msg);
            else givenBack.push(msg);
          }
        } finally {
          // only once this pull ended: while it is open, the server would hand a nak'd job
          // straight back to it, again and again until it expires
          for (const msg of givenBack) giveBack(msg);
        }
      } catch (e) {
        if (this.#stopping) break;
        log.warn("fetching jobs failed; retrying", { error: (e as Error).message });
        await this.#pause(1000);
        if (!this.#stopping) await this.#recover();
      }
    }
  }

  /**
   * Takes a slot for a job that arrived (other consumers may have taken the last free one
   * meanwhile); while it waits, the job's ack deadline is extended so it is not redelivered.
   */
  async #takeSlot(msg: JsMsg): Promise<boolean> {
    const every = Math.max(1000, this.#p.dispatch.consumer.ack_wait / 2);
    const keepAlive = setInterval(() => msg.working(), every);
    try {
      return await this.#p.slots.acquire();
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** One shared recovery attempt at a time; failures are logged and retried on the next error. */
  #recover(): Promise<void> {
    this.#recovering ??= this.#p.recover()
      .catch((e) =>
        this.#p.log.warn("re-creating consumers failed", { error: (e as Error).message })
      )
      .finally(() => (this.#recovering = undefined));
    return this.#recovering;
  }

  #run(msg: JsMsg): void {
    const p = dispatchJob(msg, this.#p.dispatch).finally(() => {
      this.#inFlight.delete(p);
      this.#p.slots.release();
    });
    this.#inFlight.add(p);
  }

  /** Waits `ms`, or less when the worker starts draining. */
  #pause(ms: number): Promise<void> {
    const halt = this.#halt.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        halt.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, ms);
      halt.addEventListener("abort", done, { once: true });
    });
  }

  stop(opts: { abort?: boolean } = {}): Promise<void> {
    if (opts.abort) this.#abort.abort();
    this.#stopPromise ??= this.#drain();
    return this.#stopPromise;
  }

  async #drain(): Promise<void> {
    const { log, slots, nc } = this.#p;
    this.#stopping = true;
    this.#halt.abort();
    slots.close();
    log.info("worker draining", { hostname: this.hostname, running: this.running() });
    this.#agentState.stop();
    await Promise.all(this.#loops); // pending pulls expire; what they bring still runs
    await this.#p.facts.stop();
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
    try {
      await this.#heartbeat.stop();
    } catch (e) {
      log.warn("deregistration failed", { error: (e as Error).message });
    }
    if (this.#p.ownConnection) await nc.drain().catch(() => nc.close());
    log.info("worker stopped", { hostname: this.hostname });
    this.#resolveStopped();
  }
}
