/**
 * The job client: {@link JobService} over JetStream. Checks the operation and the target against
 * the live workers, stores the record, publishes the job on the target's subject and (for `run`)
 * collects the results on the fast path.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import type { Config } from "../config/schema.ts";
import { formatDuration } from "../config/units.ts";
import type { Logger } from "../log.ts";
import { kvKeysWildcard, type SubjectRouter } from "../nats/subjects.ts";
import { type OperationCheck, operationChecks, OPERATIONS } from "../core/operations/mod.ts";
import {
  type HostResult,
  type Job,
  type JobRecord,
  type JobRunResult,
  type JobService,
  type JobStatus,
  type Operation,
  OperationError,
  type SkippedResult,
  type WorkerInfo,
} from "../core/job.ts";
import { type ResolvedTarget, resolveTarget, TargetError } from "../core/targets.ts";
import { uuidv7 } from "./ids.ts";
import { JobRecords, type StoredJob } from "./records.ts";
import { WorkerRegistry } from "./registry.ts";
import { AgentStates, withStates } from "./agent_state.ts";
import { DRAINED } from "../core/agent.ts";
import { ResultWaiter } from "./results.ts";
import { statusOfResults } from "../core/status.ts";
import { type JetStreamPublisher, publisherFor } from "./publisher.ts";
import { encodeJson } from "./store.ts";
import { errorMessage } from "../core/errors.ts";

/** Options of {@link createJobClient}. */
export interface JobClientOptions {
  /**
   * The known operation types, their kinds and input checks (default: the operation table,
   * {@link OPERATIONS}; tests add their own types).
   */
  operations?: ReadonlyMap<string, OperationCheck>;
}

/** {@link JobService} plus what tests and tools need on top. */
export interface JobClient extends JobService {
  readonly router: SubjectRouter;
}

/** Builds the job client of one namespace on an open connection. */
export function createJobClient(
  nc: NatsConnection,
  config: Config,
  router: SubjectRouter,
  log: Logger,
  opts: JobClientOptions = {},
): JobClient {
  return new JetStreamJobClient(nc, config, router, log, opts.operations ?? SHIPPED);
}

/** The checks of the shipped operation table. */
const SHIPPED = operationChecks(OPERATIONS);

/** Longest time a live-worker list is reused for `_any` targets (capped by ttl/3, a beat). */
export const LIVE_CACHE_MS = 1000;

class JetStreamJobClient implements JobClient {
  readonly #publisher: JetStreamPublisher;
  #jsm: Promise<JetStreamManager> | undefined;
  readonly #records: JobRecords;
  readonly #registry: WorkerRegistry;
  readonly #states: AgentStates;
  readonly #liveCacheMs: number;
  #live: { at: number; workers: Promise<WorkerInfo[]> } | undefined;

