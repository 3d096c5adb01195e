/** `node.package.delete`: removes a package. */
import { packageDelete as packageDeleteOp } from "../../core/operations/package.ts";
import { removePackage } from "./package_dpkg.ts";
import { provide } from "./types.ts";

/** Removes the package; unchanged when it is not installed. */
export const packageDelete = provide(packageDeleteOp, async (input, ctx) => ({
  name: input.name,
  changed: await removePackage(input.name, ctx),
}));

export default packageDelete;
