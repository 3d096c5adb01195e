/**
 * Runs a child process for a provider: no shell, capped output, a timeout and an abort signal
 * that kill the whole process group, and the OSAPI result fields.
 */
import { OperationInputError } from "../../core/job.ts";

/**
 * Default cap on each of stdout and stderr: 256 KiB, so both streams and the JSON envelope of
 * the stored result stay well below NATS's default `max_payload` (1 MiB).
 */
export const MAX_OUTPUT_BYTES = 256 * 1024;

/** How long a process gets between SIGTERM and SIGKILL after a timeout or abort. */
export const KILL_GRACE_MS = 2000;

/** What to run. */
export interface RunOptions {
  /** Program and arguments; `argv[0]` is looked up on PATH when it has no slash. */
  argv: string[];
  /** Working directory (must exist). */
  cwd?: string;
  /** Variables added to the worker's environment (minus its `OSAPI_*` settings). */
  env?: Record<string, string>;
  /** Kill the process after this many milliseconds. */
  timeoutMs: number;
  /** Aborting kills the process; {@link runProcess} then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Cap per output stream in bytes (default {@link MAX_OUTPUT_BYTES}). */
  maxOutputBytes?: number;
}

/** What came of it, with OSAPI's field names. */
export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit status; 128 + signal number when killed by a signal. */
  exit_code: number;
  /** Name of the signal that killed the process, if any. */
  signal: string | null;
  duration_ms: number;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
  /** The timeout expired and the process was killed. */
  timed_out: boolean;
}

/**
 * The environment of a child: the worker's own, without `OSAPI_*` variables (they may carry
 * configuration secrets), plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (!k.startsWith("OSAPI_")) env[k] = v;
  }
  return { ...env, ...extra };
}

async function readCapped(
  stream: ReadableStream<Uint8Array>,
  max: number,
  onReader: (r: ReadableStreamDefaultReader<Uint8Array>) => void,
): Promise<{ text: string; truncated: boolean }> {
  const reader = stream.getReader();
  onReader(reader);
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      // Keep reading past the cap so the child never blocks on a full pipe.
      if (kept >= max) {
        truncated = true;
        continue;
      }
      const take = Math.min(value.length, max - kept);
      if (take < value.length) truncated = true;
      chunks.push(take === value.length ? value : value.subarray(0, take));
      kept += take;
    }
  } catch {
    // Cancelled after a kill: keep what was read.
  } finally {
    reader.releaseLock();
  }
  const all = new Uint8Array(kept);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { text: new TextDecoder().decode(all), truncated };
}

/** True when `path` exists (any file type). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The full path of program `name` on PATH, or undefined. */
export async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    if (dir !== "" && await exists(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

async function checkCwd(cwd: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(cwd);
  } catch {
    throw new OperationInputError(`working directory ${cwd} does not exist`);
  }
  if (!info.isDirectory) {
    throw new OperationInputError(`working directory ${cwd} is not a directory`);
  }
}

/**
 * Runs `argv` and collects its output. The child gets its own process group (session), so a
 * timeout or an abort kills everything it started: SIGTERM, then SIGKILL after
 * {@link KILL_GRACE_MS}. The result comes once the process exited and its pipes closed.
 * A missing program or working directory is a {@link OperationInputError}.
 */
export async function runProcess(opts: RunOptions): Promise<RunResult> {
  const { argv, signal } = opts;
  if (argv.length === 0 || argv[0] === "") throw new OperationInputError("empty command");
  signal?.throwIfAborted();
  if (opts.cwd !== undefined) await checkCwd(opts.cwd);
  const max = opts.maxOutputBytes ?? MAX_OUTPUT_BYTES;
  const started = performance.now();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: opts.cwd,
      env: childEnv(opts.env),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new OperationInputError(`command not found: ${argv[0]}`, undefined, { cause: e });
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new OperationInputError(`permission denied: ${argv[0]}`);
    }
    throw e;
  }

  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  let exited = false;
  let timedOut = false;
  let hardKill: ReturnType<typeof setTimeout> | undefined;
  const signalGroup = (sig: Deno.Signal) => {
    try {
      Deno.kill(-child.pid, sig);
    } catch {
      // The group is gone already.
    }
  };
  const stop = () => {
    if (hardKill !== undefined) return;
    signalGroup("SIGTERM");
    hardKill = setTimeout(() => {
      signalGroup("SIGKILL");
      // A descendant that left the group may still hold the pipes: stop waiting for them.
      for (const r of readers) r.cancel().catch(() => {});
    }, KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, opts.timeoutMs);
  const onAbort = () => stop();
  signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const [status, out, err] = await Promise.all([
      child.status.then((s) => {
        exited = true;
        return s;
      }),
      readCapped(child.stdout, max, (r) => readers.push(r)),
      readCapped(child.stderr, max, (r) => readers.push(r)),
    ]);
    signal?.throwIfAborted();
    return {
      stdout: out.text,
      stderr: err.text,
      exit_code: status.code,
      signal: status.signal ?? null,
      duration_ms: Math.round(performance.now() - started),
      stdout_truncated: out.truncated,
      stderr_truncated: err.truncated,
      timed_out: timedOut,
    };
  } finally {
    clearTimeout(timer);
    if (hardKill !== undefined) clearTimeout(hardKill);
    signal?.removeEventListener("abort", onAbort);
    if (!exited) signalGroup("SIGKILL");
  }
}
