/**
 * The durable side of jobs in KV: the job record (`jobs.<id>`), its append-only status events
 * (`events.<id>.<event-id>`, one key per write, holding one event or several written together)
 * in the job bucket, and the per-host results (`<id>.<host>`) in the response bucket. Status is
 * always computed from the events. The `submitted` event is the record itself: creating the
 * record is the submission, so its event is derived from it (`job.created`) when read.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import {
  type HostResult,
  type Job,
  JOB_STATUSES,
  type JobEvent,
  type JobKind,
  type JobRecord,
  type JobStatus,
} from "../core/job.ts";
import { sanitizeToken } from "../core/targets.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { uuidv7 } from "./ids.ts";
import { computeStatus } from "../core/status.ts";
import { type JetStreamPublisher, publisherFor } from "./publisher.ts";
import {
  decodeJson,
  type DirectBucket,
  encodeJson,
  getJson,
  latestJson,
  lazyDirectBucket,
} from "./store.ts";
import { kvKeySubject, kvStream } from "../nats/subjects.ts";

/** What is stored under `jobs.<id>`: the job and how it was routed. */
export interface StoredJob {
  job: Job;
  kind: JobKind;
  /** The subject the job was published on. */
  subject: string;
  /** Hosts expected to answer (host, label and `_all` targets); absent for `_any`. */
  hosts?: string[];
}

const jobKey = (id: string) => `jobs.${id}`;
const eventPrefix = (id: string) => `events.${id}`;
const resultKey = (id: string, host: string) => `${id}.${sanitizeToken(host, "host name")}`;

/** Reads and writes job records, status events and results of one namespace. */
export class JobRecords {
  /** Read with batched direct gets (no consumer: the API's NATS user may create none). */
  readonly #jobs: () => Promise<DirectBucket>;
  readonly #results: () => Promise<DirectBucket>;
  /** Writes (hot path): acknowledged publishes to the buckets' key subjects. */
  readonly #publisher: JetStreamPublisher;
  readonly #jobBucket: string;
  readonly #responseBucket: string;

  constructor(nc: NatsConnection, router: SubjectRouter) {
    this.#jobs = lazyDirectBucket(nc, router.jobBucket);
    this.#results = lazyDirectBucket(nc, router.responseBucket);
    this.#publisher = publisherFor(nc, router);
    this.#jobBucket = router.jobBucket;
    this.#responseBucket = router.responseBucket;
  }

  /**
   * Stores a new job record (its `submitted` event); fails if the id exists. The write leaves
   * in the caller's tick, so a publish issued right after this call shares its round trip.
   */
  async create(stored: StoredJob): Promise<void> {
    await this.#publisher.create(this.#jobBucket, jobKey(stored.job.id), encodeJson(stored));
  }

  /** Appends one status event (current time unless given). */
  async event(id: string, event: Omit<JobEvent, "time"> & { time?: string }): Promise<void> {
    await this.events(id, [{ ...event, time: event.time ?? new Date().toISOString() }]);
  }

  /** Appends status events in one write (one key), in order. */
  async events(id: string, events: JobEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.#putEvents(id, events);
  }

