/**
 * `node.package.*`: the host's packages (dpkg/apt): list and get installed packages, install
 * (from the repositories on the live system, or a local `.deb` file), remove, update the package
 * sources and list the available updates.
 */
import { z } from "zod";
import { str } from "./fields.ts";
import { defineOperation } from "./define.ts";
import { expanded, nodeDomain } from "./node_ops.ts";

const TAG = "Package_Management_API_package_operations";

/** A Debian package name (policy 5.6.1): a-z 0-9 + - ., at least two, starting alphanumeric. */
export const packageName = str({
  description: "Package name (Debian policy: a-z 0-9 + - ., starting with a letter or digit).",
  minLength: 2,
  maxLength: 128,
  pattern: /^[a-z0-9][a-z0-9+.-]+$/,
  hint: "a-z 0-9 + - ., at least 2 characters, starting with a letter or digit",
  example: "nginx",
});

const debFile = str({
  description: "osapi: a .deb file on the node to install instead of the repositories; its " +
    "Package field must be name.",
  minLength: 6,
  maxLength: 4096,
  pattern: /^(?:\/(?!\.\.?(?:\/|$))[^/\n]+)+\.deb$/,
  hint: "an absolute path without . or .. components, ending in .deb",
  example: "/var/tmp/nginx_1.24.0-1_amd64.deb",
});

/** An installed package. */
export const PackageInfo = z.looseObject({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  status: z.string().meta({ description: "dpkg state, e.g. installed, config-files" }),
  size: z.int().optional().meta({ description: "installed size in bytes" }),
});

/** An available update. */
export const UpdateInfo = z.looseObject({
  name: z.string(),
  current_version: z.string(),
  new_version: z.string(),
});

const { route, op, get, remove } = nodeDomain("package", "package", "name", TAG);

const mutation = z.looseObject({ name: z.string().optional(), changed: z.boolean() });
const packages = z.looseObject({ packages: z.array(PackageInfo) });
const noInput = z.strictObject({}).meta({ description: "No input." });
const nameInput = z.strictObject({ name: packageName });

/** `node.package.list`: the installed packages. */
export const packageList = expanded(
  op(
    "list",
    "List installed packages",
    noInput,
    packages,
    route("get", false, "GetNodePackage", "PackageCollectionResponse"),
  ),
  "packages",
);

/** `node.package.get`: one installed package (a package not installed fails on the host). */
export const packageGet = expanded(
  get(
    "Get an installed package",
    nameInput,
    packages,
    "GetNodePackageByName",
    "PackageCollectionResponse",
  ),
  "packages",
);

/** `node.package.install`: installs a package; unchanged when it is installed already. */
export const packageInstall = op(
  "install",
  "Install a package",
  z.strictObject({ name: packageName, file: debFile.optional() }).meta({
    description: "Installs name from the repositories (live system only) or from file; " +
      "unchanged when it is installed already (from file: with the file's version).",
  }),
  mutation,
  route("post", false, "PostNodePackage", "PackageMutationResponse", {
    request: "PackageInstallRequest",
  }),
  ["name"],
);

/** `node.package.delete`: removes a package; unchanged when it is not installed. */
export const packageDelete = remove(
  "Remove a package",
  nameInput,
  mutation,
  "DeleteNodePackage",
  "PackageMutationResponse",
);

/** `node.package.update`: refreshes the package sources (`apt-get update`). */
export const packageUpdate = op(
  "update",
  "Update package sources",
  noInput,
  mutation,
  route("post", false, "PostNodePackageUpdate", "PackageMutationResponse", {
    path: "/api/node/{hostname}/package/update",
  }),
);

/** `node.package.updates`: the packages with a newer version in the sources (a query). */
export const packageUpdates = defineOperation({
  type: "node.package.updates",
  kind: "query",
  permission: "package:read",
  summary: "List available updates",
  input: noInput,
  result: z.looseObject({ updates: z.array(UpdateInfo) }),
  routes: [
    route("get", false, "GetNodePackageUpdate", "UpdateCollectionResponse", {
      path: "/api/node/{hostname}/package/update",
    }),
  ],
  cli: { command: ["node", "package", "updates"], args: [], expand: "updates" },
  provider: "package_updates",
});

/** Checked input of `node.package.install`. */
export type PackageInstallInput = z.output<typeof packageInstall.input>;
