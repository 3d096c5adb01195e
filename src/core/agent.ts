/**
 * Agents (OSAPI's name for workers): the facts a worker reports with its heartbeat, the node
 * conditions derived from them, the scheduling state an operator sets (drain), and the agent
 * view of `GET /api/agent*` built from a registry entry and its state, and enrollment: with
 * `nats.state.auto_accept` off, an agent takes jobs only once accepted. Pure: no I/O.
 */
import type { WorkerInfo } from "./job.ts";

/** One network interface of a host. */
export interface InterfaceFact {
  name: string;
  ipv4?: string;
  ipv6?: string;
  mac?: string;
  family?: "inet" | "inet6" | "dual";
}

/** One IPv4 route (OSAPI's RouteResponse fields). */
export interface RouteFact {
  destination: string;
  gateway: string;
  interface: string;
  /** CIDR suffix, e.g. `/24`. */
  mask: string;
  metric: number;
  flags: string;
}

/** What a worker collects about its host on an interval (cheap reads of /proc and Deno). */
export interface AgentFacts {
  /** ISO 8601 time the facts were collected. */
  collected_at: string;
  /** /etc/machine-id (empty when absent). */
  machine_id: string;
  os_info: { distribution: string; version: string };
  kernel_version: string;
  architecture: string;
  cpu_count: number;
  cpu_model?: string;
  fqdn: string;
  /** Seconds since boot. */
  uptime_seconds: number;
  load_average: { "1min": number; "5min": number; "15min": number };
  memory: { total: number; free: number; used: number };
  /** Root file system usage in bytes (absent when it cannot be read). */
  disk?: { total: number; used: number };
  interfaces: InterfaceFact[];
  /** The interface of the default route. */
  primary_interface?: string;
  /** IPv4 routes (/proc/net/route). */
  routes?: RouteFact[];
  service_mgr?: string;
  package_mgr?: string;
}

/** The condition types OSAPI evaluates. */
export type ConditionType = "MemoryPressure" | "HighLoad" | "DiskPressure";

/** One evaluated node condition. */
export interface NodeCondition {
  type: ConditionType;
  status: boolean;
  reason?: string;
  /** ISO 8601 time the status last changed. */
  last_transition_time: string;
}

/** Thresholds of the conditions (`job.worker.conditions`). */
export interface ConditionThresholds {
  /** Memory used, in percent of total, at or above which MemoryPressure is true. */
  memory_pressure_threshold: number;
  /** 1-minute load above `cpu_count * high_load_multiplier` is HighLoad. */
  high_load_multiplier: number;
  /** Root file system used, in percent, at or above which DiskPressure is true. */
  disk_pressure_threshold: number;
}

const percent = (part: number, total: number) => total > 0 ? (part / total) * 100 : 0;

/**
 * The conditions of `facts`; a condition keeps its `last_transition_time` from `previous`
 * while its status is unchanged.
 */
export function evaluateConditions(
  facts: AgentFacts,
  t: ConditionThresholds,
  previous: readonly NodeCondition[] = [],
  now = facts.collected_at,
): NodeCondition[] {
  const mem = percent(facts.memory.used, facts.memory.total);
  const limit = facts.cpu_count * t.high_load_multiplier;
  const load = facts.load_average["1min"];
  const disk = facts.disk ? percent(facts.disk.used, facts.disk.total) : undefined;
  const evaluated: Omit<NodeCondition, "last_transition_time">[] = [
    {
      type: "MemoryPressure",
      status: mem >= t.memory_pressure_threshold,
      reason: `memory ${mem.toFixed(1)}% used (threshold ${t.memory_pressure_threshold}%)`,
    },
    {
      type: "HighLoad",
      status: load > limit,
      reason: `load ${load.toFixed(2)} (threshold ${limit.toFixed(2)}: ${facts.cpu_count} CPUs x ` +
        `${t.high_load_multiplier})`,
    },
    {
      type: "DiskPressure",
      status: disk !== undefined && disk >= t.disk_pressure_threshold,
      reason: disk === undefined
        ? "root file system usage unknown"
        : `root file system ${disk.toFixed(1)}% used (threshold ${t.disk_pressure_threshold}%)`,
    },
  ];
  return evaluated.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    const since = before && before.status === c.status ? before.last_transition_time : now;
    return { ...c, last_transition_time: since };
  });
}

/** The state an operator set on an agent, kept in the agent-state bucket (persistent). */
export interface AgentStateRecord {
  /** Drained: takes no new jobs. */
  drained: boolean;
  /** Enrollment decided by an operator (absent: pending, unless auto-accepted). */
  enrollment?: "accepted" | "rejected";
  /** ISO 8601 time of the last change. */
  updated_at: string;
  /** Who changed it (token subject). */
  updated_by?: string;
}

/** A fact key of `GET /api/facts/keys`. */
export interface FactKey {
  key: string;
  description: string;
  builtin: boolean;
}

