/** `node.ntp.update`: replaces the NTP servers osapi manages on this host. */
import { ntpUpdate as ntpUpdateOp } from "../../core/operations/ntp.ts";
import { setManaged } from "./ntp_config.ts";
import { provide } from "./types.ts";

/** Writes osapi's drop-in with the servers given (see `setManaged`). */
export const ntpUpdate = provide(
  ntpUpdateOp,
  (input, ctx) => setManaged(input.servers, "update", ctx),
);

export default ntpUpdate;
