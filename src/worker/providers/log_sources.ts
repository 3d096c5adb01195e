/** `node.log.sources`: the log sources (syslog identifiers) of this host's journal. */
import { logSources as logSourcesOp } from "../../core/operations/log.ts";
import { readSources } from "./log_journal.ts";
import { provide } from "./types.ts";

/** Lists the identifiers found in the journal. */
export const logSources = provide(logSourcesOp, async (_input, ctx) => ({
  sources: await readSources(ctx.root, ctx.signal),
}));

export default logSources;
