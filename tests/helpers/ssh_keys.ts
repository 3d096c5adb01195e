/** Public keys made by the real `ssh-keygen` for tests, with the fingerprints it prints. */

/** A generated public key line and `ssh-keygen -lf`'s fingerprint of it. */
export interface TestSshKey {
  line: string;
  fingerprint: string;
}

/** True when ssh-keygen can be run. */
export async function haveSshKeygen(): Promise<boolean> {
  try {
    return (await new Deno.Command("ssh-keygen", { args: ["-?"], stderr: "null" }).output())
      .code !== 127;
  } catch {
    return false;
  }
}

/** A new key of `type` (ed25519, ecdsa, rsa) with `comment`, in a temporary directory. */
export async function makeSshKey(type: string, comment: string): Promise<TestSshKey> {
  const dir = await Deno.makeTempDir({ prefix: "osapi-ssh-" });
  try {
    const run = async (args: string[]) => {
      const out = await new Deno.Command("ssh-keygen", { args, stdout: "piped", stderr: "piped" })
        .output();
      if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
      return new TextDecoder().decode(out.stdout);
    };
    await run(["-q", "-t", type, "-N", "", "-C", comment, "-f", `${dir}/key`]);
    const line = (await Deno.readTextFile(`${dir}/key.pub`)).trim();
    const fingerprint = (await run(["-l", "-E", "sha256", "-f", `${dir}/key.pub`])).split(" ")[1];
    return { line, fingerprint };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
