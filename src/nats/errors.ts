/**
 * Recognising nats.js errors by their classes and JetStream API codes (never by message text).
 * Each test looks at the error and at every error it wraps (`cause`), since JetStream and KV
 * wrap the core errors they meet.
 */
import { errors } from "@nats-io/nats-core";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { causeChain } from "../core/errors.ts";

/** JetStream API error code: a stream of that name exists with another configuration. */
export const STREAM_NAME_IN_USE = 10058;

/** The first error of `e`'s cause chain that is an instance of `cls`. */
export function findError<T extends Error>(
  e: unknown,
  cls: abstract new (...args: never[]) => T,
): T | undefined {
  return causeChain(e).find((c): c is T => c instanceof cls);
}

/** The JetStream API error code (e.g. 10059 stream not found) of `e`, when JetStream answered. */
export function jetStreamApiCode(e: unknown): number | undefined {
  return findError(e, JetStreamApiError)?.code;
}

/** True when JetStream answered that the stream does not exist. */
export function isStreamNotFound(e: unknown): boolean {
  return jetStreamApiCode(e) === JetStreamApiCodes.StreamNotFound;
}

/** True when JetStream answered that the consumer does not exist. */
export function isConsumerNotFound(e: unknown): boolean {
  return jetStreamApiCode(e) === JetStreamApiCodes.ConsumerNotFound;
}

/** True when nats-server refused a subject to this user (a permissions violation). */
export function isPermissionViolation(e: unknown): boolean {
  return findError(e, errors.PermissionViolationError) !== undefined;
}

/** True when nobody listens on a request's subject. */
export function isNoResponders(e: unknown): boolean {
  return findError(e, errors.NoRespondersError) !== undefined ||
    findError(e, errors.RequestError)?.isNoResponders() === true;
}
