/**
 * Tiny Debian packages and dpkg roots for package tests: a `.deb` built with `dpkg-deb --build`
 * from a directory the test writes, a temporary root with an empty dpkg database (and apt
 * directories), and a local `file:` apt repository. Nothing is installed on the machine.
 */

/** True when dpkg, dpkg-deb and dpkg-query are on PATH (else package tests are skipped). */
export async function haveDpkg(): Promise<boolean> {
  for (const tool of ["dpkg", "dpkg-deb", "dpkg-query"]) {
    const r = await new Deno.Command("sh", { args: ["-c", `command -v ${tool}`], stdout: "null" })
      .output();
    if (!r.success) return false;
  }
  return true;
}

/** Builds `<dir>/<name>_<version>.deb` holding one file under /usr/share/doc/<name>/. */
export async function buildDeb(dir: string, name: string, version: string): Promise<string> {
  const src = await Deno.makeTempDir({ dir, prefix: "deb-src-" });
  await Deno.mkdir(`${src}/DEBIAN`);
  await Deno.mkdir(`${src}/usr/share/doc/${name}`, { recursive: true });
  await Deno.writeTextFile(
    `${src}/DEBIAN/control`,
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\n` +
      `Maintainer: osapi tests <tests@example.invalid>\nInstalled-Size: 8\n` +
      `Description: osapi test package ${name}\n A package built by osapi's tests.\n`,
  );
  await Deno.writeTextFile(`${src}/usr/share/doc/${name}/README`, `${name} ${version}\n`);
  const out = `${dir}/${name}_${version}.deb`;
  const r = await new Deno.Command("dpkg-deb", {
    args: ["--build", "--root-owner-group", src, out],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!r.success) throw new Error(`dpkg-deb failed: ${new TextDecoder().decode(r.stderr)}`);
  await Deno.remove(src, { recursive: true });
  return out;
}

/** Gives `root` an empty dpkg database and apt's directories (no sources). */
export async function dpkgRoot(root: string): Promise<void> {
  for (
    const d of [
      "var/lib/dpkg/info",
      "var/lib/dpkg/updates",
      "var/log",
      "etc/apt/sources.list.d",
      "etc/apt/preferences.d",
      "etc/apt/apt.conf.d",
    ]
  ) await Deno.mkdir(`${root}/${d}`, { recursive: true });
  await Deno.writeTextFile(`${root}/var/lib/dpkg/status`, "");
  await Deno.writeTextFile(`${root}/var/lib/dpkg/available`, "");
}

/**
 * Makes `<dir>/repo` a flat `file:` repository of `debs` and points `root`'s apt sources at it
 * (`trusted=yes`: unsigned).
 */
export async function fileRepo(dir: string, root: string, debs: string[]): Promise<void> {
  const repo = `${dir}/repo`;
  await Deno.mkdir(repo, { recursive: true });
  const stanzas: string[] = [];
  for (const deb of debs) {
    const base = deb.slice(deb.lastIndexOf("/") + 1);
    await Deno.copyFile(deb, `${repo}/${base}`);
    const fields = await new Deno.Command("dpkg-deb", { args: ["--field", deb], stdout: "piped" })
      .output();
    const bytes = await Deno.readFile(deb);
    const sha = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)))
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    stanzas.push(
      new TextDecoder().decode(fields.stdout).trimEnd() +
        `\nFilename: ./${base}\nSize: ${bytes.length}\nSHA256: ${sha}\n`,
    );
  }
  await Deno.writeTextFile(`${repo}/Packages`, stanzas.join("\n"));
  await Deno.writeTextFile(
    `${root}/etc/apt/sources.list`,
    `deb [trusted=yes] file:${repo} ./\n`,
  );
}
