/** `node.file.status`: whether a path holds what osapi deployed there. */
import { fileStatus as fileStatusOp } from "../../core/operations/file.ts";
import { hostFile, idName, onDisk, readManifest } from "./file_config.ts";
import { provide } from "./types.ts";

/** One path's status (see the declaration's result). */
export interface FileStatus {
  path: string;
  state: "in-sync" | "drifted" | "missing";
  managed: boolean;
  object_name?: string;
  deployed_at?: string;
  sha256?: string;
  mode?: string;
  owner?: string;
  group?: string;
}

/** The state of the path against the manifest, with what is on disk. */
export const fileStatus = provide(fileStatusOp, async (input, ctx): Promise<FileStatus> => {
  const entry = (await readManifest(ctx.root))[input.path];
  const now = await onDisk(hostFile(ctx.root, input.path), input.path);
  const deployed = entry ? { object_name: entry.object_name, deployed_at: entry.deployed_at } : {};
  if (!now) return { path: input.path, state: "missing", managed: !!entry, ...deployed };
  const inSync = entry !== undefined && entry.sha256 === now.sha256 && entry.mode === now.mode &&
    entry.uid === now.uid && entry.gid === now.gid;
  return {
    path: input.path,
    state: inSync ? "in-sync" : "drifted",
    managed: !!entry,
    ...deployed,
    sha256: now.sha256,
    mode: now.mode,
    owner: await idName(ctx.root, "passwd", now.uid),
    group: await idName(ctx.root, "group", now.gid),
  };
});

export default fileStatus;
