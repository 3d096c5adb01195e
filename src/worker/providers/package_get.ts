/** `node.package.get`: one installed package of this host. */
import { OperationInputError } from "../../core/job.ts";
import { packageGet as packageGetOp } from "../../core/operations/package.ts";
import { queryPackages } from "./package_dpkg.ts";
import { provide } from "./types.ts";

/** The package given; a package dpkg does not know fails on this host. */
export const packageGet = provide(packageGetOp, async (input, ctx) => {
  const found = (await queryPackages(ctx, input.name)).filter((p) => p.name === input.name);
  if (found.length === 0) {
    throw new OperationInputError(`package ${input.name} is not installed on this host`, "name");
  }
  return { packages: found };
});

export default packageGet;
