/** Runs the real osapi CLI (main.ts) as a child process. */

/** Absolute path of main.ts. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Output of one osapi run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runOsapi} and {@link spawnOsapi}. */
export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
}

/** Runs `osapi <args>` to completion. */
export async function runOsapi(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", ...opts.env },
    cwd: opts.cwd,
    stdin: opts.stdin !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const r = await child.output();
  const d = new TextDecoder();
  return { code: r.code, stdout: d.decode(r.stdout), stderr: d.decode(r.stderr) };
}

/** Starts a long-running `osapi <args>` (serve, worker...) with piped output. */
export function spawnOsapi(args: string[], opts: RunOptions = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", ...opts.env },
    cwd: opts.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * A function running `osapi client --url <url> --token <token> <args>` in `cwd` that asserts
 * exit code 0 (naming the command and its stderr) and returns stdout.
 */
export function clientRunner(
  url: string,
  token: string,
  cwd: string,
): (...args: string[]) => Promise<string> {
  return async (...args) => {
    const r = await runOsapi(["client", "--url", url, "--token", token, ...args], { cwd });
    if (r.code !== 0) {
      throw new Error(`osapi client ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    }
    return r.stdout;
  };
}
