/**
 * What the worker keeps of its agent state: its facts (collected every
 * `job.worker.facts.interval`, with the conditions derived from them) and whether it may take
 * new jobs: not when an operator drained or rejected it, nor while it waits for acceptance
 * (`nats.state.auto_accept` off). The state is read from the agent-state bucket at start, then
 * heard on the key's subject, where every put of the key is published.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import {
  type AgentFacts,
  type AgentStateRecord,
  type ConditionThresholds,
  evaluateConditions,
  type NodeCondition,
  refusal,
} from "../core/agent.ts";
import { AgentStates } from "../job/agent_state.ts";
import { registryKey } from "../job/registry.ts";
import { decodeJson } from "../job/store.ts";
import type { Logger } from "../log.ts";
import { kvKeySubject, type SubjectRouter } from "../nats/subjects.ts";
import { collectFacts } from "./facts.ts";

/** The host's facts, refreshed on an interval. */
export class FactsReporter {
  #facts: AgentFacts | undefined;
  #conditions: NodeCondition[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #collecting: Promise<void> = Promise.resolve();

  constructor(
    readonly intervalMs: number,
    readonly thresholds: ConditionThresholds,
    readonly log: Logger,
    readonly collect: () => Promise<AgentFacts> = collectFacts,
  ) {}

  /** Collects once (a failure is logged: facts are informative), then every interval. */
  async start(): Promise<void> {
    await this.#refresh();
    this.#timer = setInterval(() => {
      this.#collecting = this.#collecting.then(() => this.#refresh());
    }, Math.max(1000, this.intervalMs));
  }

  async #refresh(): Promise<void> {
    try {
      const facts = await this.collect();
      this.#conditions = evaluateConditions(facts, this.thresholds, this.#conditions);
      this.#facts = facts;
    } catch (e) {
      this.log.warn("collecting facts failed", { error: (e as Error).message });
    }
  }

  /** The latest facts and conditions (empty before the first collection). */
  current(): { facts?: AgentFacts; conditions?: NodeCondition[] } {
    return this.#facts ? { facts: this.#facts, conditions: this.#conditions } : {};
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#collecting;
  }
}

/** Whether this worker takes new jobs, kept current from the agent-state bucket. */
export class AgentStateWatch {
  #drained = false;
  #reason = "";
  #sub: Subscription | undefined;
  #waiters: (() => void)[] = [];

  /** `onChange` runs after each change (e.g. an immediate heartbeat). */
  constructor(
    readonly nc: NatsConnection,
    readonly router: SubjectRouter,
    readonly hostname: string,
    readonly log: Logger,
    readonly autoAccept: boolean,
    readonly onChange: (drained: boolean) => void = () => {},
  ) {}

  /** True while the worker takes no new jobs (drained, pending or rejected). */
  get drained(): boolean {
    return this.#drained;
  }

  /** Subscribes to changes, then reads the stored state (so no change is missed). */
  async start(): Promise<void> {
    const subject = kvKeySubject(this.router.stateBucket, registryKey(this.hostname));
    this.#sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const op = msg.headers?.get("KV-Operation");
        const rec = op === "DEL" || op === "PURGE"
          ? undefined
          : decodeJson<AgentStateRecord>(msg.data);
        this.#set(rec);
      },
    });
    const stored = await new AgentStates(this.nc, this.router).get(this.hostname);
    this.#set(stored);
  }

  #set(rec: AgentStateRecord | undefined): void {
    const reason = refusal(rec, this.autoAccept)?.reason ?? "";
    if (reason === this.#reason) return;
    this.#reason = reason;
    const drained = reason !== "";
    this.#drained = drained;
    this.log.info(drained ? `${reason}: taking no new jobs` : "agent takes jobs", {
      hostname: this.hostname,
    });
    if (!drained) { for (const w of this.#waiters.splice(0)) w(); }
    this.onChange(drained);
  }

  /** Resolves when the worker is not drained, or when `signal` aborts. */
  whenUndrained(signal: AbortSignal): Promise<void> {
    if (!this.#drained || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve();
      };
      this.#waiters.push(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  stop(): void {
    this.#sub?.unsubscribe();
    for (const w of this.#waiters.splice(0)) w();
  }
}
