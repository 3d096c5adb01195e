/**
 * The API audit log over NATS: one KV entry per authenticated request in the audit bucket,
 * keyed by a uuid v7 so that key order is time order. Entries hold who, what and how it went;
 * never the Authorization header or request bodies. Implements the API's {@link AuditLog} port.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { AuditEntry, AuditLog, AuditPage } from "../api/ports.ts";
import type { Logger } from "../log.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { uuidv7 } from "../job/ids.ts";
import { publisherFor } from "../job/publisher.ts";
import { type DirectBucket, latestJson, lazyDirectBucket, type StoredValue } from "../job/store.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** How long entries are gathered before they are written together (one socket write). */
export const AUDIT_BATCH_MS = 5;
/** Entries gathered at most before they are written at once. */
export const AUDIT_BATCH_MAX = 256;

/** Reads and writes the audit bucket of one namespace. */
export class NatsAuditLog implements AuditLog {
  /** Read with direct gets only (no consumer: the API's NATS user may create none). */
  readonly #bucket: () => Promise<DirectBucket>;
  readonly #pending = new Set<Promise<void>>();
  /** Entries waiting for the next batch write. */
  #batch: AuditEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly router: SubjectRouter,
    private readonly log: Logger,
  ) {
    this.#bucket = lazyDirectBucket(nc, router.auditBucket);
  }

  /**
   * Stores an entry (id assigned here) in the background: entries are gathered for up to
   * {@link AUDIT_BATCH_MS} and written together; {@link flush} writes and waits for them.
   */
  record(entry: Omit<AuditEntry, "id">): string {
    const id = uuidv7();
    this.#batch.push({ id, ...entry });
    if (this.#batch.length >= AUDIT_BATCH_MAX) this.#writeBatch();
    else this.#timer ??= setTimeout(() => this.#writeBatch(), AUDIT_BATCH_MS);
    return id;
  }

  /** Issues the gathered entries' writes together (one socket write). */
  #writeBatch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    const publisher = publisherFor(this.nc, this.router);
    const bucket = this.router.auditBucket;
    const p = Promise.all(
      batch.map((e) =>
        publisher.put(bucket, e.id, encoder.encode(JSON.stringify(e))).then(() => {}, (err) => {
          this.log.error("audit write failed", { id: e.id, error: (err as Error).message });
        })
      ),
    ).then(() => {}).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /** Writes the gathered entries now and waits for every background write. */
  async flush(): Promise<void> {
    this.#writeBatch();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Every entry, oldest first (keys are uuid v7: key order is time order). */
  async #entries(): Promise<StoredValue<AuditEntry>[]> {
    const entries = await latestJson<AuditEntry>(await this.#bucket());
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** One entry, or undefined. */
  async get(id: string): Promise<AuditEntry | undefined> {
    const { kv } = await this.#bucket();
    const e = await kv.get(id);
    if (!e || e.operation !== "PUT") return undefined;
    return JSON.parse(decoder.decode(e.value)) as AuditEntry;
  }

  /** A page of entries, newest first. */
  async list(limit: number, offset: number): Promise<AuditPage> {
    const entries = (await this.#entries()).reverse();
    const items = entries.slice(offset, offset + limit).map((e) => e.value);
    return { total_items: entries.length, items };
  }

  /** Every entry, oldest first. */
  async *export(): AsyncGenerator<AuditEntry> {
    for (const e of await this.#entries()) yield e.value;
  }
}
