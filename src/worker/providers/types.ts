/** The contract every host provider fulfils, and how a provider is built from its declaration. */
import type { Logger } from "../../log.ts";
import type { DeploymentLog, FileFetch } from "../../core/files.ts";
import {
  checkInput,
  type InputOf,
  type InputSchema,
  type OperationCheck,
  type OperationDef,
} from "../../core/operations/mod.ts";

/** What a provider gets besides its input. */
export interface ProviderContext {
  /** The host name this worker answers for. */
  hostname: string;
  /** Aborted when the job must stop (shutdown, timeout). */
  signal: AbortSignal;
  log: Logger;
  /**
   * The directory holding the host's `etc/`, `var/`, ... ("/" in production; tests give a
   * temporary directory). Files are reached through `rootPath`; live changes (sysctl -w,
   * hostnamectl) are made only when it is "/".
   */
  root: string;
  /** Reads a file of the object store (set by the worker; absent: no file store). */
  files?: FileFetch;
  /** Where deployed files are recorded for the API (set by the worker; absent: nowhere). */
  deployments?: DeploymentLog;
}

/**
 * One host operation: its type, kind and input check (from its declaration, see
 * {@link provide}) and how it runs. Query providers only read; modify providers report
 * `changed`. Input the host refuses (no such interface, command not found) is an
 * `OperationInputError` from `src/core/job.ts`.
 */
export interface Provider<In = Record<string, unknown>, Out = unknown> extends OperationCheck {
  validate(data: unknown): In;
  /** Runs the operation on this host. */
  run(input: In, ctx: ProviderContext): Promise<Out>;
}

/** The provider of operation `op`: its type, kind and input check, and `run`. */
export function provide<const S extends InputSchema, Out>(
  op: OperationDef<S>,
  run: (input: InputOf<OperationDef<S>>, ctx: ProviderContext) => Promise<Out>,
): Provider<InputOf<OperationDef<S>>, Out> {
  return { type: op.type, kind: op.kind, validate: (data) => checkInput(op, data), run };
}
