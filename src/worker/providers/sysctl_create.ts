/** `node.sysctl.create`: starts managing a sysctl parameter (persisted, applied live). */
import { sysctlCreate as sysctlCreateOp } from "../../core/operations/sysctl.ts";
import { setManaged } from "./sysctl_config.ts";
import { provide } from "./types.ts";

/** Persists and applies the parameter; unchanged when already managed with this value. */
export const sysctlCreate = provide(sysctlCreateOp, async (input, ctx) => ({
  key: input.key,
  changed: await setManaged(input, "create", ctx),
}));

export default sysctlCreate;
