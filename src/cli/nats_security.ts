/** What the NATS security commands (keys, operator, account, user, callout) share. */
import { AccountPushError } from "../nats_auth/account_push.ts";
import { CalloutRequestError } from "../nats_auth/callout.ts";
import { NatsJwtError } from "../nats_auth/nats_jwt.ts";
import { NatsKeyError } from "../nats_auth/nats_keys.ts";
import { operatorDir } from "../config/state_layout.ts";
import { OperatorStore, OperatorStoreError } from "../nats_auth/operator_store.ts";
import type { Config } from "../config/schema.ts";
import { DURATION_HELP, parseDuration } from "../config/units.ts";
import { NatsAuthError } from "../nats/auth_options.ts";
import { RouteError } from "../core/targets.ts";
import { CliError, EXIT_CONFIG, EXIT_FAILURE } from "./context.ts";

/** Splits a comma-separated option value (repeatable options are joined first). */
export function commaList(values: string | string[] | undefined): string[] {
  const all = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return all.flatMap((v) => v.split(",")).map((s) => s.trim()).filter((s) => s !== "");
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses an `--expires` duration into milliseconds (0 or "never": no expiry). */
export function parseExpires(text: string | undefined): number {
  if (text === undefined || text === "" || text === "0" || text === "never") return 0;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 1000) {
    throw new CliError(
      `--expires ${JSON.stringify(text)}: expected ${DURATION_HELP} (at least 1s), or never`,
      EXIT_CONFIG,
    );
  }
  return ms;
}

/** The operator store named by `--dir` or the configuration. */
export function storeFor(config: Config, dir?: string): OperatorStore {
  return new OperatorStore(dir ?? operatorDir(config));
}

/** Known errors of the NATS security modules become CLI errors with the right exit code. */
export function securityError(e: unknown): unknown {
  if (
    e instanceof NatsKeyError || e instanceof NatsJwtError || e instanceof OperatorStoreError ||
    e instanceof RouteError
  ) {
    return new CliError(e.message, EXIT_CONFIG);
  }
  if (e instanceof AccountPushError || e instanceof CalloutRequestError) {
    return new CliError(e.message, EXIT_FAILURE);
  }
  if (e instanceof NatsAuthError) return new CliError(e.message, EXIT_CONFIG);
  return e;
}

/** Runs a command body, translating known errors. */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw securityError(e);
  }
}

/** Prints the outcome of account pushes. */
export function printPush(
  out: { account: { name: string }; result: { server?: string; message: string } }[],
): void {
  for (const o of out) {
    console.log(`pushed ${o.account.name}: ${o.result.message} (server ${o.result.server ?? "?"})`);
  }
}
