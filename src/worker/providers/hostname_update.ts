/**
 * `node.hostname.update`: writes `<root>/etc/hostname` and, on the live system (root "/"), sets
 * the running host name with `hostnamectl` (or `hostname` where there is no systemd).
 */
import {
  hostnameUpdate as hostnameUpdateOp,
  type HostnameUpdateInput,
} from "../../core/operations/node.ts";
import { findOnPath } from "./process.ts";
import {
  isLiveRoot,
  readTextIfExists,
  rootPath,
  runTool,
  systemdRunning,
  writeTextAtomic,
} from "./root.ts";
import { provide, type Provider } from "./types.ts";

/** Output of `node.hostname.update`. */
export interface HostnameUpdateResult {
  /** False when the host name already was the one given (nothing written). */
  changed: boolean;
}

/** Sets the running host name on the live system. */
async function setLive(name: string, signal: AbortSignal): Promise<void> {
  const hostnamectl = await findOnPath("hostnamectl");
  if (hostnamectl && await systemdRunning()) {
    await runTool([hostnamectl, "set-hostname", name], signal);
  } else {
    await runTool(["hostname", name], signal);
  }
}

/** Sets the host name of the node whose root is `ctx.root`. */
export const hostnameUpdate: Provider<HostnameUpdateInput, HostnameUpdateResult> = provide(
  hostnameUpdateOp,
  async (input, ctx) => {
    const file = rootPath(ctx.root, "etc/hostname");
    const live = isLiveRoot(ctx.root);
    const current = (await readTextIfExists(file))?.trim();
    const fileChanged = current !== input.hostname;
    const liveChanged = live && Deno.hostname() !== input.hostname;
    ctx.signal.throwIfAborted();
    if (fileChanged) await writeTextAtomic(file, `${input.hostname}\n`);
    if (liveChanged) await setLive(input.hostname, ctx.signal);
    const changed = fileChanged || liveChanged;
    if (changed) ctx.log.info("host name set", { hostname: input.hostname, root: ctx.root });
    return { changed };
  },
);

export default hostnameUpdate;
