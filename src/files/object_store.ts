/**
 * The file store on the namespace's JetStream object store (`OBJ_<ns>-file-objects`, created
 * by the admin identity with the other streams), in the object store format of `@nats-io/obj`
 * and OSAPI (chunks on `$O.<bucket>.C.<nuid>`, a metadata message per name on
 * `$O.<bucket>.M.<base64url(name)>`). Written with plain publishes (replaced chunks dropped by
 * a subject rollup, not a stream purge) and read with direct gets only, so neither the API nor
 * a worker needs a consumer or a stream operation on the bucket (the library's get/list create
 * push consumers and its put/delete purge the stream, which osapi's NATS users may not do; see
 * src/nats/permissions.ts).
 */
import { headers, type NatsConnection } from "@nats-io/transport-node";
import {
  jetstream,
  type JetStreamClient,
  JetStreamError,
  type JetStreamManager,
  jetstreamManager,
} from "@nats-io/jetstream";
import {
  type DeploymentRecord,
  FileConflictError,
  type FileContentType,
  type FileFetch,
  type FileInfo,
  type FileObject,
  type FileService,
  type FileUpload,
  sha256Hex,
  type StaleDeployment,
  staleDeployments,
} from "../core/files.ts";
import { natsDeployments } from "./deployments.ts";
import { objChunkSubject, objStream, objSubjects, type SubjectRouter } from "../nats/subjects.ts";

/** Chunk size of stored objects (the object store library's default). */
export const CHUNK_SIZE = 128 * 1024;

/** The metadata message of one object, as `@nats-io/obj` writes it. */
interface ServerMeta {
  name: string;
  bucket?: string;
  mtime?: string;
  options?: { max_chunk_size?: number };
  nuid: string;
  size: number;
  chunks: number;
  digest?: string;
  deleted?: boolean;
  metadata?: Record<string, string>;
}

const decoder = new TextDecoder();
const BATCH = { batch: 256, max_bytes: 8 * 1024 * 1024 };

const isNotFound = (e: unknown) =>
  e instanceof JetStreamError && (e as { code?: unknown }).code === 404;

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");

/** A subject rollup: the message replaces every earlier one of its subject. */
function rollup() {
  const h = headers();
  h.set("Nats-Rollup", "sub");
  return h;
}

/** Hex of a `SHA-256=<base64url>` digest. */
function digestHex(digest: string | undefined): string {
  const b64 = (digest ?? "").replace(/^SHA-256=/, "").replace(/-/g, "+").replace(/_/g, "/");
  try {
    return [...atob(b64)].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  } catch {
    return "";
  }
}

function infoOf(m: ServerMeta): FileInfo {
  const type = m.metadata?.content_type === "template" ? "template" : "raw";
  return {
    name: m.name,
    sha256: m.metadata?.sha256 ?? digestHex(m.digest),
    size: m.size,
    content_type: type,
    source: "user",
  };
}

/** Reads (direct gets) and writes (`@nats-io/obj`) the file object store of one namespace. */
export class NatsFileStore implements FileService {
  readonly #nc: NatsConnection;
  readonly #bucket: string;
  readonly #stream: string;
  #jsm?: Promise<JetStreamManager>;
  #js?: JetStreamClient;
  readonly #deployments: () => Promise<DeploymentRecord[]>;

  constructor(nc: NatsConnection, router: SubjectRouter) {
    this.#nc = nc;
    this.#bucket = router.fileBucket;
    this.#stream = objStream(this.#bucket);
    this.#deployments = natsDeployments(nc, router);
  }

