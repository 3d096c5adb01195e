/** `node.timezone.get`: the time zone of this host and its current UTC offset. */
import { timezoneGet as timezoneGetOp } from "../../core/operations/timezone.ts";
import { readTimezone, utcOffset } from "./timezone_config.ts";
import { provide } from "./types.ts";

/** Reads the zone of the root; `utc_offset` is left out for a zone the runtime does not know. */
export const timezoneGet = provide(timezoneGetOp, async (_input, ctx) => {
  const timezone = await readTimezone(ctx.root);
  const offset = utcOffset(timezone);
  return { timezone, ...(offset ? { utc_offset: offset } : {}) };
});

export default timezoneGet;
