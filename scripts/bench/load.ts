/**
 * A closed-loop load generator: `concurrency` callers each run one operation after another until
 * `count` operations were started or `maxMs` passed, whichever comes first.
 */
import { type LatencySummary, round, summarize } from "./stats.ts";

/** Bounds of one load run. */
export interface LoadOptions {
  /** Operations in flight at once. */
  concurrency: number;
  /** Operations to run in total (measured ones, after the warm-up). */
  count: number;
  /** Stop starting operations after this many milliseconds. */
  maxMs: number;
  /** Unmeasured operations run first (default: `concurrency`). */
  warmup?: number;
}

/** What a load run measured. */
export interface LoadResult {
  concurrency: number;
  /** Operations that succeeded. */
  ops: number;
  errors: number;
  /** First error message, if any. */
  firstError?: string;
  seconds: number;
  /** Successful operations per second. */
  throughput: number;
  /** Latency of successful operations (ms). */
  latency: LatencySummary;
}

async function drive(
  concurrency: number,
  count: number,
  deadline: number,
  op: () => Promise<void>,
  onDone: (ms: number, error?: unknown) => void,
): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < count && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      try {
        await op();
        onDone(performance.now() - t0);
      } catch (e) {
        onDone(performance.now() - t0, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}

/** Runs `op` under the given load and measures throughput and latency. */
export async function runLoad(opts: LoadOptions, op: () => Promise<void>): Promise<LoadResult> {
  const warmup = opts.warmup ?? opts.concurrency;
  if (warmup > 0) {
    await drive(opts.concurrency, warmup, performance.now() + opts.maxMs, op, () => {});
  }
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await drive(opts.concurrency, opts.count, t0 + opts.maxMs, op, (ms, error) => {
    if (error === undefined) {
      latencies.push(ms);
      return;
    }
    errors++;
    firstError ??= error instanceof Error ? error.message : String(error);
  });
  const seconds = (performance.now() - t0) / 1000;
  return {
    concurrency: opts.concurrency,
    ops: latencies.length,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    seconds: round(seconds, 3),
    throughput: round(seconds > 0 ? latencies.length / seconds : 0, 1),
    latency: summarize(latencies),
  };
}
