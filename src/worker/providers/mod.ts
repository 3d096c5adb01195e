/** The registry of host providers, by operation type (one per row of the operation table). */
import type { Provider } from "./types.ts";
import { hostnameGet } from "./hostname.ts";
import { statusGet } from "./status.ts";
import { uptimeGet } from "./uptime.ts";
import { osGet } from "./os.ts";
import { diskGet } from "./disk.ts";
import { memoryGet } from "./memory.ts";
import { loadGet } from "./load.ts";
import { dnsGet } from "./dns_get.ts";
import { dnsUpdate } from "./dns_update.ts";
import { pingDo } from "./ping.ts";
import { commandExec } from "./command_exec.ts";
import { commandShell } from "./command_shell.ts";

export type { Provider, ProviderContext } from "./types.ts";
export { provide } from "./types.ts";

/** Every provider osapi ships, keyed by operation type. */
export function providerRegistry(): Map<string, Provider> {
  const all: Provider<unknown>[] = [
    hostnameGet,
    statusGet,
    uptimeGet,
    osGet,
    diskGet,
    memoryGet,
    loadGet,
    dnsGet,
    dnsUpdate,
    pingDo,
    commandExec,
    commandShell,
  ];
  return new Map(all.map((p) => [p.type, p as unknown as Provider]));
}
