/** A bounded round-trip check of the API's NATS connection (health and metrics use it). */
import type { NatsConnection } from "@nats-io/transport-node";

/** Outcome of {@link probeNats}. */
export type NatsProbe = { ok: true; rttMs: number } | { ok: false; error: string };

/** Sends a PING and waits for the PONG, at most `timeoutMs`. */
export async function probeNats(
  nc: NatsConnection | undefined,
  timeoutMs = 1_000,
): Promise<NatsProbe> {
  if (!nc) return { ok: false, error: "no NATS connection" };
  if (nc.isClosed()) return { ok: false, error: "NATS connection closed" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<NatsProbe>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `NATS did not answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      nc.rtt().then((rttMs): NatsProbe => ({ ok: true, rttMs }), (e): NatsProbe => ({
        ok: false,
        error: (e as Error).message,
      })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
