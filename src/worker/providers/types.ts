/** The contract every host provider fulfils, and how a provider is built from its table row. */
import type { Logger } from "../../log.ts";
import type { OperationBase, OperationSpec } from "../../job/operations.ts";

/** What a provider gets besides its input. */
export interface ProviderContext {
  /** The host name this worker answers for. */
  hostname: string;
  /** Aborted when the job must stop (shutdown, timeout). */
  signal: AbortSignal;
  log: Logger;
}

/**
 * One host operation: its type, kind and input check (from the operation table, see
 * {@link provide}) and how it runs. Query providers only read; modify providers report
 * `changed`. Input the host refuses (no such interface, command not found) is an
 * `OperationInputError` from `src/core/job.ts`.
 */
export interface Provider<In = Record<string, unknown>, Out = unknown> extends OperationBase<In> {
  /** Runs the operation on this host. */
  run(input: In, ctx: ProviderContext): Promise<Out>;
}

/** The provider of table row `spec`: its type, kind and input check, and `run`. */
export function provide<In, Out>(
  spec: OperationSpec<In>,
  run: (input: In, ctx: ProviderContext) => Promise<Out>,
): Provider<In, Out> {
  return { type: spec.type, kind: spec.kind, validate: spec.validate, run };
}
