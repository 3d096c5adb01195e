/** `node.process.get`: one process of this host. */
import { processGet as processGetOp } from "../../core/operations/process.ts";
import { getProcess } from "./process_table.ts";
import { provide } from "./types.ts";

/** The process of the pid given (a failed result when there is none). */
export const processGet = provide(processGetOp, async (input, ctx) => ({
  process: await getProcess(ctx.root, input.pid),
}));

export default processGet;
