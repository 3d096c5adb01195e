/** A ProviderContext for provider tests. */
import { silent } from "../../../src/log.ts";
import { type FileObject, sha256Hex } from "../../../src/core/files.ts";
import { OperationInputError } from "../../../src/core/job.ts";
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

/** True when process `pid` is gone now (or a zombie waiting to be reaped). */
async function goneNow(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/**
 * True when process `pid` is gone (or a zombie) within `withinMs`: a process sent a signal
 * a moment ago may still be exiting. False when it is still alive after that.
 */
export async function processGone(pid: number, withinMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await goneNow(pid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A file of the object store named `name` holding `text`, as `ctx.files` returns it. */
export async function stored(name: string, text: string): Promise<FileObject> {
  const data = new TextEncoder().encode(text);
  return {
    info: {
      name,
      sha256: await sha256Hex(data),
      size: data.length,
      content_type: "raw",
      source: "user",
    },
    data,
  };
}

/** `ctx` with an object store holding `objects` (name to text). */
export async function withFiles(
  ctx: ProviderContext,
  objects: Record<string, string>,
): Promise<ProviderContext> {
  const map = new Map<string, FileObject>();
  for (const [name, text] of Object.entries(objects)) map.set(name, await stored(name, text));
  return { ...ctx, files: (n: string) => Promise.resolve(map.get(n)) };
}

/** A check of `assert.rejects`: an input error naming `object` whose message matches. */
export function objectError(message: RegExp): (e: Error) => boolean {
  return (e) => e instanceof OperationInputError && e.field === "object" && message.test(e.message);
}
