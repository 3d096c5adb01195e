/** `system.uptime.get`: time since boot, from /proc/uptime. */
import { uptimeGet as uptimeGetOp } from "../../core/operations/system.ts";
import { provide } from "./types.ts";

/** Output of {@link uptimeGet}. */
export interface UptimeInfo {
  /** Human form, as OSAPI prints it: "0 days, 4 hours, 1 minute". */
  uptime: string;
  /** Whole seconds since boot. */
  uptime_seconds: number;
}

/** Seconds since boot from the text of /proc/uptime. */
export function parseUptime(text: string): number {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`unexpected /proc/uptime content: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return Math.floor(seconds);
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** "D days, H hours, M minutes" for a number of seconds. */
export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${plural(days, "day")}, ${plural(hours, "hour")}, ${plural(minutes, "minute")}`;
}

/** Reads the uptime of this host. */
export async function readUptime(path = "/proc/uptime"): Promise<UptimeInfo> {
  const seconds = parseUptime(await Deno.readTextFile(path));
  return { uptime: formatUptime(seconds), uptime_seconds: seconds };
}

/** Reports the time since boot. */
export const uptimeGet = provide(uptimeGetOp, () => readUptime());

export default uptimeGet;
