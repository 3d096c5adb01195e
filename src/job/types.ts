/** The job model shared by the API and the worker. */

/** Query jobs read the host; modify jobs change it. */
export type { JobKind } from "../nats/subjects.ts";

/** What a job does: a provider operation type and its input. */
export interface Operation {
  /** Provider operation type, e.g. `system.hostname.get`. */
  type: string;
  /** Provider input (validated by the provider). */
  data: Record<string, unknown>;
}

/** A job as published on JetStream. */
export interface Job {
  /** UUID v7. */
  id: string;
  operation: Operation;
  /** Target in user syntax: `_any`, `_all`, a host name or `key:value`. */
  target: string;
  /** ISO 8601 creation time. */
  created: string;
  /** Subject (user) that submitted the job. */
  submitter: string;
  /** Id of the job this one retries, if any. */
  retry_of?: string;
}

/** The outcome of a job on one host. */
export interface HostResult {
  hostname: string;
  status: "completed" | "failed";
  /** Provider output (when completed). */
  data?: unknown;
  /** Error message (when failed). */
  error?: string;
  /** Modify operations: whether the host was changed. */
  changed?: boolean;
  /** Worker run time in milliseconds. */
  duration_ms?: number;
}

/** Overall job status, computed from its events. */
export type JobStatus = "submitted" | "processing" | "completed" | "failed" | "partial_failure";

/** Per-host status events, appended to the job record. */
export type JobEventType =
  | "submitted"
  | "acknowledged"
  | "started"
  | "completed"
  | "failed"
  | "retried";
