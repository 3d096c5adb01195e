/** `node.package.update`: refreshes the package sources (`apt-get update`). */
import { packageUpdate as packageUpdateOp } from "../../core/operations/package.ts";
import { updateSources } from "./package_dpkg.ts";
import { provide } from "./types.ts";

/** Updates the package lists; changed when they changed. */
export const packageUpdate = provide(packageUpdateOp, async (_input, ctx) => ({
  changed: await updateSources(ctx),
}));

export default packageUpdate;
