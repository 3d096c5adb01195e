/** `node.log.unit`: the newest journal entries of one unit of this host. */
import { logUnit as logUnitOp } from "../../core/operations/log.ts";
import { readEntries } from "./log_journal.ts";
import { provide } from "./types.ts";

/** Reads the unit's entries matching the filters given. */
export const logUnit = provide(logUnitOp, (input, ctx) => readEntries(ctx.root, input, ctx.signal));

export default logUnit;
