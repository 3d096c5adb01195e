/**
 * {@link AgentService} over NATS: agents are the live workers of the registry (with the facts
 * and conditions of their heartbeats) joined with their state in the agent-state bucket.
 * Rejected agents are left out of the lists; with `nats.state.auto_accept` off, agents without
 * a decision are pending.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import {
  type AgentStateRecord,
  type AgentView,
  agentView,
  isPending,
  type PendingAgent,
} from "../core/agent.ts";
import type { AgentService, DrainResult } from "../core/agent_service.ts";
import type { WorkerInfo } from "../core/job.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { AgentStates } from "./agent_state.ts";
import { registryKey, WorkerRegistry } from "./registry.ts";

/** Options of {@link NatsAgentService}. */
export interface AgentServiceOptions {
  /** `nats.registry.ttl` in ms. */
  registryTtlMs: number;
  /** `nats.state.auto_accept`. */
  autoAccept: boolean;
}

/** The agent service of one namespace. */
export class NatsAgentService implements AgentService {
  readonly #registry: WorkerRegistry;
  readonly #states: AgentStates;

  constructor(nc: NatsConnection, router: SubjectRouter, readonly opts: AgentServiceOptions) {
    this.#registry = new WorkerRegistry(nc, router, opts.registryTtlMs);
    this.#states = new AgentStates(nc, router);
  }

  /** Live workers with their state, rejected ones left out. */
  async #agents(): Promise<{ worker: WorkerInfo; state?: AgentStateRecord }[]> {
    const [workers, states] = await Promise.all([
      this.#registry.liveWithFacts(),
      this.#states.all(),
    ]);
    return workers
      .map((worker) => ({ worker, state: states.get(registryKey(worker.hostname)) }))
      .filter((a) => a.state?.enrollment !== "rejected");
  }

  async #one(hostname: string) {
    const key = registryKey(hostname);
    return (await this.#agents()).find((a) => registryKey(a.worker.hostname) === key);
  }

  async list(): Promise<AgentView[]> {
    return (await this.#agents()).map((a) => agentView(a.worker, a.state, this.opts.autoAccept));
  }

  async get(hostname: string): Promise<AgentView | undefined> {
    const a = await this.#one(hostname);
    return a && agentView(a.worker, a.state, this.opts.autoAccept);
  }

  async #update(hostname: string, change: Partial<AgentStateRecord>, by: string) {
    const before = await this.#states.get(hostname);
    await this.#states.put(hostname, {
      drained: false,
      ...before,
      ...change,
      updated_at: new Date().toISOString(),
      updated_by: by,
    });
  }

  async setDrained(hostname: string, drained: boolean, by: string): Promise<DrainResult> {
    const a = await this.#one(hostname);
    if (!a) return "not_found";
    if ((a.state?.drained === true) === drained) return "unchanged";
    await this.#update(hostname, { drained }, by);
    return "changed";
  }

  async pending(): Promise<PendingAgent[]> {
    return (await this.#agents())
      .filter((a) => isPending(a.state, this.opts.autoAccept))
      .map(({ worker }) => ({
        machine_id: worker.facts?.machine_id ?? "",
        hostname: worker.hostname,
        fingerprint: "",
        requested_at: worker.started,
      }));
  }

  async decide(hostname: string, accept: boolean, by: string): Promise<boolean> {
    const key = registryKey(hostname);
    const live = (await this.#registry.live()).find((w) => registryKey(w.hostname) === key);
    if (!live) return false;
    const state = await this.#states.get(hostname);
    const waiting = isPending(state, this.opts.autoAccept) ||
      (accept && state?.enrollment === "rejected");
    if (!waiting) return false;
    await this.#update(hostname, { enrollment: accept ? "accepted" : "rejected" }, by);
    return true;
  }
}
