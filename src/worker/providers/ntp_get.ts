/** `node.ntp.get`: the NTP client of this host, its servers and its synchronisation status. */
import { ntpGet as ntpGetOp } from "../../core/operations/ntp.ts";
import {
  configuredServers,
  detectBackend,
  liveStatus,
  type NtpStatus,
  readManaged,
} from "./ntp_config.ts";
import { provide } from "./types.ts";

/** The servers in effect; the status on the live system (else `status_error` says why not). */
export const ntpGet = provide(ntpGetOp, async (_input, ctx) => {
  const backend = await detectBackend(ctx.root);
  const managed = await readManaged(ctx.root, backend);
  const servers = await configuredServers(ctx.root, backend);
  const status = await liveStatus(backend, ctx).then(
    (s): NtpStatus & { status_error?: string } => s,
    (e: Error) => ({ status_error: e.message }),
  );
  return { backend, managed: managed !== undefined, servers, ...status };
});

export default ntpGet;
