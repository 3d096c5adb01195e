/** `node.file.deploy`: writes a file of the object store at a path with its mode and owner. */
import { fileDeploy as fileDeployOp } from "../../core/operations/file.ts";
import {
  editManifest,
  hostFile,
  octal,
  onDisk,
  resolveId,
  writeFileAtomic,
} from "./file_config.ts";
import { fetchObject } from "./object_content.ts";
import { serialized } from "./root.ts";
import { provide } from "./types.ts";

/**
 * Fetches the object, checks its SHA-256, and writes it unless the path already holds that
 * content with that mode and owner; records the path in the manifest either way.
 */
export const fileDeploy = provide(fileDeployOp, async (input, ctx) => {
  const obj = await fetchObject(ctx, input.object_name, "object_name");
  const sha256 = obj.sha256;
  const mode = parseInt(input.mode ?? "0644", 8);
  const file = hostFile(ctx.root, input.path);
  const changed = await serialized(file, async () => {
    const now = await onDisk(file, input.path);
    const uid = input.owner !== undefined
      ? await resolveId(ctx.root, "passwd", input.owner)
      : now?.uid;
    const gid = input.group !== undefined
      ? await resolveId(ctx.root, "group", input.group)
      : now?.gid;
    const inPlace = now !== undefined && now.sha256 === sha256 && now.mode === octal(mode) &&
      (uid === undefined || now.uid === uid) && (gid === undefined || now.gid === gid);
    ctx.signal.throwIfAborted();
    if (!inPlace) await writeFileAtomic(file, obj.data, mode, uid, gid);
    const after = await onDisk(file, input.path);
    const deployed_at = new Date().toISOString();
    let recorded = false;
    await editManifest(ctx.root, (m) => {
      const prev = m[input.path];
      if (inPlace && prev?.sha256 === sha256 && prev.object_name === input.object_name) {
        return false;
      }
      m[input.path] = {
        object_name: input.object_name,
        sha256,
        mode: octal(mode),
        uid: after?.uid ?? 0,
        gid: after?.gid ?? 0,
        deployed_at,
      };
      return recorded = true;
    });
    if (recorded) {
      await ctx.deployments?.record({
        object_name: input.object_name,
        hostname: ctx.hostname,
        provider: "file",
        path: input.path,
        sha256,
        deployed_at,
      });
    }
    return !inPlace;
  });
  if (changed) ctx.log.info("file deployed", { path: input.path, object: input.object_name });
  return { path: input.path, object_name: input.object_name, sha256, changed };
});

export default fileDeploy;
