/** `node.file.undeploy`: removes a file osapi deployed. */
import { fileUndeploy as fileUndeployOp } from "../../core/operations/file.ts";
import { OperationInputError } from "../../core/job.ts";
import { editManifest, hostFile, onDisk, readManifest } from "./file_config.ts";
import { removeIfExists, serialized } from "./root.ts";
import { provide } from "./types.ts";

/** Removes the file and its manifest entry; refuses a file osapi did not deploy. */
export const fileUndeploy = provide(fileUndeployOp, async (input, ctx) => {
  const file = hostFile(ctx.root, input.path);
  const changed = await serialized(file, async () => {
    const managed = (await readManifest(ctx.root))[input.path] !== undefined;
    const there = await onDisk(file, input.path);
    if (!managed) {
      if (there) {
        throw new OperationInputError(
          `${input.path} was not deployed by osapi on this host: not removed`,
          "path",
        );
      }
      return false;
    }
    ctx.signal.throwIfAborted();
    await removeIfExists(file);
    await editManifest(ctx.root, (m) => delete m[input.path]);
    await ctx.deployments?.remove(input.path);
    return true;
  });
  if (changed) ctx.log.info("file undeployed", { path: input.path });
  return { path: input.path, changed };
});

export default fileUndeploy;