  #manager(): Promise<JetStreamManager> {
    return this.#jsm ??= jetstreamManager(this.#nc, { checkAPI: false });
  }

  #client(): JetStreamClient {
    return this.#js ??= jetstream(this.#nc);
  }

  #metaSubject(name: string): string {
    return `$O.${this.#bucket}.M.${base64url(new TextEncoder().encode(name))}`;
  }

  /** Publishes `data` in chunks, then its metadata (replacing the name's earlier one). */
  async #put(meta: ServerMeta, data: Uint8Array, sha256: string): Promise<void> {
    const js = this.#client();
    const subject = objChunkSubject(this.#bucket, meta.nuid);
    for (let at = 0; at < data.length; at += CHUNK_SIZE) {
      await js.publish(subject, data.subarray(at, at + CHUNK_SIZE));
    }
    const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
    meta.digest = `SHA-256=${base64url(new Uint8Array(digest))}`;
    meta.metadata = { ...meta.metadata, sha256 };
    await js.publish(this.#metaSubject(meta.name), JSON.stringify(meta), { headers: rollup() });
  }

  /** Drops the chunks of an object (a rollup leaves one empty message on their subject). */
  async #dropChunks(nuid: string): Promise<void> {
    await this.#client().publish(objChunkSubject(this.#bucket, nuid), new Uint8Array(0), {
      headers: rollup(),
    });
  }

  /** Every message of `subject` in stream order, paged with batched direct gets. */
  async *#messages(subject: string) {
    const jsm = await this.#manager();
    for (let seq = 0;;) {
      let last: { seq: number; pending: number } | undefined;
      try {
        const iter = await jsm.direct.getBatch(this.#stream, {
          seq,
          next_by_subj: subject,
          ...BATCH,
        });
        for await (const m of iter) {
          last = m;
          yield m;
        }
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      if (!last || last.pending <= 0) return;
      seq = last.seq + 1;
    }
  }

  /** The latest metadata of every object (deleted ones included). */
  async #metas(): Promise<Map<string, ServerMeta>> {
    const out = new Map<string, { seq: number; meta: ServerMeta }>();
    for await (const m of this.#messages(objSubjects(this.#bucket).meta)) {
      const meta = JSON.parse(decoder.decode(m.data)) as ServerMeta;
      if ((out.get(meta.name)?.seq ?? 0) < m.seq) out.set(meta.name, { seq: m.seq, meta });
    }
    return new Map([...out].map(([k, v]) => [k, v.meta]));
  }

  async #meta(name: string): Promise<ServerMeta | undefined> {
    const jsm = await this.#manager();
    const subject = this.#metaSubject(name);
    try {
      const m = await jsm.direct.getMessage(this.#stream, { last_by_subj: subject });
      if (!m) return undefined;
      const meta = JSON.parse(decoder.decode(m.data)) as ServerMeta;
      return meta.deleted ? undefined : meta;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async upload(
    name: string,
    data: Uint8Array,
    contentType: FileContentType,
    force: boolean,
  ): Promise<FileUpload> {
    const sha256 = await sha256Hex(data);
    const result = { name, sha256, size: data.length, content_type: contentType };
    const old = await this.#meta(name);
    const same = old !== undefined && infoOf(old).sha256 === sha256;
    if (!force && same && infoOf(old).content_type === contentType) {
      return { ...result, changed: false };
    }
    if (!force && old !== undefined && !same) throw new FileConflictError(name);
    await this.#put(
      {
        name,
        bucket: this.#bucket,
        nuid: crypto.randomUUID().replaceAll("-", ""),
        size: data.length,
        chunks: Math.ceil(data.length / CHUNK_SIZE),
        mtime: new Date().toISOString(),
        deleted: false,
        options: { max_chunk_size: CHUNK_SIZE },
        metadata: { content_type: contentType },
      },
      data,
      sha256,
    );
    if (old) await this.#dropChunks(old.nuid);
    return { ...result, changed: true };
  }

  async list(): Promise<FileInfo[]> {
    return [...(await this.#metas()).values()].filter((m) => !m.deleted).map(infoOf)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async info(name: string): Promise<FileInfo | undefined> {
    const meta = await this.#meta(name);
    return meta ? infoOf(meta) : undefined;
  }

  async remove(name: string): Promise<boolean> {
    const meta = await this.#meta(name);
    if (!meta) return false;
    const gone = { ...meta, deleted: true, size: 0, chunks: 0, digest: "" };
    await this.#client().publish(this.#metaSubject(name), JSON.stringify(gone), {
      headers: rollup(),
    });
    await this.#dropChunks(meta.nuid);
    return true;
  }

  async stale(): Promise<StaleDeployment[]> {
    const current = new Map((await this.list()).map((f) => [f.name, f.sha256]));
    return staleDeployments(await this.#deployments(), current);
  }

  /** A stored file with its content (chunks read in order); undefined when there is none. */
  async fetch(name: string): Promise<FileObject | undefined> {
    const meta = await this.#meta(name);
    if (!meta) return undefined;
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const m of this.#messages(objChunkSubject(this.#bucket, meta.nuid))) {
      parts.push(m.data);
      size += m.data.length;
    }
    if (size !== meta.size) {
      throw new Error(`file ${name}: read ${size} bytes of ${meta.size} from the object store`);
    }
    const data = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    return { info: infoOf(meta), data };
  }
}

/** The fetch a worker gives its providers: files of `router`'s namespace over `nc`. */
export function natsFileFetch(nc: NatsConnection, router: SubjectRouter): FileFetch {
  const store = new NatsFileStore(nc, router);
  return (name) => store.fetch(name);
}
