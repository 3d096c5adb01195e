/** `node.cron.get`: one cron entry osapi manages on this host. */
import { cronGet as cronGetOp } from "../../core/operations/cron.ts";
import { getEntry } from "./cron_config.ts";
import { provide } from "./types.ts";

/** The managed entry of the name given (none fails on this host). */
export const cronGet = provide(cronGetOp, (input, ctx) => getEntry(ctx.root, input.name));

export default cronGet;
