/** `system.hostname.get`: the host name of this machine. */
import { noInputQuery } from "./input.ts";

/** Output of {@link hostnameGet}. */
export interface HostnameResult {
  hostname: string;
}

/** Reads the system host name. */
export const hostnameGet = noInputQuery<HostnameResult>(
  "system.hostname.get",
  () => Promise.resolve({ hostname: Deno.hostname() }),
);
