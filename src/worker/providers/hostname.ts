/** `system.hostname.get`: the host name of this machine. */
import type { Provider } from "./types.ts";
import { ProviderInputError } from "./types.ts";

/** Output of {@link hostnameGet}. */
export interface HostnameResult {
  hostname: string;
}

/** Reads the system host name. */
export const hostnameGet: Provider<Record<string, never>, HostnameResult> = {
  type: "system.hostname.get",
  kind: "query",
  validate(data) {
    if (
      data !== undefined && data !== null &&
      (typeof data !== "object" || Object.keys(data).length > 0)
    ) {
      throw new ProviderInputError("system.hostname.get takes no input");
    }
    return {};
  },
  run() {
    return Promise.resolve({ hostname: Deno.hostname() });
  },
};
