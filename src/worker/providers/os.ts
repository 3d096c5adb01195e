/** `system.os.get`: distribution and version from os-release, and the kernel release. */
import { osGet as osGetOp } from "../../core/operations/system.ts";
import { provide } from "./types.ts";

/** Output of {@link osGet}: OSAPI's OSInfoResponse (distribution, version) and more. */
export interface OsInfo {
  /** NAME, e.g. "Debian GNU/Linux" or "Ubuntu". */
  distribution: string;
  /** VERSION_ID, e.g. "12" or "24.04" (empty on rolling releases). */
  version: string;
  /** ID, e.g. "debian". */
  id: string;
  pretty_name: string;
  /** Kernel release, e.g. "6.1.0-18-amd64". */
  kernel: string;
}

/** The key/value pairs of an os-release file (quotes and backslash escapes removed). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const m = /^\s*([A-Za-z0-9_]+)=(.*)$/.exec(raw);
    if (!m) continue;
    let value = m[2].trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\([\\"$`])/g, "$1");
    }
    out[m[1]] = value;
  }
  return out;
}

async function readFirst(paths: string[]): Promise<string> {
  for (const p of paths) {
    try {
      return await Deno.readTextFile(p);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  throw new Error(`no os-release file (looked at ${paths.join(", ")})`);
}

/** Reads the OS facts of this host. */
export async function readOs(
  osReleasePaths = ["/etc/os-release", "/usr/lib/os-release"],
): Promise<OsInfo> {
  const rel = parseOsRelease(await readFirst(osReleasePaths));
  let kernel: string;
  try {
    kernel = (await Deno.readTextFile("/proc/sys/kernel/osrelease")).trim();
  } catch {
    kernel = Deno.osRelease();
  }
  return {
    distribution: rel.NAME ?? rel.ID ?? "Linux",
    version: rel.VERSION_ID ?? "",
    id: rel.ID ?? "",
    pretty_name: rel.PRETTY_NAME ?? rel.NAME ?? "",
    kernel,
  };
}

/** Reports the operating system. */
export const osGet = provide(osGetOp, () => readOs());

export default osGet;
