/**
 * The API's {@link HealthService} over its NATS connection: readiness (the connection answers,
 * the namespace's streams and buckets exist) is one check shared by concurrent probes and kept
 * for a second while ready; any change of the connection's state drops the kept answer.
 */
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { deadline, TimeoutError } from "@nats-io/nats-core";
import type { NatsConnection } from "@nats-io/transport-node";
import type { BackendStatus, Check, HealthService } from "../api/ports.ts";
import { natsUnavailable, trackNatsConnection } from "../nats/availability.ts";
import type { Logger } from "../log.ts";
import { kvStream, type SubjectRouter } from "../nats/subjects.ts";
import { SharedCheck } from "./cache.ts";

/** How long a ready answer is kept (milliseconds). */
export const READY_TTL_MS = 1_000;

/** Options of {@link NatsHealth}. */
export interface NatsHealthOptions {
  /** How long a ready answer is kept (default {@link READY_TTL_MS}). */
  readyTtlMs?: number;
  /** How long a PING may take (default 1 s). */
  pingTimeoutMs?: number;
  log?: Logger;
}

const errorText = (e: unknown) => (e as Error)?.message ?? String(e);

/** Sends a PING and waits for the PONG, at most `timeoutMs`. */
export async function pingNats(nc: NatsConnection, timeoutMs = 1_000): Promise<Check> {
  if (nc.isClosed()) return { ok: false, error: "NATS connection closed" };
  try {
    await deadline(nc.rtt(), timeoutMs);
    return { ok: true };
  } catch (e) {
    if (e instanceof TimeoutError) {
      return { ok: false, error: `NATS did not answer within ${timeoutMs} ms` };
    }
    return { ok: false, error: errorText(e) };
  }
}

/** Health of one namespace's NATS backend. */
export class NatsHealth implements HealthService {
  readonly #ready: SharedCheck<Check>;
  readonly #pingMs: number;
  #jsm: Promise<JetStreamManager> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly router: SubjectRouter,
    opts: NatsHealthOptions = {},
  ) {
    this.#pingMs = opts.pingTimeoutMs ?? 1_000;
    this.#ready = new SharedCheck(() => this.#checkReady(), {
      ttlMs: opts.readyTtlMs ?? READY_TTL_MS,
      // A not-ready answer is checked again on the next probe: recovery shows at once.
      keep: (c) => c.ok,
    });
    this.#watch(opts.log).catch(() => {});
    trackNatsConnection(nc);
  }

  unavailable(error?: unknown): string | undefined {
    return natsUnavailable(this.nc, error);
  }

  /** How many readiness checks ran (each is one PING and one round of stream lookups). */
  get readyChecks(): number {
    return this.#ready.runs;
  }

  /** Drops the kept readiness on every connection event (disconnect, reconnect, error...). */
  async #watch(log?: Logger): Promise<void> {
    for await (const s of this.nc.status()) {
      this.#ready.invalidate();
      log?.debug("NATS connection event", { type: s.type });
    }
  }

  #manager(): Promise<JetStreamManager> {
    this.#jsm ??= jetstreamManager(this.nc, { checkAPI: false });
    return this.#jsm;
  }

  async #checkReady(): Promise<Check> {
    const ping = await pingNats(this.nc, this.#pingMs);
    if (!ping.ok) return ping;
    try {
      const jsm = await this.#manager();
      const lookups = await Promise.allSettled(this.router.streams.map((s) => jsm.streams.info(s)));
      const i = lookups.findIndex((r) => r.status === "rejected");
      if (i >= 0) {
        const reason = (lookups[i] as PromiseRejectedResult).reason;
        return { ok: false, error: `stream ${this.router.streams[i]}: ${errorText(reason)}` };
      }
      return { ok: true };
    } catch (e) {
      return { ok: false, error: errorText(e) };
    }
  }

  ready(): Promise<Check> {
    const away = natsUnavailable(this.nc);
    if (away) return Promise.resolve({ ok: false, error: away });
    return this.#ready.get();
  }

  connection(): Promise<Check> {
    return pingNats(this.nc, this.#pingMs);
  }

  async status(): Promise<BackendStatus> {
    const nats = await pingNats(this.nc, this.#pingMs);
    if (!nats.ok) return { nats };
    const out: BackendStatus = {
      nats,
      server: { url: this.nc.getServer(), version: this.nc.info?.version ?? "" },
    };
    try {
      const jsm = await this.#manager();
      const info = (name: string) => jsm.streams.info(name);
      const { stream, dlqStream } = this.router;
      const [streams, buckets] = await Promise.all([
        Promise.all([stream, dlqStream].map(info)),
        Promise.all(this.router.buckets.map((b) => info(kvStream(b)))),
      ]);
      out.streams = streams.map((s) => ({
        name: s.config.name,
        messages: s.state.messages,
        bytes: s.state.bytes,
        consumers: s.state.consumer_count,
      }));
      out.kv_buckets = buckets.map((s) => ({
        name: s.config.name.replace(/^KV_/, ""),
        keys: s.state.messages,
        bytes: s.state.bytes,
      }));
      out.dlq = streams[1].state.messages;
      out.jetstream = { ok: true };
    } catch (e) {
      out.jetstream = { ok: false, error: errorText(e) };
    }
    return out;
  }
}
