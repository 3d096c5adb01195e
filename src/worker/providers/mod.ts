/** The registry of host providers, by operation type. */
import type { Provider } from "./types.ts";
import { hostnameGet } from "./hostname.ts";

export type { Provider, ProviderContext } from "./types.ts";
export { ProviderInputError } from "./types.ts";

/** Every provider osapi ships, keyed by operation type. */
export function providerRegistry(): Map<string, Provider> {
  const all: Provider[] = [hostnameGet as Provider];
  return new Map(all.map((p) => [p.type, p]));
}
