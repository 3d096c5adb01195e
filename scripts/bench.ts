/**
 * `deno task bench`: benchmarks a real osapi on loopback (raw NATS baseline, API job round trip,
 * broadcast to 1/10/100 workers, RSS, auth callout) and prints a table, then the JSON.
 *
 * Flags: `--json-out <file>` also writes the JSON to a file; `--quick` runs tiny counts;
 * `--mode serve|parts` forces how osapi runs (default: serve when the CLI has it).
 */
import { parseArgs } from "node:util";
import { formatReport } from "./bench/report.ts";
import { type BenchOptions, FULL_RUN, runBench } from "./bench/run.ts";

/** Tiny counts for a quick look (and the smoke test). */
export const QUICK_RUN: BenchOptions = {
  ...FULL_RUN,
  rawCount: 500,
  apiCount: 100,
  levelMaxMs: 10_000,
  broadcastSizes: [1, 10],
  broadcastRounds: 3,
  idleSettleMs: 500,
  calloutConnections: 20,
};

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      "json-out": { type: "string" },
      quick: { type: "boolean", default: false },
      mode: { type: "string" },
    },
  });
  if (values.mode !== undefined && values.mode !== "serve" && values.mode !== "parts") {
    console.error(`--mode: invalid value ${JSON.stringify(values.mode)}; expected serve or parts`);
    Deno.exit(2);
  }
  const result = await runBench({
    ...(values.quick ? QUICK_RUN : FULL_RUN),
    mode: values.mode as BenchOptions["mode"],
    progress: (line) => console.error(line),
  });
  const json = JSON.stringify(result, null, 2);
  console.log(formatReport(result));
  console.log();
  console.log(json);
  if (values["json-out"]) await Deno.writeTextFile(values["json-out"], json + "\n");
}
