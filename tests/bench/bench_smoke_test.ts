/**
 * The bench machinery end to end with tiny counts against a real osapi (child processes, real
 * nats-server), asserting the JSON shape and sane numbers — never timing thresholds.
 */
import assert from "node:assert/strict";
import { formatReport } from "../../scripts/bench/report.ts";
import { FULL_RUN, runBench } from "../../scripts/bench/run.ts";
import { percentile, summarize } from "../../scripts/bench/stats.ts";
import { evaluateTargets } from "../../scripts/bench/targets.ts";
import type { LoadResult } from "../../scripts/bench/load.ts";

Deno.test("percentile uses the nearest rank and summarize sorts its input", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  const s = summarize([5, 1, 4, 2, 3]);
  assert.deepEqual(
    { count: s.count, min: s.min, p50: s.p50, max: s.max, mean: s.mean },
    { count: 5, min: 1, p50: 3, max: 5, mean: 3 },
  );
});

const load = (concurrency: number, throughput: number, p99: number): LoadResult => ({
  concurrency,
  ops: 100,
  errors: 0,
  seconds: 1,
  throughput,
  latency: { count: 100, min: 1, mean: 2, p50: 2, p90: 3, p99, max: p99 },
});

Deno.test("targets: met and missed are told apart, a missing broadcast is not judged", () => {
  const base = {
    rawNats: [load(64, 10_000, 2)],
    broadcast: [],
    rss: { idleMiB: 80 },
  };
  const good = evaluateTargets({ ...base, api: [load(64, 2_500, 20)] });
  assert.deepEqual(good.map((t) => t.met), [true, true, true]);
  const bad = evaluateTargets({ ...base, api: [load(64, 1_000, 40)], rss: { idleMiB: 150 } });
  assert.deepEqual(bad.map((t) => t.met), [false, false, false]);
  assert.match(bad[0].measured, /10%/);
});

Deno.test({
  name: "bench: a tiny run measures every row against a real osapi",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const result = await runBench({
      ...FULL_RUN,
      concurrency: [1, 4],
      rawCount: 50,
      apiCount: 20,
      levelMaxMs: 20_000,
      broadcastSizes: [2],
      broadcastRounds: 2,
      idleSettleMs: 200,
      calloutConnections: 4,
      calloutConcurrency: 2,
    });
    const json = JSON.parse(JSON.stringify(result));
    for (
      const key of ["version", "date", "mode", "host", "rawNats", "api", "broadcast", "rss"]
    ) assert.ok(key in json, `JSON has ${key}`);
    assert.ok(["serve", "parts"].includes(result.mode));
    for (const rows of [result.rawNats, result.api]) {
      assert.deepEqual(rows.map((r) => r.concurrency), [1, 4]);
      for (const r of rows) {
        assert.equal(r.errors, 0, r.firstError);
        assert.ok(r.ops > 0 && r.ops <= (rows === result.api ? 20 : 50));
        assert.ok(r.throughput > 0);
        assert.ok(r.latency.min <= r.latency.p50 && r.latency.p50 <= r.latency.p99);
        assert.ok(r.latency.p99 <= r.latency.max);
      }
    }
    assert.equal(result.broadcast.length, 1);
    const b = result.broadcast[0];
    assert.equal(b.workers, 2);
    assert.equal(b.expected, 3, "two fleet workers plus the osapi's own");
    assert.equal(b.complete, b.rounds, b.firstError);
    assert.equal(b.minResults, 3);
    assert.ok(result.rss.idleMiB > 10 && result.rss.loadedMiB >= result.rss.idleMiB);
    assert.ok(result.callout, "the callout engine is in the tree");
    assert.equal(result.callout.errors, 0, result.callout.firstError);
    assert.ok(result.callout.ops > 0);
    assert.ok((result.callout.service?.allowed ?? 0) >= result.callout.ops);
    // No 100-worker fleet in this run, so three targets are judged.
    assert.equal(result.targets.length, 3);
    for (const t of result.targets) assert.equal(typeof t.met, "boolean");
    const text = formatReport(result);
    assert.match(text, /raw NATS request\/reply/);
    assert.match(text, /2 workers\s+3\/3/);
  },
});
