/** `system.load.get`: the 1, 5 and 15 minute load averages, from /proc/loadavg. */
import { loadGet as loadGetOp } from "../../core/operations/system.ts";
import { provide } from "./types.ts";

/** Output of {@link loadGet}: OSAPI's LoadAverageResponse. */
export interface LoadAverage {
  "1min": number;
  "5min": number;
  "15min": number;
}

/** The load averages from the text of /proc/loadavg. */
export function parseLoadavg(text: string): LoadAverage {
  const [a, b, c] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (![a, b, c].every((n) => Number.isFinite(n) && n >= 0)) {
    throw new Error(`unexpected /proc/loadavg content: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return { "1min": a, "5min": b, "15min": c };
}

/** Reads the load averages of this host. */
export async function readLoad(path = "/proc/loadavg"): Promise<LoadAverage> {
  return parseLoadavg(await Deno.readTextFile(path));
}

/** Reports the load averages. */
export const loadGet = provide(loadGetOp, () => readLoad());

export default loadGet;
