/** `network.ping.do`: pings an address with the system `ping` and reports loss and RTTs. */
import { pingDo as pingDoOp } from "../../core/operations/network.ts";
import { findOnPath, runProcess } from "./process.ts";
import { PermanentProviderError } from "../permanent.ts";
import { provide } from "./types.ts";

/** Output of {@link pingDo}: OSAPI's PingResponse fields (RTTs in Go duration syntax). */
export interface PingResult {
  address: string;
  packets_sent: number;
  packets_received: number;
  /** Percent. */
  packet_loss: number;
  /** e.g. "14.637103ms"; "0s" when no reply came. */
  min_rtt: string;
  avg_rtt: string;
  max_rtt: string;
}

function trimFixed(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, "");
}

/** A duration in milliseconds written like Go's `time.Duration.String()` ("221µs", "1m30s"). */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return "0s";
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trimFixed(ns / 1e3, 3)}µs`;
  if (ns < 1e9) return `${trimFixed(ns / 1e6, 6)}ms`;
  const h = Math.floor(ns / 3.6e12);
  const m = Math.floor((ns - h * 3.6e12) / 6e10);
  const s = (ns - h * 3.6e12 - m * 6e10) / 1e9;
  return `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${trimFixed(s, 9) || "0"}s`;
}

/** The statistics of `ping` output (iputils or BusyBox), or undefined when there are none. */
export function parsePingOutput(
  text: string,
): Omit<PingResult, "address"> | undefined {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received,.*?([\d.]+)% packet loss/
    .exec(text);
  if (!counts) return undefined;
  const rtt = /min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(text);
  const [min, avg, max] = rtt ? [rtt[1], rtt[2], rtt[3]].map(Number) : [0, 0, 0];
  return {
    packets_sent: Number(counts[1]),
    packets_received: Number(counts[2]),
    packet_loss: Number(counts[3]),
    min_rtt: goDuration(min),
    avg_rtt: goDuration(avg),
    max_rtt: goDuration(max),
  };
}

/** Pings `address` `count` times within `timeout` seconds. */
export const pingDo = provide(pingDoOp, async (input, ctx): Promise<PingResult> => {
  const bin = await findOnPath("ping");
  if (bin === undefined) {
    throw new PermanentProviderError("ping is not installed on this host (package iputils-ping)");
  }
  const r = await runProcess({
    argv: [
      bin,
      "-n",
      "-c",
      String(input.count),
      "-i",
      "0.2",
      "-w",
      String(input.timeout),
      "--",
      input.address,
    ],
    env: { LC_ALL: "C" },
    // ping stops itself at the deadline; this only guards against a hung ping.
    timeoutMs: (input.timeout + 5) * 1000,
    signal: ctx.signal,
  });
  const stats = parsePingOutput(r.stdout);
  if (stats === undefined) {
    const why = r.stderr.trim() || r.stdout.trim() || `exit ${r.exit_code}`;
    throw new Error(`ping ${input.address} failed: ${why}`);
  }
  return { address: input.address, ...stats };
});

export default pingDo;
