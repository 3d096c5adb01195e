/** `node.process.list`: the processes of this host. */
import { processList as processListOp } from "../../core/operations/process.ts";
import { listProcesses } from "./process_table.ts";
import { provide } from "./types.ts";

/** Lists the processes of the root's `/proc`. */
export const processList = provide(processListOp, (_input, ctx) => listProcesses(ctx.root));

export default processList;
