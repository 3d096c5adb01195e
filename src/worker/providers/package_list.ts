/** `node.package.list`: the installed packages of this host. */
import { packageList as packageListOp } from "../../core/operations/package.ts";
import { queryPackages } from "./package_dpkg.ts";
import { provide } from "./types.ts";

/** Lists the packages dpkg knows (not-installed ones left out). */
export const packageList = provide(packageListOp, async (_input, ctx) => ({
  packages: await queryPackages(ctx),
}));

export default packageList;
