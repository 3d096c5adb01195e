/** The agent service port: what the API asks of the agents (OSAPI's `/api/agent*`). */
import type { AgentView, PendingAgent } from "./agent.ts";

/** The outcome of a drain or undrain. */
export type DrainResult = "changed" | "unchanged" | "not_found";

/** Live agents, their facts and conditions, and their scheduling state. */
export interface AgentService {
  /** The live agents, sorted by host name. */
  list(): Promise<AgentView[]>;
  /** One live agent, or undefined. */
  get(hostname: string): Promise<AgentView | undefined>;
  /** Drains (`true`) or undrains an agent; persisted; `not_found` when it is not live. */
  setDrained(hostname: string, drained: boolean, by: string): Promise<DrainResult>;
  /** Live agents waiting for acceptance (none with `nats.state.auto_accept`). */
  pending(): Promise<PendingAgent[]>;
  /**
   * Accepts (`true`) or rejects a live agent waiting for acceptance (accept also re-admits a
   * rejected one); false when there is none.
   */
  decide(hostname: string, accept: boolean, by: string): Promise<boolean>;
}
