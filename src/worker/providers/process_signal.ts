/**
 * `node.process.signal`: sends an allowed signal to a process of the live system. Refused for
 * pid 1, the worker's own process, and on a root other than "/" (signals are live-only).
 */
import { OperationInputError } from "../../core/job.ts";
import { processSignal as processSignalOp } from "../../core/operations/process.ts";
import { PermanentProviderError } from "../permanent.ts";
import { getProcess } from "./process_table.ts";
import { isLiveRoot } from "./root.ts";
import { provide } from "./types.ts";

/** Sends the signal; changed is true once it was delivered. */
export const processSignal = provide(processSignalOp, async (input, ctx) => {
  const { pid, signal } = input;
  if (!isLiveRoot(ctx.root)) {
    throw new PermanentProviderError(
      `process signals are live-only: this worker's root is ${ctx.root}, not /`,
    );
  }
  if (pid === 1) throw new OperationInputError("refusing to signal pid 1 (init)", "pid");
  if (pid === Deno.pid) {
    throw new OperationInputError(`refusing to signal the worker itself (pid ${pid})`, "pid");
  }
  await getProcess(ctx.root, pid);
  try {
    Deno.kill(pid, `SIG${signal}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new OperationInputError(`no process with pid ${pid} on this host`, "pid");
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new PermanentProviderError(`not permitted to signal pid ${pid}`);
    }
    throw e;
  }
  ctx.log.info("signal sent", { pid, signal });
  return { pid, signal, changed: true };
});

export default processSignal;
