/**
 * The real `nsc` for tests: located by $NSC_BIN, PATH or $GOPATH/bin, run with every directory
 * (config, data, keystore, HOME) inside a temp dir. Under CI (CI=true) a missing nsc fails.
 */

/** Locates nsc: $NSC_BIN, PATH, then $GOPATH/bin; undefined when absent. */
export async function findNsc(): Promise<string | undefined> {
  const fromEnv = Deno.env.get("NSC_BIN");
  if (fromEnv) return fromEnv;
  const candidates = (Deno.env.get("PATH") ?? "").split(":").filter((d) => d).map((d) =>
    `${d}/nsc`
  );
  const home = Deno.env.get("HOME") ?? "/root";
  candidates.push(`${Deno.env.get("GOPATH") ?? `${home}/go`}/bin/nsc`);
  for (const c of candidates) {
    try {
      if ((await Deno.stat(c)).isFile) return c;
    } catch { /* next */ }
  }
  return undefined;
}

/** nsc, or undefined outside CI; throws under CI=true (no silent skip). */
export async function nscOrSkip(): Promise<string | undefined> {
  const bin = await findNsc();
  if (!bin && Deno.env.get("CI") === "true") {
    throw new Error("nsc not found under CI: set NSC_BIN (deno task test builds it)");
  }
  if (!bin) console.error("nsc not found (NSC_BIN, PATH, GOPATH/bin): nsc tests ignored");
  return bin;
}

/** An nsc environment in `root`: `stores/`, `keys/`, `cfg/`. */
export interface NscEnv {
  root: string;
  storesDir: string;
  keysDir: string;
  /** Runs nsc; throws with its output on failure; returns stdout. */
  run(...args: string[]): Promise<string>;
}

/** An nsc environment whose every directory is under `root`. */
export function nscEnv(bin: string, root: string): NscEnv {
  const storesDir = `${root}/stores`;
  const keysDir = `${root}/keys`;
  return {
    root,
    storesDir,
    keysDir,
    async run(...args: string[]) {
      const r = await new Deno.Command(bin, {
        args: [
          "--config-dir",
          `${root}/cfg`,
          "--data-dir",
          storesDir,
          "--keystore-dir",
          keysDir,
          ...args,
        ],
        env: { HOME: root, NSC_HOME: `${root}/cfg`, NKEYS_PATH: keysDir },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const d = new TextDecoder();
      if (!r.success) {
        throw new Error(`nsc ${args.join(" ")} failed (${r.code}): ${d.decode(r.stderr)}`);
      }
      return d.decode(r.stdout);
    },
  };
}
