/**
 * The interfaces the API depends on — and nothing else of the backends: a job service, a
 * health service and an audit log. The NATS-backed implementations live outside `src/api/`
 * (`src/job/client.ts`, `src/health/nats_health.ts`, `src/audit/nats_audit_log.ts`); the
 * composition root (`src/runtime/`) wires them.
 */
export type { JobService } from "../core/job.ts";
export type { AgentService, DrainResult } from "../core/agent_service.ts";
export type { FileService } from "../core/files.ts";
import type { SecurityInfo } from "../core/security.ts";

/** The outcome of one check: ok, or what is wrong. */
export type Check = { ok: true } | { ok: false; error: string };

/** Statistics of one JetStream stream. */
export interface StreamStats {
  name: string;
  messages: number;
  bytes: number;
  consumers: number;
}

/** Statistics of one KV bucket. */
export interface BucketStats {
  name: string;
  keys: number;
  bytes: number;
}

/** What `/health/status` reports of the backend. */
export interface BackendStatus {
  /** The connection answers. */
  nats: Check;
  /** The server connected to (when the connection answers). */
  server?: { url: string; version: string };
  /** Reading the statistics below (absent when the connection does not answer). */
  jetstream?: Check;
  /** The jobs stream and the dead-letter stream. */
  streams?: StreamStats[];
  kv_buckets?: BucketStats[];
  /** Messages in the dead-letter stream, when known. */
  dlq?: number;
}

/** Readiness and status of the backend the API runs on. */
export interface HealthService {
  /**
   * Readiness: the backend answers and the streams and buckets exist. Cheap to call on every
   * probe (implementations cache it and share one check between concurrent callers).
   */
  ready(): Promise<Check>;
  /** Whether the connection answers now (bounded in time). */
  connection(): Promise<Check>;
  /** Components and statistics for `/health/status`. */
  status(): Promise<BackendStatus>;
  /**
   * Why the backend cannot serve requests now (e.g. NATS reconnecting), or why `error` means
   * it is away; undefined when it can. The API then answers 503 with `Retry-After`.
   */
  unavailable(error?: unknown): string | undefined;
}

/** One audited request (field names as OSAPI's). */
export interface AuditEntry {
  id: string;
  /**
   * The credential id of the NATS user that wrote the entry, read from the entry's key (which
   * NATS permissions fence), never from its body; `legacy` for entries from before writers.
   */
  writer?: string;
  /** ISO 8601 time the request was received. */
  timestamp: string;
  /** Token subject. */
  user: string;
  roles: string[];
  method: string;
  path: string;
  /** Method and OpenAPI route template, e.g. `GET /job/{id}`. */
  operation_id?: string;
  source_ip: string;
  response_code: number;
  duration_ms: number;
}

/** A page of audit entries, newest first. */
export interface AuditPage {
  total_items: number;
  items: AuditEntry[];
}

/** The API audit log: one entry per authenticated request, never headers or bodies. */
export interface AuditLog {
  /** Stores an entry in the background; returns its id (key order is time order). */
  record(entry: Omit<AuditEntry, "id" | "writer">): string;
  /** Waits for every background write. */
  flush(): Promise<void>;
  /** One entry, or undefined. */
  get(id: string): Promise<AuditEntry | undefined>;
  /** A page of entries, newest first. */
  list(limit: number, offset: number): Promise<AuditPage>;
  /** Every entry, oldest first. */
  export(): AsyncIterable<AuditEntry>;
}

/** The health of an API without a backend connection: never ready. */
export const NO_BACKEND: HealthService = {
  ready: () => Promise.resolve({ ok: false, error: "no NATS connection" }),
  connection: () => Promise.resolve({ ok: false, error: "no NATS connection" }),
  status: () => Promise.resolve({ nats: { ok: false, error: "no NATS connection" } }),
  unavailable: () => undefined,
};

/** The security overview of `GET /security` (names and public keys only). */
export interface SecurityService {
  /** The overview; `signingKey` checks the admin token's expiry. */
  info(signingKey: string): Promise<SecurityInfo>;
}
