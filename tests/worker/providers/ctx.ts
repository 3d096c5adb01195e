/** A ProviderContext for provider tests. */
import { silent } from "../../../src/log.ts";
import type { ProviderContext } from "../../../src/worker/providers/mod.ts";

/**
 * A context with a quiet logger, a signal that never aborts (unless given) and `root` as the
 * providers' root (default: a directory that does not exist, so nothing of the host is touched).
 */
export function testContext(
  signal: AbortSignal = new AbortController().signal,
  root = "/nonexistent/osapi-test-root",
): ProviderContext {
  return { hostname: Deno.hostname(), signal, log: silent, root };
}

/** True when process `pid` is gone (or a zombie waiting to be reaped). */
export async function processGone(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}
