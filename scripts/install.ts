/**
 * `deno task install`: gives a source checkout a real `osapi` command. Writes a small launcher
 * script (`exec deno run -A <checkout>/main.ts "$@"`) into `~/.local/bin/osapi`, or into the
 * directory given with `--dir <dir>`, and says whether that directory is on PATH.
 */
import { shellWord } from "../src/cli/hints.ts";

/** The launcher text for a checkout's main.ts run by `deno`. */
export function launcher(deno: string, main: string): string {
  return "#!/bin/sh\n# osapi launcher written by `deno task install` (source checkout)\n" +
    `exec ${shellWord(deno)} run -A ${shellWord(main)} "$@"\n`;
}

/** Writes the launcher into `dir` (created when missing); returns its path. */
export async function install(dir: string, deno = Deno.execPath()): Promise<string> {
  const main = new URL("../main.ts", import.meta.url).pathname;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/osapi`;
  await Deno.writeTextFile(path, launcher(deno, main), { mode: 0o755 });
  await Deno.chmod(path, 0o755);
  return path;
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--dir");
  const home = Deno.env.get("HOME");
  const dir = i >= 0 ? Deno.args[i + 1] : home ? `${home}/.local/bin` : undefined;
  if (!dir) {
    console.error("osapi install: HOME is not set; give a directory with --dir <dir>");
    Deno.exit(2);
  }
  const path = await install(dir);
  const onPath = (Deno.env.get("PATH") ?? "").split(":").includes(dir);
  console.error(`wrote ${path}`);
  console.error(
    onPath
      ? "try: osapi version"
      : `${dir} is not on PATH: add it (e.g. export PATH="${dir}:$PATH"), then try: osapi version`,
  );
}
