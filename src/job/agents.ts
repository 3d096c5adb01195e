/**
 * {@link AgentService} over NATS: agents are the live workers of the registry (with the facts
 * and conditions of their heartbeats) joined with their state in the agent-state bucket.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type AgentView, agentView } from "../core/agent.ts";
import type { AgentService, DrainResult } from "../core/agent_service.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { AgentStates } from "./agent_state.ts";
import { registryKey, WorkerRegistry } from "./registry.ts";

/** The agent service of one namespace. */
export class NatsAgentService implements AgentService {
  readonly #registry: WorkerRegistry;
  readonly #states: AgentStates;

  constructor(nc: NatsConnection, router: SubjectRouter, registryTtlMs: number) {
    this.#registry = new WorkerRegistry(nc, router, registryTtlMs);
    this.#states = new AgentStates(nc, router);
  }

  async list(): Promise<AgentView[]> {
    const [workers, states] = await Promise.all([this.#registry.live(), this.#states.all()]);
    return workers.map((w) => agentView(w, states.get(registryKey(w.hostname))));
  }

  async get(hostname: string): Promise<AgentView | undefined> {
    const key = registryKey(hostname);
    return (await this.list()).find((a) => registryKey(a.hostname) === key);
  }

  async setDrained(hostname: string, drained: boolean, by: string): Promise<DrainResult> {
    const agent = await this.get(hostname);
    if (!agent) return "not_found";
    const before = await this.#states.get(hostname);
    if ((before?.drained === true) === drained) return "unchanged";
    await this.#states.put(hostname, {
      drained,
      updated_at: new Date().toISOString(),
      updated_by: by,
    });
    return "changed";
  }
}