/** The built-in fact keys: the fields of {@link AgentFacts} (dotted for nested ones). */
export const FACT_KEYS: readonly FactKey[] = [
  ["os.distribution", "Linux distribution name"],
  ["os.version", "distribution version"],
  ["kernel_version", "kernel release"],
  ["architecture", "CPU architecture"],
  ["cpu_count", "number of logical CPUs"],
  ["cpu_model", "CPU model name"],
  ["fqdn", "fully qualified host name"],
  ["uptime", "time since boot"],
  ["load_average.1min", "load average over 1 minute"],
  ["load_average.5min", "load average over 5 minutes"],
  ["load_average.15min", "load average over 15 minutes"],
  ["memory.total", "total memory in bytes"],
  ["memory.free", "available memory in bytes"],
  ["memory.used", "used memory in bytes"],
  ["disk.total", "root file system size in bytes"],
  ["disk.used", "root file system bytes used"],
  ["interfaces", "network interfaces and their addresses"],
  ["interface.primary", "interface of the default route"],
  ["routes", "IPv4 routing table"],
  ["service_mgr", "init system"],
  ["package_mgr", "package manager"],
  ["labels", "labels configured on the agent"],
].map(([key, description]) => ({ key, description, builtin: true }));

/** `3d 4h 5m` from seconds. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : `${m}m`;
}

/** Scheduling state of an agent (OSAPI's values). */
export type AgentSchedulingState = "Ready" | "Draining" | "Cordoned" | "Pending";

/** The agent view of `GET /api/agent*` (OSAPI's AgentInfo fields osapi knows). */
export interface AgentView {
  machine_id?: string;
  /** Empty: osapi has no agent PKI (identities are NATS users; see docs/security.md). */
  fingerprint: string;
  hostname: string;
  status: "Ready" | "NotReady";
  state: AgentSchedulingState;
  labels: Record<string, string>;
  registered_at: string;
  started_at: string;
  version: string;
  running: number;
  os_info?: AgentFacts["os_info"];
  uptime?: string;
  load_average?: AgentFacts["load_average"];
  memory?: AgentFacts["memory"];
  architecture?: string;
  kernel_version?: string;
  cpu_count?: number;
  fqdn?: string;
  service_mgr?: string;
  package_mgr?: string;
  interfaces?: InterfaceFact[];
  primary_interface?: string;
  routes?: RouteFact[];
  facts?: Record<string, unknown>;
  conditions?: NodeCondition[];
}

/**
 * The agent view of a live registry entry and its state: `Draining` while a drained agent still
 * runs jobs, `Cordoned` once it runs none.
 */
export function agentView(
  w: WorkerInfo,
  state: AgentStateRecord | undefined,
  autoAccept: boolean,
): AgentView {
  const f = w.facts;
  const drained = state?.drained === true;
  const scheduling: AgentSchedulingState = isPending(state, autoAccept)
    ? "Pending"
    : drained
    ? (w.running > 0 ? "Draining" : "Cordoned")
    : "Ready";
  return {
    ...(f?.machine_id ? { machine_id: f.machine_id } : {}),
    fingerprint: "",
    hostname: w.hostname,
    status: "Ready",
    state: scheduling,
    labels: w.labels,
    registered_at: w.last_seen,
    started_at: w.started,
    version: w.version,
    running: w.running,
    ...(f
      ? {
        os_info: f.os_info,
        uptime: formatUptime(f.uptime_seconds),
        load_average: f.load_average,
        memory: f.memory,
        architecture: f.architecture,
        kernel_version: f.kernel_version,
        cpu_count: f.cpu_count,
        fqdn: f.fqdn,
        ...(f.service_mgr ? { service_mgr: f.service_mgr } : {}),
        ...(f.package_mgr ? { package_mgr: f.package_mgr } : {}),
        interfaces: f.interfaces,
        ...(f.primary_interface ? { primary_interface: f.primary_interface } : {}),
        ...(f.routes ? { routes: f.routes } : {}),
        facts: {
          collected_at: f.collected_at,
          ...(f.cpu_model ? { cpu_model: f.cpu_model } : {}),
          uptime_seconds: f.uptime_seconds,
          ...(f.disk ? { disk: f.disk } : {}),
        },
      }
      : {}),
    ...(w.conditions ? { conditions: w.conditions } : {}),
  };
}

/** Why a drained agent gets no new jobs (in answers and errors). */
export const DRAINED = "agent is drained";
/** Why an agent not accepted yet gets no jobs. */
export const PENDING = "agent is pending acceptance";
/** Why a rejected agent gets no jobs. */
export const REJECTED = "agent is rejected";

/** True when the agent waits for acceptance (auto-accept off, no decision yet). */
export function isPending(state: AgentStateRecord | undefined, autoAccept: boolean): boolean {
  return !autoAccept && state?.enrollment === undefined;
}

/**
 * Why an agent takes no new jobs, or undefined when it takes them. `hidden`: a rejected agent,
 * left out of agent lists and of `_all`/label answers.
 */
export function refusal(
  state: AgentStateRecord | undefined,
  autoAccept: boolean,
): { reason: string; hidden: boolean } | undefined {
  if (state?.enrollment === "rejected") return { reason: REJECTED, hidden: true };
  if (isPending(state, autoAccept)) return { reason: PENDING, hidden: false };
  if (state?.drained === true) return { reason: DRAINED, hidden: false };
  return undefined;
}

/** An agent waiting for acceptance (OSAPI's PendingAgentInfo). */
export interface PendingAgent {
  machine_id: string;
  hostname: string;
  /** Empty: no agent PKI. */
  fingerprint: string;
  /** When the agent started asking (its worker's start). */
  requested_at: string;
}
