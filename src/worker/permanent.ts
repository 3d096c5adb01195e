/**
 * Which provider failures are permanent: retrying the same job on the same host cannot help (bad
 * input, a tool the provider needs is not installed, a program that does not exist), so the
 * worker stores a failed result at once instead of redelivering with back-off.
 */
import { OperationInputError } from "../core/job.ts";

/** A provider failure that no redelivery can fix (e.g. a missing tool); the message says what. */
export class PermanentProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentProviderError";
  }
}

/** True for failures that get a failed result at once (no retry). */
export function isPermanentFailure(e: unknown): boolean {
  return e instanceof OperationInputError || e instanceof PermanentProviderError ||
    e instanceof Deno.errors.NotFound;
}

/**
 * True for a failure to store a result that no retry can fix: the encoded result is larger than
 * the server's `max_payload`.
 */
export function isPermanentStoreFailure(e: unknown): boolean {
  return e instanceof Error && /max_payload|maximum payload/i.test(e.message);
}