  #putEvents(id: string, events: JobEvent[]) {
    return this.#publisher.put(
      this.#jobBucket,
      `${eventPrefix(id)}.${uuidv7()}`,
      encodeJson(events.length === 1 ? events[0] : events),
    );
  }

  /**
   * Stores a host's final result and, in one write, the `before` events not stored yet and its
   * `completed` or `failed` event; the two writes are issued together.
   */
  async putResult(id: string, result: HostResult, before: JobEvent[] = []): Promise<void> {
    const final: JobEvent = {
      type: result.status,
      hostname: result.hostname,
      time: new Date().toISOString(),
      ...(result.error !== undefined ? { detail: result.error } : {}),
    };
    await Promise.all([
      this.#publisher.put(
        this.#responseBucket,
        resultKey(id, result.hostname),
        encodeJson(result),
      ),
      this.#putEvents(id, [...before, final]),
    ]);
  }

  /** The stored job (as routed), or undefined. */
  async stored(id: string): Promise<StoredJob | undefined> {
    return getJson<StoredJob>((await this.#jobs()).kv, jobKey(id));
  }

  /**
   * One host's stored result of a job, or undefined. One direct get naming the key in its
   * subject, so a worker fenced to its host may read its own results and no one else's.
   */
  async result(id: string, host: string): Promise<HostResult | undefined> {
    const { jsm } = await this.#results();
    const m = await jsm.direct.getMessage(kvStream(this.#responseBucket), {
      last_by_subj: kvKeySubject(this.#responseBucket, resultKey(id, host)),
    });
    const op = m?.header?.get("KV-Operation");
    if (!m || (op !== "" && op !== undefined && op !== "PUT")) return undefined;
    return decodeJson<HostResult>(m.data);
  }

  /** The full record of one job, or undefined when unknown (or expired). */
  async get(id: string): Promise<JobRecord | undefined> {
    const stored = await this.stored(id);
    if (!stored) return undefined;
    const events = await latestJson<StoredEvents>(await this.#jobs(), `${eventPrefix(id)}.>`);
    const results = await this.#resultsOf([id]);
    return toRecord(stored, events.flatMap((e) => eventList(e.value)), results.get(id) ?? []);
  }

  /** Every job with its events (no results), newest first. */
  async #all(): Promise<{ stored: StoredJob; events: JobEvent[]; status: JobStatus }[]> {
    const entries = await latestJson<unknown>(await this.#jobs(), ">");
    const jobs = new Map<string, StoredJob>();
    const events = new Map<string, JobEvent[]>();
    for (const { key, value } of entries) {
      const [kind, id] = key.split(".");
      if (kind === "jobs") jobs.set(id, value as StoredJob);
      else if (kind === "events") {
        const list = events.get(id) ?? [];
        list.push(...eventList(value as StoredEvents));
        events.set(id, list);
      }
    }
    return [...jobs.entries()]
      .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
      .map(([id, stored]) => {
        const ev = events.get(id) ?? [];
        return { stored, events: ev, status: computeStatus(ev, stored.hosts) };
      });
  }

  /** A page of jobs, newest first, optionally only those with `status`. */
  async list(
    opts: { status?: JobStatus; limit: number; offset: number },
  ): Promise<{ items: JobRecord[]; total: number }> {
    const all = (await this.#all()).filter((j) => !opts.status || j.status === opts.status);
    const page = all.slice(Math.max(0, opts.offset), Math.max(0, opts.offset) + opts.limit);
    const results = await this.#resultsOf(page.map((j) => j.stored.job.id));
    return {
      items: page.map((j) => toRecord(j.stored, j.events, results.get(j.stored.job.id) ?? [])),
      total: all.length,
    };
  }

  /** How many jobs are in each status. */
  async counts(): Promise<Record<JobStatus, number>> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<
      JobStatus,
      number
    >;
    for (const j of await this.#all()) counts[j.status]++;
    return counts;
  }

  /** Removes a job's record, events and results; false when the job is unknown. */
  async delete(id: string): Promise<boolean> {
    const jobs = await this.#jobs();
    if (!(await this.stored(id))) return false;
    for (const e of await latestJson<unknown>(jobs, `${eventPrefix(id)}.>`)) {
      await jobs.kv.purge(e.key);
    }
    const results = await this.#results();
    for (const r of await latestJson<unknown>(results, `${id}.>`)) await results.kv.purge(r.key);
    await jobs.kv.purge(jobKey(id));
    return true;
  }

  async #resultsOf(ids: string[]): Promise<Map<string, HostResult[]>> {
    const out = new Map<string, HostResult[]>();
    if (ids.length === 0) return out;
    const entries = await latestJson<HostResult>(
      await this.#results(),
      ids.map((id) => `${id}.>`),
    );
    for (const { key, value } of entries) {
      const id = key.slice(0, key.indexOf("."));
      const list = out.get(id) ?? [];
      list.push(value);
      out.set(id, list);
    }
    for (const list of out.values()) list.sort((a, b) => a.hostname.localeCompare(b.hostname));
    return out;
  }
}

/** What one event key holds: one event, or several written together. */
type StoredEvents = JobEvent | JobEvent[];

const eventList = (v: StoredEvents): JobEvent[] => (Array.isArray(v) ? v : [v]);

function toRecord(stored: StoredJob, events: JobEvent[], results: HostResult[]): JobRecord {
  // the record is the submission; records written before that was so carry their own event
  const all = events.some((e) => e.type === "submitted")
    ? events
    : [{ type: "submitted" as const, time: stored.job.created }, ...events];
  const sorted = [...all].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return {
    job: stored.job,
    status: computeStatus(sorted, stored.hosts),
    events: sorted,
    results,
  };
}
