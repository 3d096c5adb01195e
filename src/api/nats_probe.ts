/** Bounded checks of the API's NATS connection (health and metrics use them). */
import type { NatsConnection } from "@nats-io/transport-node";
import { natsUnavailable } from "./nats_state.ts";

/** Outcome of {@link probeNats}. */
export type NatsProbe = { ok: true; rttMs: number } | { ok: false; error: string };

/** Settles with `p`, or with `onTimeout()` after `ms`, whichever comes first. */
export async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends a PING and waits for the PONG, at most `timeoutMs`. */
export function probeNats(
  nc: NatsConnection | undefined,
  timeoutMs = 1_000,
): Promise<NatsProbe> {
  if (!nc) return Promise.resolve({ ok: false, error: "no NATS connection" });
  const unavailable = natsUnavailable(nc);
  if (unavailable) return Promise.resolve({ ok: false, error: unavailable });
  return withTimeout(
    nc.rtt().then((rttMs): NatsProbe => ({ ok: true, rttMs }), (e): NatsProbe => ({
      ok: false,
      error: natsUnavailable(nc, e) ?? (e as Error).message,
    })),
    timeoutMs,
    () => ({ ok: false, error: `NATS did not answer within ${timeoutMs} ms` }),
  );
}
