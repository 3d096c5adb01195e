/**
 * The Docker Engine API over its unix socket (`<root>/var/run/docker.sock`): requests with
 * Deno's fetch through a unix-socket HTTP client, JSON answers, the multiplexed output stream
 * of an exec, and errors a caller can act on (no socket: docker is not available on this host;
 * 404: no such container or image).
 */
import { OperationInputError } from "../../core/job.ts";
import { PermanentProviderError } from "../permanent.ts";
import { rootPath } from "./root.ts";
import type { ProviderContext } from "./types.ts";

/** The socket, relative to the root. */
export const DOCKER_SOCKET = "var/run/docker.sock";

/** An answer of the engine: status and body. */
export interface DockerResponse {
  status: number;
  body: Uint8Array;
}

/** A request to the engine (path with its query, JSON body). */
export interface DockerRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Default 30 s. */
  timeoutMs?: number;
}

const decoder = new TextDecoder();

/** The engine's error message of an answer (`{"message": ...}`), or its text. */
export function engineMessage(r: DockerResponse): string {
  const text = decoder.decode(r.body).trim();
  try {
    const m = JSON.parse(text)?.message;
    if (typeof m === "string") return m;
  } catch { /* not JSON */ }
  return text.slice(0, 500) || `HTTP ${r.status}`;
}

/** The JSON of an answer. */
export function json<T>(r: DockerResponse): T {
  return JSON.parse(decoder.decode(r.body)) as T;
}

/** The socket path of `root` (the live one is `/var/run/docker.sock`). */
export function dockerSocket(root: string): string {
  return rootPath(root, DOCKER_SOCKET);
}

/**
 * Sends `req` to the engine of the host whose root is `ctx.root`. A missing socket, or one
 * nobody answers on, is a permanent failure naming it.
 */
export async function dockerRequest(
  ctx: ProviderContext,
  req: DockerRequest,
): Promise<DockerResponse> {
  const socket = dockerSocket(ctx.root);
  const shown = ctx.root === "/" ? "/var/run/docker.sock" : socket;
  const st = await Deno.stat(socket).catch(() => undefined);
  if (!st) {
    throw new PermanentProviderError(`docker is not available on this host: no socket at ${shown}`);
  }
  if (!st.isSocket) {
    throw new PermanentProviderError(
      `docker is not available on this host: ${shown} is not a socket`,
    );
  }
  const query = new URLSearchParams(
    Object.entries(req.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path: socket } });
  try {
    const res = await fetch(`http://docker${req.path}${query ? `?${query}` : ""}`, {
      client,
      method: req.method,
      ...(req.body !== undefined
        ? { body: JSON.stringify(req.body), headers: { "content-type": "application/json" } }
        : {}),
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(req.timeoutMs ?? 30_000)]),
    });
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new PermanentProviderError(
      `docker is not answering on ${shown}: ${(e as Error).message}`,
      { cause: e },
    );
  } finally {
    client.close();
  }
}

/** Throws for an unexpected status: 404 as "no such <what>", others with the engine's message. */
export function expectStatus(
  r: DockerResponse,
  ok: number[],
  what: { kind: "container" | "image"; id: string; field: string },
): void {
  if (ok.includes(r.status)) return;
  if (r.status === 404) {
    throw new OperationInputError(`no ${what.kind} ${what.id} on this host`, what.field);
  }
  if (r.status === 400 || r.status === 409) {
    throw new OperationInputError(`docker refused: ${engineMessage(r)}`, what.field);
  }
  throw new Error(`docker answered ${r.status}: ${engineMessage(r)}`);
}

/** The container path of `id` (already checked against the id pattern). */
export const containerPath = (id: string, rest = "") =>
  `/containers/${encodeURIComponent(id)}${rest}`;

/** A container's summary fields from an inspect answer. */
export interface Inspect {
  Id: string;
  Name?: string;
  Created?: string;
  Config?: { Image?: string; Env?: string[] };
  State?: { Status?: string; Health?: { Status?: string } };
  Mounts?: { Source?: string; Destination?: string }[];
  NetworkSettings?: {
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null>;
    [k: string]: unknown;
  };
}

/** Inspects container `id`; undefined when there is none. */
export async function inspectContainer(
  ctx: ProviderContext,
  id: string,
): Promise<Inspect | undefined> {
  const r = await dockerRequest(ctx, { method: "GET", path: containerPath(id, "/json") });
  if (r.status === 404) return undefined;
  expectStatus(r, [200], { kind: "container", id, field: "id" });
  return json<Inspect>(r);
}

/** `id`, `name`, `image`, `state`, `created` of an inspect answer. */
export function summaryOf(c: Inspect) {
  return {
    id: c.Id,
    name: (c.Name ?? "").replace(/^\//, ""),
    image: c.Config?.Image ?? "",
    state: c.State?.Status ?? "",
    created: c.Created ?? "",
  };
}

/**
 * Splits a multiplexed exec stream (8-byte frame headers: stream 1 stdout, 2 stderr, then the
 * big-endian length) into stdout and stderr text.
 */
export function demultiplex(data: Uint8Array): { stdout: string; stderr: string } {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let at = 0;
  while (at + 8 <= data.length) {
    const kind = data[at];
    const size = new DataView(data.buffer, data.byteOffset + at + 4, 4).getUint32(0);
    const frame = data.subarray(at + 8, at + 8 + size);
    (kind === 2 ? err : out).push(frame);
    at += 8 + size;
  }
  const text = (parts: Uint8Array[]) => {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let i = 0;
    for (const p of parts) {
      all.set(p, i);
      i += p.length;
    }
    return decoder.decode(all);
  };
  return { stdout: text(out), stderr: text(err) };
}
