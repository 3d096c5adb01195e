/**
 * Files of the object store (`/api/file`) and what deploying one to a host needs: the names,
 * the stored metadata, the store the API depends on and the fetch a worker's providers use.
 * Pure: no I/O.
 */
import { OsapiError } from "./errors.ts";

/** How a file is treated on deploy (OSAPI's values; osapi deploys `raw` files only). */
export const FILE_CONTENT_TYPES = ["raw", "template"] as const;
/** One content type. */
export type FileContentType = typeof FILE_CONTENT_TYPES[number];

/** A stored file name: 1-255 of letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** Why `name` is not a stored file name, or undefined when it is one. */
export function fileNameProblem(name: string): string | undefined {
  if (FILE_NAME.test(name)) return undefined;
  const shown = name.length > 40 ? `a name of ${name.length} characters` : JSON.stringify(name);
  return `invalid file name ${shown}: 1-255 letters, digits, ".", "_" and "-", starting with ` +
    "a letter or digit";
}

/** A stored file's metadata (field names as OSAPI's `FileInfo`). */
export interface FileInfo {
  name: string;
  /** Hex SHA-256 of the content. */
  sha256: string;
  size: number;
  content_type: FileContentType;
  /** Who stored it: always `user` (uploaded through the API). */
  source: "user";
}

/** The outcome of an upload (OSAPI's `FileUploadResponse`). */
export interface FileUpload {
  name: string;
  sha256: string;
  size: number;
  /** False when the store already held this name with the same content and content type. */
  changed: boolean;
  content_type: FileContentType;
}

/** An upload of a name that holds other content, without `force` (the API answers 409). */
export class FileConflictError extends OsapiError {
  constructor(name: string) {
    super(
      "conflict",
      `file ${name} already exists with different content; upload with ?force=true to replace it`,
    );
  }
}

/** The file store the API depends on (the NATS object store in production). */
export interface FileService {
  /**
   * Stores `data` as `name`; unchanged (nothing written) when the same content and type are
   * already there unless `force`. Throws {@link FileConflictError} for other content without
   * `force`.
   */
  upload(
    name: string,
    data: Uint8Array,
    contentType: FileContentType,
    force: boolean,
  ): Promise<FileUpload>;
  /** Every stored file, by name. */
  list(): Promise<FileInfo[]>;
  /** One file's metadata, or undefined. */
  info(name: string): Promise<FileInfo | undefined>;
  /** Deletes a file; false when there was none. */
  remove(name: string): Promise<boolean>;
  /** Deployments whose object changed since it was deployed (OSAPI's `StaleDeployment`). */
  stale(): Promise<StaleDeployment[]>;
}

/** One file a worker deployed (the file state bucket's value). */
export interface DeploymentRecord {
  object_name: string;
  hostname: string;
  /** What deployed it: `file` (node.file.deploy). */
  provider: string;
  path: string;
  /** Hex SHA-256 of the content deployed. */
  sha256: string;
  deployed_at: string;
}

/** A deployment whose object has other content now. */
export interface StaleDeployment {
  object_name: string;
  hostname: string;
  provider: string;
  path: string;
  deployed_sha: string;
  current_sha: string;
  deployed_at: string;
}

/** Where a worker records what it deployed (the NATS file state bucket in production). */
export interface DeploymentLog {
  record(entry: DeploymentRecord): Promise<void>;
  /** Forgets the deployment at `path` on this host. */
  remove(path: string): Promise<void>;
}

/** The stale deployments of `records` given the stored files' current SHA-256 by name. */
export function staleDeployments(
  records: readonly DeploymentRecord[],
  current: ReadonlyMap<string, string>,
): StaleDeployment[] {
  return records.flatMap((r) => {
    const sha = current.get(r.object_name);
    if (sha === undefined || sha === r.sha256) return [];
    const { sha256, ...rest } = r;
    return [{ ...rest, deployed_sha: sha256, current_sha: sha }];
  }).sort((a, b) => a.hostname.localeCompare(b.hostname) || a.path.localeCompare(b.path));
}

/** A stored file with its content (what a worker deploys). */
export interface FileObject {
  info: FileInfo;
  data: Uint8Array;
}

/** Reads a stored file with its content; undefined when there is none. */
export type FileFetch = (name: string) => Promise<FileObject | undefined>;

/** Hex SHA-256 of `data` (WebCrypto, available in every runtime osapi runs on). */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
