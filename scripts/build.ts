/**
 * Builds the single osapi binary with `deno compile` for linux x64/arm64 and darwin x64/arm64.
 *
 * `deno compile` needs the Deno runtime (denort) of each target, which it normally downloads
 * from Deno's servers. Set DENORT_BIN to a local denort binary to build offline (only the
 * target that binary is for is built). Without it, a failed download is explained and the
 * script exits non-zero.
 *
 * Usage: deno task build [--target <triple>...] [--out dist]
 */

/** Targets built by default, with the file name suffix of each. */
export const TARGETS: Record<string, string> = {
  "x86_64-unknown-linux-gnu": "linux-x64",
  "aarch64-unknown-linux-gnu": "linux-arm64",
  "x86_64-apple-darwin": "darwin-x64",
  "aarch64-apple-darwin": "darwin-arm64",
};

/** What the binary may do: run nats-server and host commands, serve HTTP, read its files. */
export const PERMISSIONS = ["--allow-all"];

function hostTarget(): string {
  const arch = Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
  return Deno.build.os === "darwin" ? `${arch}-apple-darwin` : `${arch}-unknown-linux-gnu`;
}

function parseArgs(args: string[]): { targets: string[]; out: string } {
  const targets: string[] = [];
  let out = "dist";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--target") targets.push(args[++i]);
    else if (args[i] === "--out") out = args[++i];
    else throw new Error(`unknown argument ${args[i]}`);
  }
  for (const t of targets) {
    if (!(t in TARGETS)) {
      throw new Error(`unknown target ${t}; expected one of ${Object.keys(TARGETS).join(", ")}`);
    }
  }
  return { targets, out };
}

async function compile(target: string, out: string): Promise<{ ok: boolean; output: string }> {
  const file = `${out}/osapi-${TARGETS[target]}`;
  const args = [
    "compile",
    ...PERMISSIONS,
    // the worker loads its providers by name (src/worker/providers/mod.ts)
    "--include",
    "src/worker/providers",
    "--target",
    target,
    "--output",
    file,
    "main.ts",
  ];
  console.error(`building ${file} (${target})`);
  const r = await new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
    .output();
  const d = new TextDecoder();
  return { ok: r.success, output: d.decode(r.stdout) + d.decode(r.stderr) };
}

if (import.meta.main) {
  let opts: { targets: string[]; out: string };
  try {
    opts = parseArgs(Deno.args);
  } catch (e) {
    console.error(`build: ${(e as Error).message}`);
    Deno.exit(2);
  }
  const denort = Deno.env.get("DENORT_BIN");
  let targets = opts.targets.length > 0 ? opts.targets : Object.keys(TARGETS);
  if (denort) {
    try {
      await Deno.stat(denort);
    } catch {
      console.error(`build: DENORT_BIN=${denort} does not exist`);
      Deno.exit(1);
    }
    // A local denort serves one target: the one it was built for (the host, unless told).
    targets = opts.targets.length > 0 ? opts.targets : [hostTarget()];
    console.error(`using DENORT_BIN=${denort} for ${targets.join(", ")}`);
  }
  await Deno.mkdir(opts.out, { recursive: true });
  let failed = 0;
  for (const target of targets) {
    const r = await compile(target, opts.out);
    if (r.ok) continue;
    failed++;
    const network = /download|fetch|dns|connect|network|tcp|timed out|error sending request/i
      .test(r.output);
    console.error(
      network && !denort
        ? `build: cannot build ${target}: deno compile needs the Deno runtime (denort) for this ` +
          "target and could not download it (no access to Deno's servers from this machine).\n" +
          "  Download denort for the target elsewhere and set DENORT_BIN=/path/to/denort, then " +
          "run `deno task build --target <triple>` again."
        : `build: deno compile failed for ${target}:\n${
          r.output.split("\n").filter((l) => !/^\s+at /.test(l)).slice(0, 10).join("\n")
        }`,
    );
  }
  Deno.exit(failed === 0 ? 0 : 1);
}
