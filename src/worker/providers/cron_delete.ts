/** `node.cron.delete`: removes a cron entry osapi manages. */
import { cronDelete as cronDeleteOp } from "../../core/operations/cron.ts";
import { editEntry } from "./cron_config.ts";
import { provide } from "./types.ts";

/** Removes the entry's file; unchanged when there is none. */
export const cronDelete = provide(cronDeleteOp, async (input, ctx) => ({
  name: input.name,
  changed: await editEntry(ctx, input.name, () => null),
}));

export default cronDelete;
