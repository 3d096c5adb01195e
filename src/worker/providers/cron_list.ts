/** `node.cron.list`: the cron entries osapi manages on this host. */
import { cronList as cronListOp } from "../../core/operations/cron.ts";
import { type CronEntry, listEntries } from "./cron_config.ts";
import { provide } from "./types.ts";

/** Lists the managed entries of cron.d and the interval directories. */
export const cronList = provide(
  cronListOp,
  async (_input, ctx): Promise<{ entries: CronEntry[] }> => ({
    entries: await listEntries(ctx.root),
  }),
);

export default cronList;
