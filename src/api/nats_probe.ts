/** Bounded checks of the API's NATS connection (health and metrics use them). */
import type { NatsConnection } from "@nats-io/transport-node";
import { deadline, errors } from "@nats-io/nats-core";

/** Outcome of {@link probeNats}. */
export type NatsProbe = { ok: true; rttMs: number } | { ok: false; error: string };

/**
 * Settles with `p`, or with `onTimeout()` after `ms`, whichever comes first (nats.js's
 * `deadline`, its timeout turned into a value).
 */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return deadline(p, ms).catch((e) => {
    if (e instanceof errors.TimeoutError) return onTimeout();
    throw e;
  });
}

/** Sends a PING and waits for the PONG, at most `timeoutMs`. */
export function probeNats(
  nc: NatsConnection | undefined,
  timeoutMs = 1_000,
): Promise<NatsProbe> {
  if (!nc) return Promise.resolve({ ok: false, error: "no NATS connection" });
  if (nc.isClosed()) return Promise.resolve({ ok: false, error: "NATS connection closed" });
  return withTimeout(
    nc.rtt().then((rttMs): NatsProbe => ({ ok: true, rttMs }), (e): NatsProbe => ({
      ok: false,
      error: (e as Error).message,
    })),
    timeoutMs,
    () => ({ ok: false, error: `NATS did not answer within ${timeoutMs} ms` }),
  );
}
