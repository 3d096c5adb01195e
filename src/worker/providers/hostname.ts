/** `system.hostname.get`: the host name of this machine. */
import { hostnameGetOp } from "../../job/operations.ts";
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
