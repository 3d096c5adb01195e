/** The registry of host providers, by operation type, and the description of their inputs. */
import type { Provider } from "./types.ts";
import { type InputSchema, noInput } from "./input.ts";
import { hostnameGet } from "./hostname.ts";
import { statusGet } from "./status.ts";
import { uptimeGet } from "./uptime.ts";
import { osGet } from "./os.ts";
import { diskGet } from "./disk.ts";
import { memoryGet } from "./memory.ts";
import { loadGet } from "./load.ts";
import { dnsGet, dnsGetInput } from "./dns_get.ts";
import { dnsUpdate, dnsUpdateInput } from "./dns_update.ts";
import { pingDo, pingInput } from "./ping.ts";
import { commandExec, commandExecInput } from "./command_exec.ts";
import { commandShell, commandShellInput } from "./command_shell.ts";

export type { Provider, ProviderContext } from "./types.ts";
export { ProviderInputError } from "./types.ts";
export type { InputField, InputSchema } from "./input.ts";

/** A provider with the JSON Schema of its input. */
interface Entry {
  provider: Provider;
  input: InputSchema;
}

function entries(): Entry[] {
  const e = <I, O>(provider: Provider<I, O>, input: InputSchema): Entry => ({
    provider: provider as unknown as Provider,
    input,
  });
  return [
    e(hostnameGet, noInput),
    e(statusGet, noInput),
    e(uptimeGet, noInput),
    e(osGet, noInput),
    e(diskGet, noInput),
    e(memoryGet, noInput),
    e(loadGet, noInput),
    e(dnsGet, dnsGetInput),
    e(dnsUpdate, dnsUpdateInput),
    e(pingDo, pingInput),
    e(commandExec, commandExecInput),
    e(commandShell, commandShellInput),
  ];
}

/** Every provider osapi ships, keyed by operation type. */
export function providerRegistry(): Map<string, Provider> {
  return new Map(entries().map(({ provider }) => [provider.type, provider]));
}

/**
 * The input of every provider, keyed by operation type, as JSON Schema (closed objects of
 * strings, integers, string arrays and string maps, with lengths, ranges and defaults). For
 * the API's request schemas and docs; the provider's own `validate` stays authoritative (it
 * also checks what a schema cannot say: IP addresses, host names, argv vs command/args).
 */
export function providerInputSchemas(): Map<string, InputSchema> {
  return new Map(entries().map(({ provider, input }) => [provider.type, input]));
}
