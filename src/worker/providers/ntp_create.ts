/** `node.ntp.create`: starts managing the NTP servers of this host. */
import { ntpCreate as ntpCreateOp } from "../../core/operations/ntp.ts";
import { setManaged } from "./ntp_config.ts";
import { provide } from "./types.ts";

/** Writes osapi's drop-in with the servers given (see `setManaged`). */
export const ntpCreate = provide(
  ntpCreateOp,
  (input, ctx) => setManaged(input.servers, "create", ctx),
);

export default ntpCreate;
