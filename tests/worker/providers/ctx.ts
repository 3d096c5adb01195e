/** A ProviderContext for provider tests. */
import { silent } from "../../../src/log.ts";
import type { ProviderContext } from "../../../src/worker/providers/mod.ts";

/** A context with a quiet logger and, unless given, a signal that never aborts. */
export function testContext(signal: AbortSignal = new AbortController().signal): ProviderContext {
  return { hostname: Deno.hostname(), signal, log: silent };
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
