/** The benchmark result as a plain-text table. */
import type { LoadResult } from "./load.ts";
import type { BenchResult } from "./run.ts";

/** Formats rows as a left-aligned text table with a header rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function loadRow(what: string, r: LoadResult): string[] {
  return [
    what,
    String(r.concurrency),
    `${r.throughput}/s`,
    `${r.latency.p50} ms`,
    `${r.latency.p99} ms`,
    `${r.ops}${r.errors ? ` (${r.errors} errors)` : ""}`,
  ];
}

/** The whole result as text: measurements, memory, targets and notes. */
export function formatReport(r: BenchResult): string {
  const parts: string[] = [];
  parts.push(
    `osapi ${r.version} bench (${r.mode}) on ${r.host.os}/${r.host.arch}, ${r.host.cpus} CPUs, ` +
      `deno ${r.host.deno}`,
  );
  const rows = [
    ...r.rawNats.map((x) => loadRow("raw NATS request/reply", x)),
    ...r.api.map((x) => loadRow("API GET /system/hostname _any", x)),
  ];
  if (r.callout) {
    rows.push([
      "auth callout connect (API token)",
      String(r.callout.concurrency),
      `${r.callout.throughput}/s`,
      `${r.callout.latency.p50} ms`,
      `${r.callout.latency.p99} ms`,
      `${r.callout.ops}${r.callout.errors ? ` (${r.callout.errors} errors)` : ""}`,
    ]);
  } else rows.push(["auth callout connect", "-", "skipped", "-", "-", "-"]);
  parts.push(table(["measurement", "conc", "throughput", "p50", "p99", "ops"], rows));
  parts.push(table(
    ["broadcast _all", "results", "complete", "p50", "max", "ended on completion"],
    r.broadcast.map((b) => [
      `${b.workers} workers`,
      `${b.minResults}/${b.expected}`,
      `${b.complete}/${b.rounds}`,
      `${b.latency.p50} ms`,
      `${b.latency.max} ms`,
      b.endedOnCompletion ? "yes" : "NO",
    ]),
  ));
  parts.push(table(["memory (VmRSS)", "MiB"], [
    [`osapi ${r.rss.process} idle`, String(r.rss.idleMiB)],
    [`osapi ${r.rss.process} loaded (peak)`, String(r.rss.loadedMiB)],
    ...(r.rss.natsServerIdleMiB !== undefined
      ? [["nats-server idle", String(r.rss.natsServerIdleMiB)]]
      : []),
  ]));
  parts.push(table(
    ["target", "wanted", "measured", "met"],
    r.targets.map((t) => [t.name, t.target, t.measured, t.met ? "yes" : "NO"]),
  ));
  if (r.notes.length > 0) parts.push(r.notes.map((n) => `note: ${n}`).join("\n"));
  return parts.join("\n\n");
}
