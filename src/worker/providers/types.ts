/** The contract every host provider fulfils. */
import type { Logger } from "../../log.ts";

/** Bad provider input; the API maps it to 400/422 and the worker to a failed result. */
export class ProviderInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderInputError";
  }
}

/** What a provider gets besides its input. */
export interface ProviderContext {
  /** The host name this worker answers for. */
  hostname: string;
  /** Aborted when the job must stop (shutdown, timeout). */
  signal: AbortSignal;
  log: Logger;
}

/** One host operation. Query providers only read; modify providers report `changed`. */
export interface Provider<In = Record<string, unknown>, Out = unknown> {
  /** Operation type, e.g. `system.hostname.get`. */
  readonly type: string;
  readonly kind: "query" | "modify";
  /** Checks and normalises the input; throws {@link ProviderInputError}. */
  validate(data: unknown): In;
  /** Runs the operation on this host. */
  run(input: In, ctx: ProviderContext): Promise<Out>;
}
