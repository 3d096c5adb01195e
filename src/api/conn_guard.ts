/**
 * A connection guard in front of the API's HTTP server. Deno.serve has no header-read timeout,
 * no idle timeout and no connection limit, so a client holding many connections with partial
 * request heads keeps them (and their file descriptors) forever. The guard owns the public TCP
 * listener and relays each client connection to a Deno.serve bound to a loopback port:
 * - at most `maxConnections` client connections at once; one more is answered 503 and closed;
 * - a request head must be complete within `headerTimeoutMs` of its first byte (the first one of
 *   a connection: of the accept), and at most `maxHeaderBytes` long (else 431 and closed);
 * - a connection on which neither side sends a byte for `idleTimeoutMs` is closed; while a
 *   complete request waits for the start of its response (a job route waits for results), the
 *   bound is `responseTimeoutMs` instead (`api.server.jobs.timeout` and a margin).
 * Only complete heads reach the server: a relay connection is opened once a head is complete.
 * Request bodies are framed by `Content-Length`; a request with a `Transfer-Encoding` (chunked)
 * is relayed with `Connection: close`, as the connection's last request. The inner server sees
 * the client's address ({@link ConnectionGuard.peer}) and refuses connections that are not the
 * guard's own relays.
 */
import type { Logger } from "../log.ts";

/** Limits of {@link startConnectionGuard}. */
export interface GuardLimits {
  headerTimeoutMs: number;
  idleTimeoutMs: number;
  /** How long a complete request may wait for the first byte of its response. */
  responseTimeoutMs: number;
  maxConnections: number;
  maxHeaderBytes: number;
}

/** Options of {@link startConnectionGuard}. */
export interface GuardOptions extends GuardLimits {
  /** The public listener (already bound). */
  listener: Deno.Listener<Deno.TcpConn, Deno.NetAddr>;
  /** Where the relays connect: the inner Deno.serve. */
  upstream: Deno.NetAddr;
  log: Logger;
}

