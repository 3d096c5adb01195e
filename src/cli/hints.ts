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

/** Where the client looked for a token, for the 401 hint. */
interface TokenLookup {
  /** The token came from --token, OSAPI_TOKEN or the configuration. */
  given: boolean;
  /** The admin token file tried last (absolute). */
  adminTokenFile: string;
  /** A token was read from that file. */
  fromFile: boolean;
  url: string;
}

let lookup: TokenLookup | undefined;

/** Records how the client command found its token (one command per process). */
export function rememberTokenLookup(l: TokenLookup): void {
  lookup = { ...l, adminTokenFile: absolutePath(l.adminTokenFile) };
}

/** Extra lines for a 401 answer: where the client looked and how to give a token. */
export function unauthorizedHint(status: number): string {
  if (status !== 401 || !lookup || lookup.given) return "";
  const how = "give one with OSAPI_TOKEN=<token> or --token <token>, or create one with " +
    "`osapi token generate --roles admin --subject you@example.com` where the API runs";
  if (lookup.fromFile) {
    return `\nthe admin token read from ${lookup.adminTokenFile} was refused by ${lookup.url} ` +
      `(another osapi there? point --url at the API that wrote it); ${how}`;
  }
  return `\nno token given: looked at --token, OSAPI_TOKEN, api.client.security.bearer_token ` +
    `and the admin token file ${lookup.adminTokenFile} (not found; serve writes it there ` +
    `when run with the same configuration and directory); ${how}`;
}
