/**
 * Messages for a listen port that cannot be bound: why (in use, permission, address), and how to
 * change the key without editing a file (its `OSAPI_*` variable and `--set`).
 */
import { envName } from "./walk.ts";

/** `"change it with OSAPI_X=<value> or --set x=<value> (or in the configuration file)"`. */
export function overrideHint(key: string, value = "<value>"): string {
  return `change it with ${envName(key.split("."))}=${value} or --set ${key}=${value} ` +
    "(or in the configuration file)";
}

/** Why a listen failed, for the known cases (undefined for any other error). */
export function bindFailure(e: unknown, usualSuspect: string): string | undefined {
  return e instanceof Deno.errors.AddrInUse
    ? `is already in use (${usualSuspect} or program listens there)`
    : e instanceof Deno.errors.PermissionDenied
    ? "cannot be bound: permission denied"
    : e instanceof Deno.errors.AddrNotAvailable
    ? "cannot be bound: the address is not on this host"
    : undefined;
}
