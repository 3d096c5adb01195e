/** The job model shared by the API and the worker. */
import type { AgentFacts, NodeCondition } from "./agent.ts";
import { OsapiError } from "./errors.ts";

/** Query jobs read the host; modify jobs change it. */
export type JobKind = "query" | "modify";

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
  /**
   * Host, label and `_all` targets: the workers that were live when the job was submitted. A
   * worker not listed skips the job (it was down then, and its consumer kept the message).
   */
  hosts?: string[];
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

/** Every overall job status, in lifecycle order (the one list; counters and schemas use it). */
export const JOB_STATUSES = [
  "submitted",
  "processing",
  "completed",
  "failed",
  "partial_failure",
] as const;

/** Overall job status, computed from its events. */
export type JobStatus = typeof JOB_STATUSES[number];

/** Per-host status events, appended to the job record. */
export type JobEventType =
  | "submitted"
  | "acknowledged"
  | "started"
  | "completed"
  | "failed"
  | "delivery_failed"
  | "retried";

/** One status event of a job (per host where it applies). */
export interface JobEvent {
  type: JobEventType;
  /** Host the event is about (absent for `submitted`). */
  hostname?: string;
  /** ISO 8601 time. */
  time: string;
  /** Error text for `failed` and `delivery_failed`, new job id for `retried`. */
  detail?: string;
}

/** The durable record of a job, as read back from KV. */
export interface JobRecord {
  job: Job;
  status: JobStatus;
  events: JobEvent[];
  results: HostResult[];
}

/** A live worker, from the heartbeat registry. */
export interface WorkerInfo {
  hostname: string;
  labels: Record<string, string>;
  /** ISO 8601 start time. */
  started: string;
  /** ISO 8601 time of the last heartbeat. */
  last_seen: string;
  version: string;
  /** Jobs running on the worker at its last heartbeat. */
  running: number;
  /** The host's facts, collected on an interval (absent until first collected). */
  facts?: AgentFacts;
  /** Conditions derived from the facts. */
  conditions?: NodeCondition[];
  /**
   * Why the agent takes no new jobs (drained, pending, rejected; from the agent-state bucket),
   * set by readers, not stored.
   */
  refused?: { reason: string; hidden: boolean };
}

/** A host the job was not sent to (a drained agent); `error` says why. */
export interface SkippedResult extends Omit<HostResult, "status" | "error"> {
  status: "skipped";
  error: string;
}

/** Outcome of submitting a job and waiting for its results. */
export interface JobRunResult {
  job_id: string;
  status: JobStatus;
  results: (HostResult | SkippedResult)[];
}

/** An operation type no provider knows; the API answers 400 before publishing anything. */
export class OperationError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("operation.unknown", message, options);
  }
}

/**
 * Bad operation input: refused by the operation table's check (job client before publishing,
 * API with 400/422) or by a provider on the host (a failed result, not redelivered).
 */
export class OperationInputError extends OsapiError {
  /** The top-level input field at fault, when one is. */
  readonly field?: string;

  constructor(message: string, field?: string, options?: ErrorOptions) {
    super("operation.input_invalid", message, options);
    if (field !== undefined) this.field = field;
  }
}

/**
 * What the API needs from the job layer. `src/job/` implements it over JetStream; the API
 * depends only on this interface.
 */
export interface JobService {
  /** Checks the target (syntax, live workers), publishes the job and returns it. */
  submit(op: Operation, target: string, submitter: string): Promise<Job>;
  /** Submits and waits for the results (one for `_any`/host, all matching for broadcasts). */
  run(op: Operation, target: string, submitter: string): Promise<JobRunResult>;
  get(id: string): Promise<JobRecord | undefined>;
  list(opts: { status?: JobStatus; limit: number; offset: number }): Promise<{
    items: JobRecord[];
    total: number;
  }>;
  delete(id: string): Promise<boolean>;
  /**
   * Submits a new job linked to `id` (`retry_of`), on `target` when given (else the original
   * job's target); undefined when `id` is unknown.
   */
  retry(id: string, submitter: string, target?: string): Promise<Job | undefined>;
  /** The live workers, from the heartbeat registry. */
  workers(): Promise<WorkerInfo[]>;
  /** Job records by overall status. */
  counts(): Promise<Record<JobStatus, number>>;
  /** Jobs in the dead-letter queue (given up after `max_deliver`). */
  deadLetters(): Promise<number>;
}
