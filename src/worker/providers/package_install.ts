/** `node.package.install`: installs a package from the repositories or a local .deb file. */
import { packageInstall as packageInstallOp } from "../../core/operations/package.ts";
import { installPackage } from "./package_dpkg.ts";
import { provide } from "./types.ts";

/** Installs the package; unchanged when it is installed already. */
export const packageInstall = provide(packageInstallOp, async (input, ctx) => ({
  name: input.name,
  changed: await installPackage(input.name, input.file, ctx),
}));

export default packageInstall;