/** A running guard. */
export interface ConnectionGuard {
  /** Client connections open now. */
  readonly open: number;
  /** The client address of a relay connection (by the relay's local port), or undefined. */
  peer(relayPort: number): Deno.NetAddr | undefined;
  /** Stops accepting; closes connections without a request in flight. */
  close(): void;
  /** Resolves when every client connection has ended. */
  closed(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLFCRLF = [13, 10, 13, 10];
const READ_SIZE = 64 * 1024;

/** A minimal HTTP/1.1 response that closes the connection. */
function plainResponse(status: string, text: string, extra = ""): Uint8Array {
  const body = text + "\n";
  return encoder.encode(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${encoder.encode(body).length}\r\nConnection: close\r\n${extra}\r\n${body}`,
  );
}

/** The index just past `\r\n\r\n` in `buf` (searching from `from`), or -1. */
function headEnd(buf: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i + 3 < buf.length; i++) {
    if (
      buf[i] === CRLFCRLF[0] && buf[i + 1] === CRLFCRLF[1] && buf[i + 2] === CRLFCRLF[2] &&
      buf[i + 3] === CRLFCRLF[3]
    ) return i + 4;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** How a complete request head frames what follows it. */
export interface HeadFraming {
  /** The head to forward (rewritten with `Connection: close` when `last`). */
  head: Uint8Array;
  /** Body bytes that follow the head (when not `last`). */
  bodyLength: number;
  /** No further request is read on this connection: the rest is relayed as it comes. */
  last: boolean;
}

/**
 * Frames one request head (`\r\n\r\n` included): its body length from `Content-Length`; a
 * request with `Transfer-Encoding`, several or malformed `Content-Length`s, an `Upgrade` or an
 * HTTP/2 preface becomes the connection's last (`Connection: close` added when rewritable).
 */
export function frameHead(head: Uint8Array): HeadFraming {
  const text = decoder.decode(head);
  const lines = text.slice(0, -4).split("\r\n");
  if (lines[0].startsWith("PRI * HTTP/2")) return { head, bodyLength: 0, last: true };
  let lengths = 0;
  let bodyLength = 0;
  let chunked = false;
  let malformed = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-length") {
      lengths++;
      if (!/^\d{1,15}$/.test(value)) malformed = true;
      else bodyLength = Number(value);
    } else if (name === "transfer-encoding") chunked = true;
    else if (name === "upgrade") return { head, bodyLength: 0, last: true };
  }
  if (!chunked && !malformed && lengths <= 1) return { head, bodyLength, last: false };
  const kept = lines.filter((l) => !/^connection\s*:/i.test(l));
  return {
    head: encoder.encode(kept.join("\r\n") + "\r\nConnection: close\r\n\r\n"),
    bodyLength: 0,
    last: true,
  };
}

/** One client connection and its relay. */
class Relay {
  /** The time of the last byte in either direction. */
  lastActivity = Date.now();
  /** When the head being read began (undefined: not reading a head). */
  headStart: number | undefined = Date.now();
  /** When a complete request began waiting for its response (undefined: not waiting). */
  awaitingSince: number | undefined;
  /** True once a request was forwarded (an oversized later head is not answered). */
  forwarded = false;
  upstream: Deno.TcpConn | undefined;
  #closed = false;
  readonly #ended = Promise.withResolvers<void>();

  constructor(
    readonly client: Deno.TcpConn,
    private readonly opts: GuardOptions,
    private readonly peers: Map<number, Deno.NetAddr>,
    private readonly onClose: () => void = () => {},
  ) {}

  /** Resolves once the connection is closed. */
  get ended(): Promise<void> {
    return this.#ended.promise;
  }

  /** Closes both sides (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose();
    this.#ended.resolve();
    try {
      this.client.close();
    } catch { /* already closed */ }
    if (this.upstream) {
      this.peers.delete(this.upstream.localAddr.port);
      try {
        this.upstream.close();
      } catch { /* already closed */ }
    }
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Answers `response` and closes (best effort: a client that does not read is just closed). */
  async refuse(response: Uint8Array): Promise<void> {
    try {
      await this.client.write(response);
    } catch { /* gone */ }
    this.close();
  }

  /** Relays the connection until either side ends. */
  async run(): Promise<void> {
    const buf = new Uint8Array(READ_SIZE);
    let head: Uint8Array = new Uint8Array(0);
    let bodyLeft = 0;
    let passthrough = false;
    try {
      for (;;) {
        const n = await this.client.read(buf);
        if (n === null) break;
        this.lastActivity = Date.now();
        let chunk: Uint8Array = buf.subarray(0, n);
        while (chunk.length > 0 && !this.#closed) {
          if (passthrough) {
            await this.#send(chunk);
            break;
          }
          if (bodyLeft > 0) {
            const part = chunk.subarray(0, Math.min(bodyLeft, chunk.length));
            bodyLeft -= part.length;
            chunk = chunk.subarray(part.length);
            await this.#send(part);
            if (bodyLeft > 0) break;
            this.awaitingSince = Date.now();
            continue;
          }
          // reading a head
          this.headStart ??= Date.now();
          const searchFrom = head.length - 3;
          head = concat(head, chunk.slice());
          const end = headEnd(head, searchFrom);
          if (end < 0 ? head.length > this.opts.maxHeaderBytes : end > this.opts.maxHeaderBytes) {
            if (this.forwarded) return this.close();
            return await this.refuse(
              plainResponse("431 Request Header Fields Too Large", "request head too large"),
            );
          }
          if (end < 0) break;
          const framing = frameHead(head.subarray(0, end));
          chunk = head.subarray(end);
          head = new Uint8Array(0);
          this.headStart = undefined;
          await this.#send(framing.head);
          this.forwarded = true;
          if (framing.last) passthrough = true;
          else bodyLeft = framing.bodyLength;
          if (bodyLeft === 0) this.awaitingSince = Date.now();
        }
        if (this.#closed) return;
      }
      // the client closed its side: let a response in flight finish, else close
      if (this.upstream && head.length === 0 && !this.#closed) {
        await this.upstream.closeWrite().catch(() => this.close());
      } else this.close();
    } catch {
      this.close();
    }
  }

  /** Sends to the inner server, opening the relay connection (and its reverse pipe) first. */
  async #send(bytes: Uint8Array): Promise<void> {
    if (!this.upstream) {
      const up = await Deno.connect({
        hostname: this.opts.upstream.hostname,
        port: this.opts.upstream.port,
      });
      if (this.#closed) {
        up.close();
        return;
      }
      this.upstream = up;
      this.peers.set(up.localAddr.port, this.client.remoteAddr);
      this.#reverse(up);
    }
    await writeAll(this.upstream, bytes);
  }

  /** Relays the inner server's answers to the client; its end ends the connection. */
  #reverse(up: Deno.TcpConn): void {
    (async () => {
      const buf = new Uint8Array(READ_SIZE);
      try {
        for (;;) {
          const n = await up.read(buf);
          if (n === null) break;
          this.lastActivity = Date.now();
          this.awaitingSince = undefined;
          await writeAll(this.client, buf.subarray(0, n));
        }
      } catch { /* either side gone */ }
      this.close();
    })();
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** Minimum time between two "connection limit reached" warnings. */
const LIMIT_WARN_MS = 10_000;

/** Accepts client connections on `listener` and relays them within the limits. */
export function startConnectionGuard(opts: GuardOptions): ConnectionGuard {
  const relays = new Set<Relay>();
  const peers = new Map<number, Deno.NetAddr>();
  const tasks = new Set<Promise<void>>();
  let closing = false;
  let lastLimitWarn = 0;
  let refused = 0;

  const sweepMs = Math.max(20, Math.min(1000, opts.headerTimeoutMs / 4, opts.idleTimeoutMs / 4));
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const r of relays) {
      const headLate = r.headStart !== undefined && now - r.headStart > opts.headerTimeoutMs;
      const idle = r.awaitingSince === undefined
        ? now - r.lastActivity > opts.idleTimeoutMs
        : now - r.awaitingSince > opts.responseTimeoutMs;
      if (headLate || idle) r.close();
    }
  }, sweepMs);

  const track = (p: Promise<void>) => {
    tasks.add(p);
    p.finally(() => tasks.delete(p));
  };

  const accepting = (async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await opts.listener.accept();
      } catch {
        return; // listener closed
      }
      if (closing) {
        conn.close();
        continue;
      }
      if (relays.size >= opts.maxConnections) {
        const relay = new Relay(conn, opts, peers);
        refused++;
        const now = Date.now();
        if (now - lastLimitWarn > LIMIT_WARN_MS) {
          lastLimitWarn = now;
          opts.log.warn("API connection limit reached; refusing connections", {
            max_connections: opts.maxConnections,
            refused,
          });
        }
        track(relay.refuse(
          plainResponse("503 Service Unavailable", "too many connections", "Retry-After: 1\r\n"),
        ));
        continue;
      }
      const relay: Relay = new Relay(conn, opts, peers, () => relays.delete(relay));
      relays.add(relay);
      relay.run();
    }
  })();

  return {
    get open() {
      return relays.size;
    },
    peer: (port) => peers.get(port),
    close() {
      if (closing) return;
      closing = true;
      try {
        opts.listener.close();
      } catch { /* closed */ }
      // connections without a request forwarded have nothing to finish
      for (const r of relays) if (!r.upstream) r.close();
    },
    async closed() {
      await accepting;
      while (tasks.size > 0 || relays.size > 0) {
        await Promise.all([...tasks, ...[...relays].map((r) => r.ended)]);
      }
      clearInterval(sweeper);
    },
  };
}
