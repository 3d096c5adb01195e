/** `node.log.entries`: the newest entries of this host's systemd journal. */
import { logEntries as logEntriesOp } from "../../core/operations/log.ts";
import { readEntries } from "./log_journal.ts";
import { provide } from "./types.ts";

/** Reads the entries matching the filters given. */
export const logEntries = provide(
  logEntriesOp,
  (input, ctx) => readEntries(ctx.root, input, ctx.signal),
);

export default logEntries;
