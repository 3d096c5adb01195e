/**
 * Hints printed for a newcomer: the command that runs osapi as printed (binary, launcher or
 * source checkout), serve's "try this" line, and what the client tells on a 401.
 */
import { isAbsolute, join } from "node:path";
import { localApiUrl } from "../config/client_url.ts";

/** An absolute path for printing (relative paths are resolved against the current directory). */
export function absolutePath(path: string): string {
  return isAbsolute(path) ? path : join(Deno.cwd(), path);
}

/** The first executable called `name` on PATH, if any. */
export function onPath(name: string, path = Deno.env.get("PATH") ?? ""): string | undefined {
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    const file = `${dir}/${name}`;
    try {
      const info = Deno.statSync(file);
      if (info.isFile && info.mode !== null && (info.mode & 0o111) !== 0) return file;
    } catch { /* not there */ }
  }
  return undefined;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * How to run osapi from a shell, as it runs now: `osapi` when an `osapi` command (the binary or
 * the launcher of `deno task install`) is on PATH, else the binary's path, else (a source
 * checkout) `deno run -A <abs>/main.ts`.
 */
export function osapiCommand(): string {
  const exec = Deno.execPath();
  const compiled = !/^deno(\.exe)?$/.test(exec.slice(exec.lastIndexOf("/") + 1));
  if (onPath("osapi")) return "osapi";
  if (compiled) return shellWord(exec);
  const main = new URL(Deno.mainModule);
  const deno = onPath("deno") ? "deno" : shellWord(exec);
  return `${deno} run -A ${shellWord(main.protocol === "file:" ? main.pathname : main.href)}`;
}

/**
 * What `serve` prints once on a fresh start: URL, absolute token path, and a command that runs
 * as printed from any directory (token and URL given explicitly; `--url` only when not the
 * default).
 */
export function serveHint(url: string, tokenPath: string): string {
  const token = absolutePath(tokenPath);
  const urlFlag = url === localApiUrl("127.0.0.1", 8080) ? "" : ` --url ${shellWord(url)}`;
  return `\nosapi API: ${url}\nadmin token (0600): ${token}\n` +
    `try: OSAPI_TOKEN="$(cat ${shellWord(token)})" ${osapiCommand()} client${urlFlag} ` +
    `system hostname\n`;
}
