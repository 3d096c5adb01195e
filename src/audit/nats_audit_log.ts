/**
 * The API audit log over NATS: one KV entry per authenticated request in the audit bucket,
 * keyed `<writer>.<id>`: the writer is the credential id of the API's NATS connection
 * (src/nats/credential_id.ts) and the id a uuid v7 (id order is time order). NATS permissions
 * let each api credential write only keys under its own writer id (src/nats/permissions.ts),
 * so the writer read back from the key, never from the body, names who wrote an entry; a forged
 * entry is attributed to the credential that forged it. Entries written before writers were
 * recorded (key `<id>`) read as writer {@link LEGACY_WRITER}. Entries hold who, what and how it
 * went; never the Authorization header or request bodies. Implements the API's
 * {@link AuditLog} port.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { AuditEntry, AuditLog, AuditPage } from "../api/ports.ts";
import type { Logger } from "../log.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { uuidv7 } from "../job/ids.ts";
import { publisherFor } from "../job/publisher.ts";
import { type DirectBucket, latestJson, lazyDirectBucket, type StoredValue } from "../job/store.ts";

const encoder = new TextEncoder();

/** How long entries are gathered before they are written together (one socket write). */
export const AUDIT_BATCH_MS = 5;
/** Entries gathered at most before they are written at once. */
export const AUDIT_BATCH_MAX = 256;

/** The writer reported for entries keyed by their id alone (written before writers were recorded). */
export const LEGACY_WRITER = "legacy";

/** The writer id used when none is given: the credential every client shares (no auth, a token). */
export const SHARED_WRITER = "shared";

/** The key of an entry: `<writer>.<id>`. */
export function auditKey(writer: string, id: string): string {
  return `${writer}.${id}`;
}

/** The writer and id of an audit key (`<writer>.<id>`, or a legacy `<id>`). */
export function parseAuditKey(key: string): { writer: string; id: string } {
  const dot = key.lastIndexOf(".");
  return dot < 0
    ? { writer: LEGACY_WRITER, id: key }
    : { writer: key.slice(0, dot), id: key.slice(dot + 1) };
}

/** An entry as stored under `key`, its id and writer taken from the key. */
function fromKey(key: string, value: AuditEntry): AuditEntry {
  const { writer, id } = parseAuditKey(key);
  return { ...value, id, writer };
}

/** Reads and writes the audit bucket of one namespace. */
export class NatsAuditLog implements AuditLog {
  /** Read with direct gets only (no consumer: the API's NATS user may create none). */
  readonly #bucket: () => Promise<DirectBucket>;
  readonly #pending = new Set<Promise<void>>();
  /** Entries waiting for the next batch write. */
  #batch: AuditEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `writer`: the credential id of `nc` (`credentialId` of what it presented; the one its NATS
   * permissions let it write audit keys under).
   */
  constructor(
    private readonly nc: NatsConnection,
    private readonly router: SubjectRouter,
    private readonly log: Logger,
    readonly writer: string = SHARED_WRITER,
  ) {
    this.#bucket = lazyDirectBucket(nc, router.auditBucket);
  }

  /**
   * Stores an entry (id assigned here) in the background: entries are gathered for up to
   * {@link AUDIT_BATCH_MS} and written together; {@link flush} writes and waits for them.
   */
  record(entry: Omit<AuditEntry, "id">): string {
    const id = uuidv7();
    this.#batch.push({ ...entry, id, writer: this.writer });
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
        publisher.put(bucket, auditKey(this.writer, e.id), encoder.encode(JSON.stringify(e))).then(
          () => {},
          (err) => {
            this.log.error("audit write failed", { id: e.id, error: (err as Error).message });
          },
        )
      ),
    ).then(() => {}).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /** Writes the gathered entries now and waits for every background write. */
  async flush(): Promise<void> {
    this.#writeBatch();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Every entry, oldest first (ids are uuid v7: id order is time order), writer from the key. */
  async #entries(): Promise<AuditEntry[]> {
    const entries = (await latestJson<AuditEntry>(await this.#bucket()))
      .map((e) => fromKey(e.key, e.value));
    const order = (e: AuditEntry) => `${e.id}.${e.writer}`;
    return entries.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  }

  /**
   * One entry, or undefined. Should several writers have used the same id, this API's own
   * entry wins, else the first written.
   */
  async get(id: string): Promise<AuditEntry | undefined> {
    if (!/^[0-9a-fA-F-]+$/.test(id)) return undefined;
    const found: StoredValue<AuditEntry>[] = await latestJson<AuditEntry>(await this.#bucket(), [
      auditKey("*", id),
      id,
    ]);
    if (found.length === 0) return undefined;
    found.sort((a, b) => a.revision - b.revision);
    const e = found.find((f) => parseAuditKey(f.key).writer === this.writer) ?? found[0];
    return fromKey(e.key, e.value);
  }

  /** A page of entries, newest first. */
  async list(limit: number, offset: number): Promise<AuditPage> {
    const entries = (await this.#entries()).reverse();
    return { total_items: entries.length, items: entries.slice(offset, offset + limit) };
  }

  /** Every entry, oldest first. */
  async *export(): AsyncGenerator<AuditEntry> {
    yield* await this.#entries();
  }
}