  constructor(
    readonly nc: NatsConnection,
    readonly config: Config,
    readonly router: SubjectRouter,
    readonly log: Logger,
    readonly operations: ReadonlyMap<string, OperationCheck>,
  ) {
    this.#publisher = publisherFor(nc, router);
    this.#records = new JobRecords(nc, router);
    this.#registry = new WorkerRegistry(nc, router, config.nats.registry.ttl);
    this.#states = new AgentStates(nc, router);
    // a drain or undrain (by any API instance) makes the cached list stale at once
    nc.subscribe(kvKeysWildcard(router.stateBucket), { callback: () => (this.#live = undefined) });
    this.#liveCacheMs = Math.min(LIVE_CACHE_MS, Math.floor(config.nats.registry.ttl / 3));
  }

  /**
   * The live workers with their drain state (registry and agent-state bucket read in
   * parallel), read at most once per {@link LIVE_CACHE_MS} (shared by concurrent callers) when
   * `cached`; always read afresh otherwise.
   */
  #liveWorkers(cached: boolean): Promise<WorkerInfo[]> {
    const now = Date.now();
    if (cached && this.#live && now - this.#live.at < this.#liveCacheMs) return this.#live.workers;
    const workers = Promise.all([this.#registry.live(now), this.#states.all()])
      .then(([live, states]) => withStates(live, states, this.config.nats.state.auto_accept));
    this.#live = { at: now, workers };
    workers.catch(() => {
      if (this.#live?.workers === workers) this.#live = undefined;
    });
    return workers;
  }

  /**
   * Resolves a target against the live workers. `_any` may use a list up to a heartbeat old
   * (it needs only some live worker; a stale one is like a worker dying after the check); a
   * refusal is always re-checked afresh. Host, label and `_all` targets read the registry:
   * they decide who must answer.
   */
  async #resolve(target: string): Promise<ResolvedTarget & { skipped: Skipped[] }> {
    const t = target.trim();
    if (t !== "" && t !== "_any") return eligible(target, await this.#liveWorkers(false));
    try {
      return eligible(target, await this.#liveWorkers(true));
    } catch (e) {
      if (!(e instanceof TargetError)) throw e;
      return eligible(target, await this.#liveWorkers(false));
    }
  }

  /** Checks operation and target, then builds the job and its routing; publishes nothing. */
  async #prepare(op: Operation, target: string, submitter: string, retryOf?: string) {
    const spec = this.operations.get(op?.type);
    if (!spec) {
      throw new OperationError(
        `unknown operation type ${JSON.stringify(op?.type)}; known types: ${
          [...this.operations.keys()].sort().join(", ")
        }`,
      );
    }
    spec.validate(op.data ?? {}); // OperationInputError before anything is published
    // e.g. a password replaced by its hash: what is stored and published
    const data = spec.prepare ? await spec.prepare(op.data ?? {}) : op.data ?? {};
    const resolved = await this.#resolve(target);
    const hosts = resolved.target.type === "any"
      ? undefined
      : resolved.workers.map((w) => w.hostname);
    const job: Job = {
      id: uuidv7(),
      operation: { type: op.type, data },
      target: target.trim() === "" ? "_any" : target.trim(),
      created: new Date().toISOString(),
      submitter,
      ...(retryOf ? { retry_of: retryOf } : {}),
      ...(hosts ? { hosts } : {}),
    };
    const stored: StoredJob = {
      job,
      kind: spec.kind,
      subject: this.router.job(spec.kind, resolved.target),
      ...(hosts ? { hosts } : {}),
    };
    const single = resolved.target.type === "any" || resolved.target.type === "host";
    return { stored, single, skipped: resolved.skipped };
  }

  /**
   * Stores the record (its `submitted` event) and publishes the job in one round trip; the job
   * is accepted only when both are stored. A failed publish removes the record again; a failed
   * record removes the published job from the stream (unless a worker took it already), so an
   * error answer leaves nothing behind.
   */
  async #publish(stored: StoredJob): Promise<void> {
    const id = stored.job.id;
    const [record, published] = await Promise.allSettled([
      this.#records.create(stored),
      this.#publisher.publishJob(stored.subject, id, encodeJson(stored.job)),
    ]);
    if (published.status === "rejected") {
      if (record.status === "fulfilled") {
        await this.#records.delete(id).catch((e) =>
          this.log.warn("removing the record of an unpublished job failed", {
            job_id: id,
            error: errorMessage(e),
          })
        );
      }
      throw published.reason;
    }
    if (record.status === "rejected") {
      await this.#manager()
        .then((jsm) => jsm.streams.deleteMessage(published.value.stream, published.value.seq))
        .catch((e) =>
          this.log.warn("removing a published job without a record failed; a worker may run it", {
            job_id: id,
            error: errorMessage(e),
          })
        );
      throw record.reason;
    }
    this.log.debug("job published", {
      job_id: id,
      type: stored.job.operation.type,
      subject: stored.subject,
    });
  }

  async submit(op: Operation, target: string, submitter: string): Promise<Job> {
    const { stored } = await this.#prepare(op, target, submitter);
    await this.#publish(stored);
    return stored.job;
  }

  async run(op: Operation, target: string, submitter: string): Promise<JobRunResult> {
    const { stored, single, skipped } = await this.#prepare(op, target, submitter);
    const waiter = new ResultWaiter(this.nc, this.router, stored.job.id, this.log);
    try {
      await this.#publish(stored);
    } catch (e) {
      waiter.close();
      throw e;
    }
    const { timeout, quiet_period } = this.config.api.server.jobs;
    const results = await waiter.collect({
      expectedHosts: single ? undefined : stored.hosts,
      quietMs: quiet_period,
      timeoutMs: timeout,
    });
    // Hosts that did not answer in time get a failed entry, so a caller can tell "no answer"
    // from "no result"; the job itself stays queued and may still complete (GET /job/{id}).
    const answered = new Set(results.map((r) => r.hostname));
    const silentHosts = single
      ? (results.length === 0 ? [stored.hosts?.[0] ?? ""] : [])
      : (stored.hosts ?? []).filter((h) => !answered.has(h));
    const noAnswer = `no answer within ${formatDuration(timeout)}; the job may still complete ` +
      `(GET /job/${stored.job.id})`;
    const all = [
      ...results,
      ...silentHosts.map((hostname): HostResult => ({
        hostname,
        status: "failed",
        error: noAnswer,
      })),
      ...skipped.map(({ hostname, reason }): SkippedResult => ({
        hostname,
        status: "skipped",
        error: reason,
      })),
    ];
    const status = all.length > 0
      ? statusOfResults(all)
      : (await this.#records.get(stored.job.id))?.status ?? "submitted";
    return { job_id: stored.job.id, status, results: all };
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.#records.get(id);
  }

  list(opts: { status?: JobStatus; limit: number; offset: number }) {
    return this.#records.list(opts);
  }

  delete(id: string): Promise<boolean> {
    return this.#records.delete(id);
  }

  async retry(id: string, submitter: string, target?: string): Promise<Job | undefined> {
    const old = await this.#records.stored(id);
    if (!old) return undefined;
    const on = target ?? old.job.target;
    const { stored } = await this.#prepare(old.job.operation, on, submitter, id);
    await this.#publish(stored);
    await this.#records.event(id, { type: "retried", detail: stored.job.id });
    return stored.job;
  }

  /** The live workers as `GET /job/workers` shows them (facts are `GET /api/agent`'s). */
  workers(): Promise<WorkerInfo[]> {
    return this.#registry.live();
  }

  counts(): Promise<Record<JobStatus, number>> {
    return this.#records.counts();
  }

  async deadLetters(): Promise<number> {
    const jsm = await this.#manager();
    return (await jsm.streams.info(this.router.dlqStream)).state.messages;
  }

  #manager(): Promise<JetStreamManager> {
    this.#jsm ??= jetstreamManager(this.nc, { checkAPI: false });
    return this.#jsm;
  }
}

/**
 * Resolves `target` against the workers that take jobs; `skipped` lists the matching ones that
 * do not (drained, pending acceptance) with the reason. Rejected agents are left out silently;
 * a host target naming an agent that takes no jobs is refused with the reason.
 */
function eligible(target: string, workers: WorkerInfo[]): ResolvedTarget & { skipped: Skipped[] } {
  const all = resolveTarget(target, workers);
  const refused = all.workers.filter((w) => w.refused);
  if (refused.length === 0) return { ...all, skipped: [] };
  const why = (w: WorkerInfo) => w.refused!.reason;
  if (all.target.type === "host") {
    const hint = why(refused[0]) === DRAINED ? "; undrain it first" : "";
    throw new TargetError(`host ${JSON.stringify(all.target.host)}: ${why(refused[0])}${hint}`);
  }
  const ready = all.workers.filter((w) => !w.refused);
  if (ready.length === 0) {
    throw new TargetError(
      `no live worker may run a job for target ${JSON.stringify(target.trim() || "_any")}: ` +
        refused.map((w) => `${w.hostname}: ${why(w)}`).join(", "),
    );
  }
  const skipped = all.target.type === "any" ? [] : refused
    .filter((w) => !w.refused!.hidden)
    .map((w) => ({ hostname: w.hostname, reason: why(w) }));
  return { ...all, workers: ready, skipped };
}

/** A host that matched a target but takes no jobs. */
interface Skipped {
  hostname: string;
  reason: string;
}
