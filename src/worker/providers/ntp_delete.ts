/** `node.ntp.delete`: removes osapi's NTP drop-in from this host. */
import { ntpDelete as ntpDeleteOp } from "../../core/operations/ntp.ts";
import { deleteManaged } from "./ntp_config.ts";
import { provide } from "./types.ts";

/** Removes the drop-in (the client's own servers apply again); unchanged when there is none. */
export const ntpDelete = provide(ntpDeleteOp, (_input, ctx) => deleteManaged(ctx));

export default ntpDelete;
