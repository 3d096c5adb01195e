/** The benchmark's targets and whether a run met them (a miss is reported, never fatal). */
import type { BroadcastResult } from "./broadcast.ts";
import type { LoadResult } from "./load.ts";
import { round } from "./stats.ts";

/** One target and the run's verdict. */
export interface TargetCheck {
  name: string;
  /** The target in words, e.g. `< 25 ms`. */
  target: string;
  /** The measured value in words. */
  measured: string;
  met: boolean;
}

/** The measurements the targets are checked against. */
export interface TargetInputs {
  rawNats: LoadResult[];
  api: LoadResult[];
  broadcast: BroadcastResult[];
  rss: { idleMiB: number };
}

/** Target values. */
export const TARGETS = {
  /** API throughput at concurrency 64, as a share of raw NATS request/reply at 64. */
  apiShareOfRaw: 0.2,
  /** API p99 at concurrency 64, ms. */
  apiP99Ms: 25,
  /** `_all` to 100 workers, ms. */
  broadcast100Ms: 300,
  /** Idle RSS of the osapi process, MiB. */
  idleRssMiB: 120,
} as const;

const at = (rows: LoadResult[], c: number) => rows.find((r) => r.concurrency === c);

/**
 * Checks every target whose measurement is present. The load targets are judged at the highest
 * concurrency measured (64 in the full run).
 */
export function evaluateTargets(r: TargetInputs): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const top = Math.max(0, ...r.api.map((x) => x.concurrency));
  const raw64 = at(r.rawNats, top);
  const api64 = at(r.api, top);
  if (raw64 && api64) {
    const share = raw64.throughput > 0 ? api64.throughput / raw64.throughput : 0;
    checks.push({
      name: `API round-trip throughput at concurrency ${top}`,
      target: `>= ${TARGETS.apiShareOfRaw * 100}% of raw NATS (${
        round(raw64.throughput * TARGETS.apiShareOfRaw, 0)
      }/s)`,
      measured: `${api64.throughput}/s = ${round(share * 100, 1)}%`,
      met: api64.ops > 0 && share >= TARGETS.apiShareOfRaw,
    });
  }
  if (api64) {
    checks.push({
      name: `API round-trip p99 at concurrency ${top}`,
      target: `< ${TARGETS.apiP99Ms} ms`,
      measured: `${api64.latency.p99} ms`,
      met: api64.ops > 0 && api64.latency.p99 < TARGETS.apiP99Ms,
    });
  }
  const b100 = r.broadcast.find((b) => b.workers === 100);
  if (b100) {
    const allIn = b100.complete === b100.rounds && b100.rounds > 0;
    checks.push({
      name: "_all to 100 workers, all results in",
      target: `< ${TARGETS.broadcast100Ms} ms (p50)`,
      measured: allIn
        ? `${b100.latency.p50} ms (max ${b100.latency.max} ms)`
        : `${b100.complete}/${b100.rounds} rounds complete (${b100.minResults} results)`,
      met: allIn && b100.latency.p50 < TARGETS.broadcast100Ms,
    });
  }
  checks.push({
    name: "idle RSS of the osapi process",
    target: `< ${TARGETS.idleRssMiB} MiB`,
    measured: `${r.rss.idleMiB} MiB`,
    met: r.rss.idleMiB > 0 && r.rss.idleMiB < TARGETS.idleRssMiB,
  });
  return checks;
}
