/**
 * The agent-state bucket: what an operator set on an agent (drain), under its sanitised host
 * name, kept until changed (no TTL), so a restarted worker keeps its state.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type AgentStateRecord, refusal } from "../core/agent.ts";
import type { WorkerInfo } from "../core/job.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { registryKey } from "./registry.ts";
import { type DirectBucket, encodeJson, getJson, latestJson, lazyDirectBucket } from "./store.ts";

/** Reads and writes agent states of one namespace. */
export class AgentStates {
  readonly #bucket: () => Promise<DirectBucket>;

  constructor(nc: NatsConnection, router: SubjectRouter) {
    this.#bucket = lazyDirectBucket(nc, router.stateBucket);
  }

  /** Every stored state by sanitised host name. */
  async all(): Promise<Map<string, AgentStateRecord>> {
    const entries = await latestJson<AgentStateRecord>(await this.#bucket());
    return new Map(entries.map((e) => [e.key, e.value]));
  }

  /** The state of one host, or undefined. */
  async get(hostname: string): Promise<AgentStateRecord | undefined> {
    return await getJson<AgentStateRecord>((await this.#bucket()).kv, registryKey(hostname));
  }

  /** Stores the state of one host. */
  async put(hostname: string, state: AgentStateRecord): Promise<void> {
    await (await this.#bucket()).kv.put(registryKey(hostname), encodeJson(state));
  }
}

/** `workers` with `refused` set from `states` (see {@link refusal}). */
export function withStates(
  workers: WorkerInfo[],
  states: Map<string, AgentStateRecord>,
  autoAccept: boolean,
): WorkerInfo[] {
  return workers.map((w) => {
    const refused = refusal(states.get(registryKey(w.hostname)), autoAccept);
    return refused ? { ...w, refused } : w;
  });
}
