/**
 * A network namespace of a test's own (`ip netns add osapi-test-<random>`) holding a veth pair
 * `osv0`/`osv1`, both ends inside it, so network providers are tested without touching the
 * host's network. Documentation address ranges only (192.0.2.0/24, 198.51.100.0/24,
 * 2001:db8::/32). Absent (with a printed reason) where namespaces cannot be made.
 */

/** A test namespace; disposing of it deletes it (and its links). */
export interface TestNetns {
  readonly name: string;
  /** Runs `ip -n <name> args...` and returns stdout; throws on failure. */
  ip(args: string[]): Promise<string>;
  /** `ip -j ... ` parsed. */
  ipJson<T = Record<string, unknown>>(args: string[]): Promise<T[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function run(args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command("ip", { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: out.success, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } catch (e) {
    return { ok: false, stdout: "", stderr: String(e) };
  }
}

/** Makes a namespace with the veth pair up, or returns undefined and prints why not. */
export async function makeTestNetns(): Promise<TestNetns | undefined> {
  const name = `osapi-test-${crypto.randomUUID().slice(0, 8)}`;
  const made = await run(["netns", "add", name]);
  if (!made.ok) {
    console.log(`skipping network namespace test: ip netns add failed: ${made.stderr.trim()}`);
    return undefined;
  }
  const ip = async (args: string[]) => {
    const r = await run(["-n", name, ...args]);
    if (!r.ok) throw new Error(`ip -n ${name} ${args.join(" ")}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const ns: TestNetns = {
    name,
    ip,
    ipJson: async <T>(args: string[]) => JSON.parse(await ip(["-j", ...args]) || "[]") as T[],
    [Symbol.asyncDispose]: async () => {
      await run(["netns", "del", name]);
    },
  };
  try {
    await ip(["link", "add", "osv0", "type", "veth", "peer", "name", "osv1"]);
    await ip(["link", "set", "osv1", "up"]);
  } catch (e) {
    await ns[Symbol.asyncDispose]();
    throw e;
  }
  return ns;
}

/** A temporary providers' root (`ProviderContext.root`), removed on disposal. */
export async function tempRoot(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "osapi-root-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}
