/**
 * `node.timezone.update`: sets the time zone of this host (`/etc/timezone`, `/etc/localtime`);
 * on the live system with systemd, `timedatectl` is told as well.
 */
import { timezoneUpdate as timezoneUpdateOp } from "../../core/operations/timezone.ts";
import { findOnPath } from "./process.ts";
import { isLiveRoot, runTool, systemdRunning } from "./root.ts";
import { checkZone, writeTimezone } from "./timezone_config.ts";
import { provide } from "./types.ts";

/** Sets the zone given (it must have a zone file); unchanged when it already is the zone. */
export const timezoneUpdate = provide(timezoneUpdateOp, async (input, ctx) => {
  await checkZone(ctx.root, input.timezone);
  ctx.signal.throwIfAborted();
  const changed = await writeTimezone(ctx.root, input.timezone);
  if (changed && isLiveRoot(ctx.root) && await systemdRunning()) {
    const timedatectl = await findOnPath("timedatectl");
    if (timedatectl) await runTool([timedatectl, "set-timezone", input.timezone], ctx.signal);
  }
  if (changed) ctx.log.info("time zone set", { timezone: input.timezone, root: ctx.root });
  return { timezone: input.timezone, changed };
});

export default timezoneUpdate;
