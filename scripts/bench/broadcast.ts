/**
 * Broadcast timing: a fleet of N workers (one child process), then `GET /system/hostname?
 * target_hostname=_all` timed from request to response, checking every live worker answered.
 */
import { type ApiTarget, getHostname } from "./api_roundtrip.ts";
import { spawnFleet } from "./fleet.ts";
import { waitWorkers } from "./osapi_proc.ts";
import { type LatencySummary, summarize } from "./stats.ts";

/** Bounds of the broadcast runs. */
export interface BroadcastOptions {
  /** Fleet sizes, e.g. [1, 10, 100]. */
  sizes: number[];
  /** Timed broadcasts per size. */
  rounds: number;
  /** The raw osapi configuration the fleet's workers use. */
  raw: Record<string, unknown>;
  /** Workers that answer besides the fleet (the osapi's own). */
  ownWorkers: string[];
  /** The API's broadcast quiet period (ms): a round this long or longer did not end on completion. */
  quietPeriodMs: number;
  /** Time bound for one fleet (start, rounds, stop), ms. */
  maxMs: number;
}

/** What one fleet size measured. */
export interface BroadcastResult {
  /** Fleet workers. */
  workers: number;
  /** Results expected per broadcast (fleet + own workers). */
  expected: number;
  rounds: number;
  /** Rounds where every expected host answered. */
  complete: number;
  /** Fewest results seen in one round. */
  minResults: number;
  /** Time until the response with all results (ms). */
  latency: LatencySummary;
  /** True when every complete round ended before the quiet period (collection ends on completion). */
  endedOnCompletion: boolean;
  /** Fleet start-up time (ms), for information. */
  fleetStartMs: number;
  firstError?: string;
}

/** Runs the broadcast measurement for each fleet size, one fleet at a time. */
export async function benchBroadcast(
  api: ApiTarget,
  opts: BroadcastOptions,
): Promise<BroadcastResult[]> {
  const out: BroadcastResult[] = [];
  for (const size of opts.sizes) {
    const t0 = performance.now();
    const fleet = await spawnFleet({ raw: opts.raw, count: size, prefix: `bench-fleet${size}` });
    try {
      await waitWorkers(api, fleet.hostnames, 30_000);
      const fleetStartMs = Math.round(performance.now() - t0);
      const expected = new Set([...fleet.hostnames, ...opts.ownWorkers]);
      const latencies: number[] = [];
      let complete = 0;
      let minResults = Infinity;
      let firstError: string | undefined;
      let rounds = 0;
      const deadline = t0 + opts.maxMs;
      while (rounds < opts.rounds && performance.now() < deadline) {
        rounds++;
        const s = performance.now();
        const r = await getHostname(api, "_all");
        const ms = performance.now() - s;
        const hosts = new Set(r.results.filter((x) => !x.error).map((x) => x.hostname));
        minResults = Math.min(minResults, hosts.size);
        if (r.status !== 200) firstError ??= `HTTP ${r.status}: ${r.detail ?? ""}`;
        if ([...expected].every((h) => hosts.has(h))) {
          complete++;
          latencies.push(ms);
        } else firstError ??= `${hosts.size} of ${expected.size} hosts answered`;
      }
      const latency = summarize(latencies);
      out.push({
        workers: size,
        expected: expected.size,
        rounds,
        complete,
        minResults: Number.isFinite(minResults) ? minResults : 0,
        latency,
        endedOnCompletion: complete > 0 && latency.max < opts.quietPeriodMs,
        fleetStartMs,
        ...(firstError !== undefined ? { firstError } : {}),
      });
    } finally {
      await fleet.stop();
    }
    // A drained worker deregisters; wait so the next size does not count this fleet.
    await waitWorkers(api, fleet.hostnames, 30_000, false);
  }
  return out;
}
