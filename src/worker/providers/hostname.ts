/** `system.hostname.get`: the host name of this machine. */
import { hostnameGet as hostnameGetOp } from "../../core/operations/system.ts";
import { provide } from "./types.ts";

/** Output of {@link hostnameGet}. */
export interface HostnameResult {
  hostname: string;
}

/** Reads the system host name. */
export const hostnameGet = provide(
  hostnameGetOp,
  (): Promise<HostnameResult> => Promise.resolve({ hostname: Deno.hostname() }),
);

export default hostnameGet;
