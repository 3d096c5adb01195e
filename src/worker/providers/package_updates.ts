/** `node.package.updates`: the packages with a newer version in the package lists. */
import { packageUpdates as packageUpdatesOp } from "../../core/operations/package.ts";
import { availableUpdates } from "./package_dpkg.ts";
import { provide } from "./types.ts";

/** Lists the available updates (`apt list --upgradable`). */
export const packageUpdates = provide(packageUpdatesOp, async (_input, ctx) => ({
  updates: await availableUpdates(ctx),
}));

export default packageUpdates;
