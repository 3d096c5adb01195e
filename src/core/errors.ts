/**
 * The one base error of osapi: every error osapi raises on purpose is an {@link OsapiError}
 * with a stable {@link ErrorCode} (callers branch on the code, never on the message wording)
 * and, when it wraps another error, that error as its `cause`. Pure: no I/O.
 */

/** Every error code, with what it means. The API maps codes to HTTP statuses in one table. */
export const ERROR_CODES = {
  // configuration and local files
  "config.invalid": "a configuration value is invalid",
  "config.secret_file": "a secret file cannot be read or has unsafe permissions",
  // requests (the API's own refusals)
  "request.invalid": "a request is malformed: JSON, types, parameters",
  "request.unsupported_media_type": "a request body is not application/json",
  "request.too_large": "a request body is larger than allowed",
  "request.unprocessable": "a well-formed request the API cannot process",
  "request.method_not_allowed": "the path does not answer this method",
  "not_found": "the addressed resource does not exist",
  "conflict": "the request conflicts with the current state",
  "internal": "an unexpected server error",
  "unavailable": "a dependency is unavailable",
  "timeout": "no answer arrived in time",
  // API authentication and authorisation
  "auth.unauthenticated": "no valid bearer token",
  "auth.token_invalid": "a bearer token is malformed, expired or wrongly signed",
  "auth.forbidden": "the caller lacks the permission an operation needs",
  // jobs
  "target.invalid": "a job target does not follow the target grammar",
  "subject.invalid": "a name cannot be used in a NATS subject",
  "operation.unknown": "no operation has this type",
  "operation.input_invalid": "an operation's input is invalid",
  "job.not_found": "no job has this id",
  "job.publish_failed": "JetStream refused or did not acknowledge a publish",
  "job.results_unavailable": "the subscription that receives job results failed",
  "job.store_unsupported": "the NATS server cannot serve a job store read",
  // NATS
  "nats.unavailable": "NATS or JetStream cannot be reached",
  "nats.auth_options": "the NATS client authentication settings are unusable",
  "nats.tls_invalid": "a TLS certificate or key file is unusable",
  "nats.resources_missing": "streams or buckets are missing and may not be created",
  "nats.consumers_unavailable": "a worker's consumers cannot be created",
  // NATS security material
  "nats_auth.key": "an nkey seed or credentials file is unusable",
  "nats_auth.jwt": "a NATS JWT is malformed or wrongly signed",
  "nats_auth.operator_store": "the operator store refuses an operation",
  "nats_auth.callout_request": "an auth callout request is malformed or forged",
  "nats_auth.account_push": "an account JWT push was refused or not answered",
  // the supervised nats-server
  "server.preflight": "the nats-server configuration fails its checks",
  "server.binary": "the nats-server binary is missing or unusable",
  "server.download": "downloading nats-server failed",
  "server.archive": "a release archive is corrupt",
  "server.render": "the nats-server configuration cannot be rendered",
  "server.admin_identity": "the supervisor's admin identity is unusable",
  "server.supervisor": "the supervised nats-server failed",
  // API client and CLI
  "client.problem": "the API answered with a problem",
  "client.unreachable": "the API cannot be reached",
  "cli.failed": "a command failed",
} as const;

/** A stable error code (see {@link ERROR_CODES}). */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An error raised by osapi: a stable `code`, a message for people, and the `cause` it wraps. */
export class OsapiError extends Error {
  /** What went wrong, stable across message rewordings. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The code of `e` when it is an {@link OsapiError}. */
export function errorCode(e: unknown): ErrorCode | undefined {
  return e instanceof OsapiError ? e.code : undefined;
}

/** The message of any thrown value (an Error's message, else its string form). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `e` and the errors it wraps, outermost first (at most 16 deep, so a cycle ends). */
export function causeChain(e: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let c = e; c !== undefined && chain.length < 16; c = (c as Error).cause) {
    chain.push(c);
    if (!(c instanceof Error)) break;
  }
  return chain;
}
