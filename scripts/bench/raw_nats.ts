/**
 * The raw NATS baseline: core request/reply with the same client library and connection factory
 * as osapi, between two connections of the bench process, on the nats-server under test.
 */
import type { NatsClientConfig } from "../../src/config/schema.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { inboxOf } from "../../src/nats/inbox.ts";
import { type LoadResult, runLoad } from "./load.ts";

/** Bounds of the raw NATS runs. */
export interface RawNatsOptions {
  /** Concurrency levels to measure, e.g. [1, 64]. */
  concurrency: number[];
  /** Requests per level. */
  count: number;
  /** Time bound per level (ms). */
  maxMs: number;
  /** Request payload size in bytes (default 256, about a job's size). */
  payloadBytes?: number;
}

/** Measures request/reply throughput at each concurrency level. */
export async function benchRawNats(
  nats: NatsClientConfig,
  opts: RawNatsOptions,
): Promise<LoadResult[]> {
  const responder = await connectNats(nats, silent, { name: "osapi-bench-responder" });
  const requester = await connectNats(nats, silent, { name: "osapi-bench-requester" });
  try {
    // the responder's own inbox: the requester needs publish rights on it (admin/shared credential)
    const subject = inboxOf(responder);
    const sub = responder.subscribe(subject, { callback: (_e, m) => void m.respond(m.data) });
    await responder.flush();
    const payload = new Uint8Array(opts.payloadBytes ?? 256).fill(120);
    const results: LoadResult[] = [];
    for (const concurrency of opts.concurrency) {
      results.push(
        await runLoad({ concurrency, count: opts.count, maxMs: opts.maxMs }, async () => {
          const reply = await requester.request(subject, payload, { timeout: 5_000 });
          if (reply.data.length !== payload.length) throw new Error("short reply");
        }),
      );
    }
    sub.unsubscribe();
    return results;
  } finally {
    await requester.close();
    await responder.close();
  }
}
