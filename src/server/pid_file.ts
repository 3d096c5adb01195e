/**
 * The pid file of the supervised nats-server (`<data_dir>/nats/nats-server.pid`). When osapi is
 * killed outright (SIGKILL, OOM) its nats-server, which runs in its own session, survives; the
 * next start finds it through this file and stops it before starting a new one.
 */
import { delay } from "@nats-io/nats-core";
import type { Logger } from "../log.ts";

/** Records the pid of the nats-server just spawned. */
export async function writePidFile(path: string, pid: number): Promise<void> {
  await Deno.writeTextFile(path, `${pid}\n`, { mode: 0o600 });
}

/** Removes the pid file (a clean stop). */
export async function removePidFile(path: string): Promise<void> {
  await Deno.remove(path).catch(() => {});
}

async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(`/proc/${pid}/cmdline`)).replaceAll("\0", " ");
  } catch {
    return undefined; // gone (or not Linux: then nothing is stopped)
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await commandLine(pid)) === undefined) return true;
    await delay(50);
  }
  return false;
}

/**
 * Stops a nats-server left behind by a previous osapi: the process named in the pid file, only
 * if its command line still runs `configFile` (a reused pid of another program is left alone).
 * Returns the pid that was stopped, if any.
 */
export async function stopStaleServer(
  pidFile: string,
  configFile: string,
  log: Logger,
): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await Deno.readTextFile(pidFile)).trim());
  } catch {
    return undefined;
  }
  const cmd = Number.isInteger(pid) && pid > 1 ? await commandLine(pid) : undefined;
  if (cmd === undefined || !cmd.includes("nats-server") || !cmd.includes(configFile)) {
    await removePidFile(pidFile);
    return undefined;
  }
  log.warn("stopping a nats-server left behind by a previous osapi", { pid });
  for (const [signal, wait] of [["SIGTERM", 10_000], ["SIGKILL", 5_000]] as const) {
    try {
      Deno.kill(pid, signal);
    } catch { /* already gone */ }
    if (await gone(pid, wait)) break;
  }
  await removePidFile(pidFile);
  return pid;
}
