/**
 * The CA certificates of a root: distribution-provided ones under
 * `usr/share/ca-certificates`, local ones under `usr/local/share/ca-certificates`, of which
 * osapi's are in its `osapi/` subdirectory (update-ca-certificates reads subdirectories too).
 * After a change the trust store is rebuilt with `update-ca-certificates`: on the live system as
 * it is, on another root with its directory options pointing into that root.
 */
import { OperationInputError } from "../../core/job.ts";
import { pemContent } from "../../core/operations/certificate.ts";
import { sourceContent } from "./object_content.ts";
import { PermanentProviderError } from "../permanent.ts";
import { findOnPath } from "./process.ts";
import { isLiveRoot, readTextIfExists, removeIfExists, rootPath, runTool } from "./root.ts";
import { serialized, writeTextAtomic } from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** Directories of the trust store, relative to the root. */
export const CA_DIRS = {
  system: "usr/share/ca-certificates",
  local: "usr/local/share/ca-certificates",
  managed: "usr/local/share/ca-certificates/osapi",
  etc: "etc/ssl/certs",
  conf: "etc/ca-certificates.conf",
  hooks: "etc/ca-certificates/update.d",
} as const;

/** One CA certificate of the host. */
export interface CertificateInfo {
  name: string;
  source: "system" | "custom";
  managed: boolean;
}

/** The `*.crt` files under `dir` (recursively) as paths relative to it, sorted. */
async function crtFiles(dir: string, sub = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(sub ? `${dir}/${sub}` : dir)) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory) out.push(...await crtFiles(dir, rel));
      else if (e.name.endsWith(".crt")) out.push(rel);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

const baseName = (rel: string) => rel.slice(rel.lastIndexOf("/") + 1, -".crt".length);

/** Every CA certificate of the root: system ones, then local ones. */
export async function listCertificates(root: string): Promise<CertificateInfo[]> {
  const system = await crtFiles(rootPath(root, CA_DIRS.system));
  const local = await crtFiles(rootPath(root, CA_DIRS.local));
  return [
    ...system.map((rel) => ({ name: baseName(rel), source: "system" as const, managed: false })),
    ...local.map((rel) => ({
      name: baseName(rel),
      source: "custom" as const,
      managed: rel === `osapi/${baseName(rel)}.crt`,
    })),
  ];
}

/** The file of osapi's certificate `name`. */
export function managedFile(root: string, name: string): string {
  return rootPath(root, CA_DIRS.managed, `${name}.crt`);
}

/**
 * The argv that rebuilds the root's trust store (`fresh`: its links are made anew, which
 * drops those of removed files); throws when the tool is missing.
 */
async function refreshArgv(root: string, fresh = false): Promise<string[]> {
  const bin = await findOnPath("update-ca-certificates");
  if (!bin) {
    throw new PermanentProviderError(
      "update-ca-certificates is not installed on this host (package ca-certificates)",
    );
  }
  const base = fresh ? [bin, "--fresh"] : [bin];
  if (isLiveRoot(root)) return base;
  const conf = rootPath(root, CA_DIRS.conf);
  const hasConf = await Deno.stat(conf).then(() => true, () => false);
  return [
    ...base,
    "--certsconf",
    hasConf ? conf : "/dev/null",
    "--certsdir",
    rootPath(root, CA_DIRS.system),
    "--localcertsdir",
    rootPath(root, CA_DIRS.local),
    "--etccertsdir",
    rootPath(root, CA_DIRS.etc),
    "--hooksdir",
    rootPath(root, CA_DIRS.hooks),
  ];
}

/** Rebuilds the trust store with `argv` (the certificate directory must exist). */
async function refresh(argv: string[], ctx: ProviderContext): Promise<void> {
  await Deno.mkdir(rootPath(ctx.root, CA_DIRS.etc), { recursive: true });
  await runTool(argv, ctx.signal);
}

/** The text stored for PEM `content` (one final newline). */
const stored = (content: string) => content.replace(/\s*$/, "\n");

/** What a mutation answers. */
export interface CertificateMutation {
  name: string;
  changed: boolean;
  refreshed: boolean;
}

/**
 * Installs or replaces osapi's certificate `name` (PEM: the `content` or `object` of `input`). `mode` "create" refuses one with other
 * content and a local certificate of that name osapi did not install; "update" refuses when
 * osapi has none. Same content: unchanged (the trust store is left alone).
 */
export async function setCertificate(
  name: string,
  input: { content?: string; object?: string },
  mode: "create" | "update",
  ctx: ProviderContext,
): Promise<CertificateMutation> {
  const content = (await sourceContent(
    ctx,
    input.object,
    input.content,
    pemContent,
    "PEM certificates",
  ))!;
  const argv = await refreshArgv(ctx.root);
  const file = managedFile(ctx.root, name);
  return await serialized(`ca:${ctx.root}`, async () => {
    const current = await readTextIfExists(file);
    if (current === undefined && mode === "update") throw notManaged(name);
    if (current === stored(content)) return { name, changed: false, refreshed: false };
    if (current !== undefined && mode === "create") {
      throw new OperationInputError(
        `CA certificate ${name} is already installed with other content; replace it with ` +
          `PUT /api/node/{hostname}/certificate/ca/${name}`,
        "name",
      );
    }
    if (current === undefined) {
      const clash = (await listCertificates(ctx.root)).find((c) =>
        c.name === name && c.source === "custom"
      );
      if (clash) {
        throw new OperationInputError(
          `a local CA certificate named ${name} exists that osapi did not install`,
          "name",
        );
      }
    }
    ctx.signal.throwIfAborted();
    await writeTextAtomic(file, stored(content));
    await refresh(argv, ctx);
    ctx.log.info("CA certificate installed", { name, root: ctx.root });
    return { name, changed: true, refreshed: true };
  });
}

/** Removes osapi's certificate `name` and rebuilds the trust store; unchanged when absent. */
export async function deleteCertificate(
  name: string,
  ctx: ProviderContext,
): Promise<CertificateMutation> {
  const argv = await refreshArgv(ctx.root, true);
  return await serialized(`ca:${ctx.root}`, async () => {
    if (!await removeIfExists(managedFile(ctx.root, name))) {
      return { name, changed: false, refreshed: false };
    }
    await refresh(argv, ctx);
    ctx.log.info("CA certificate removed", { name, root: ctx.root });
    return { name, changed: true, refreshed: true };
  });
}

const notManaged = (name: string) =>
  new OperationInputError(`CA certificate ${name} is not installed by osapi on this host`, "name");
