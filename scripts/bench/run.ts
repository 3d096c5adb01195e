/**
 * One benchmark run: starts the osapi under test, measures the raw NATS baseline, the API job
 * round trip (sampling the osapi's RSS), broadcasts to worker fleets and the auth callout, and
 * returns everything as one JSON-ready {@link BenchResult}.
 */
import { VERSION } from "../../src/version.ts";
import { benchApiRoundTrip } from "./api_roundtrip.ts";
import { benchBroadcast, type BroadcastResult } from "./broadcast.ts";
import type { CalloutResult } from "./callout.ts";
import type { LoadResult } from "./load.ts";
import { type OsapiMode, startOsapi } from "./osapi_proc.ts";
import { benchRawNats } from "./raw_nats.ts";
import { mib, readRss, RssSampler } from "./rss.ts";
import { evaluateTargets, type TargetCheck } from "./targets.ts";

/** Counts and bounds of a run (every loop is bounded by count and time). */
export interface BenchOptions {
  mode?: OsapiMode;
  /** Concurrency levels of the raw NATS and API runs. */
  concurrency: number[];
  rawCount: number;
  apiCount: number;
  /** Time bound per load level (ms). */
  levelMaxMs: number;
  broadcastSizes: number[];
  broadcastRounds: number;
  /** Time bound per fleet (ms). */
  fleetMaxMs: number;
  /** API broadcast quiet period (ms). */
  quietPeriodMs: number;
  /** Idle time before the idle RSS reading (ms). */
  idleSettleMs: number;
  calloutConnections: number;
  calloutConcurrency: number;
  calloutMaxMs: number;
  /** Progress lines (to stderr in the script). */
  progress?: (line: string) => void;
}

/** Counts of the full benchmark (a few minutes on 2 cores). */
export const FULL_RUN: BenchOptions = {
  concurrency: [1, 64],
  rawCount: 20_000,
  apiCount: 3_000,
  levelMaxMs: 30_000,
  broadcastSizes: [1, 10, 100],
  broadcastRounds: 10,
  fleetMaxMs: 60_000,
  quietPeriodMs: 2_000,
  idleSettleMs: 2_000,
  calloutConnections: 500,
  calloutConcurrency: 8,
  calloutMaxMs: 20_000,
};

/** Memory readings of the osapi process (and its nats-server) in MiB. */
export interface RssResult {
  /** Which process: `serve`, or `api` in parts mode. */
  process: string;
  idleMiB: number;
  /** Peak while the API round trips ran. */
  loadedMiB: number;
  /** The nats-server child, for information. */
  natsServerIdleMiB?: number;
}

/** The result of one run, printed as JSON. */
export interface BenchResult {
  version: string;
  date: string;
  mode: OsapiMode;
  host: { os: string; arch: string; cpus: number; deno: string };
  rawNats: LoadResult[];
  api: LoadResult[];
  broadcast: BroadcastResult[];
  rss: RssResult;
  /** Absent when skipped (see `notes`). */
  callout?: CalloutResult;
  targets: TargetCheck[];
  notes: string[];
}

/** The callout benchmark, or undefined while src/nats_auth/callout.ts is not in the tree. */
async function loadCalloutBench(): Promise<typeof import("./callout.ts") | undefined> {
  try {
    return await import("./callout.ts");
  } catch {
    return undefined;
  }
}

/** Runs the benchmark with `opts`. */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const progress = opts.progress ?? (() => {});
  const notes: string[] = [];
  progress("starting osapi ...");
  const osapi = await startOsapi({
    mode: opts.mode,
    quietPeriod: `${opts.quietPeriodMs}ms`,
  });
  let result: Omit<BenchResult, "callout" | "targets">;
  try {
    const role = osapi.children.find((c) => c.pid === osapi.pid)!.role;
    if (osapi.mode === "parts") {
      notes.push(
        "osapi serve is not available: ran nats server, api server and job worker as separate " +
          "processes; RSS is the API process's",
      );
    }
    await new Promise((r) => setTimeout(r, opts.idleSettleMs));
    const idle = (await readRss(osapi.pid)) ?? 0;
    const natsPid = await osapi.natsServerPid();
    const natsIdle = natsPid ? await readRss(natsPid) : undefined;

    progress(`raw NATS request/reply (${opts.concurrency.join(", ")}) ...`);
    const rawNats = await benchRawNats(osapi.nats, {
      concurrency: opts.concurrency,
      count: opts.rawCount,
      maxMs: opts.levelMaxMs,
    });

    progress(`API job round trip (${opts.concurrency.join(", ")}) ...`);
    const sampler = new RssSampler(osapi.pid);
    sampler.start();
    const api = await benchApiRoundTrip(osapi.api, {
      concurrency: opts.concurrency,
      count: opts.apiCount,
      maxMs: opts.levelMaxMs,
    });
    const loaded = await sampler.stop();

    progress(`broadcast to ${opts.broadcastSizes.join(", ")} workers ...`);
    const broadcast = await benchBroadcast(osapi.api, {
      sizes: opts.broadcastSizes,
      rounds: opts.broadcastRounds,
      raw: osapi.raw,
      ownWorkers: osapi.ownWorkers,
      quietPeriodMs: opts.quietPeriodMs,
      maxMs: opts.fleetMaxMs,
    });
    for (const b of broadcast) {
      if (b.complete > 0 && !b.endedOnCompletion) {
        notes.push(
          `broadcast to ${b.workers}: collection did not end when all workers answered ` +
            `(max ${b.latency.max} ms >= quiet period ${opts.quietPeriodMs} ms)`,
        );
      }
    }
    result = {
      version: VERSION,
      date: new Date().toISOString(),
      mode: osapi.mode,
      host: {
        os: Deno.build.os,
        arch: Deno.build.arch,
        cpus: navigator.hardwareConcurrency,
        deno: Deno.version.deno,
      },
      rawNats,
      api,
      broadcast,
      rss: {
        process: role,
        idleMiB: mib(idle),
        loadedMiB: mib(Math.max(loaded, idle)),
        ...(natsIdle !== undefined ? { natsServerIdleMiB: mib(natsIdle) } : {}),
      },
      notes,
    };
  } finally {
    await osapi.stop();
  }

  let callout: CalloutResult | undefined;
  const calloutBench = await loadCalloutBench();
  if (calloutBench) {
    progress("auth callout ...");
    callout = await calloutBench.benchCallout({
      connections: opts.calloutConnections,
      concurrency: opts.calloutConcurrency,
      maxMs: opts.calloutMaxMs,
    });
  } else {
    notes.push("auth callout skipped: src/nats_auth/callout.ts is not there yet");
  }
  const full = { ...result, ...(callout ? { callout } : {}) };
  return { ...full, targets: evaluateTargets(full) };
}
