/**
 * `osapi systemd unit`: writable paths computed from the unit's environment (not the caller's),
 * ProtectHome that does not hide them, and units that pass `systemd-analyze verify`.
 */
import assert from "node:assert/strict";
import { runOsapi } from "../helpers/osapi.ts";

const COMPONENTS = ["serve", "nats", "api", "worker"];

/** systemd-analyze, installed from Debian's `systemd` package when missing (as root). */
async function systemdAnalyze(): Promise<string | undefined> {
  const which = async () => {
    const r = await new Deno.Command("sh", { args: ["-c", "command -v systemd-analyze"] })
      .output().catch(() => undefined);
    return r?.success ? new TextDecoder().decode(r.stdout).trim() : undefined;
  };
  const found = await which();
  if (found) return found;
  const apt = await new Deno.Command("apt-get", {
    args: ["install", "-y", "-q", "systemd"],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => undefined);
  if (apt?.success) return await which();
  return undefined;
}

async function unit(component: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = await runOsapi([...args, "systemd", "unit", component, "--binary", Deno.execPath()], {
    cwd: "/",
    env,
  });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const line = (text: string, key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1] ?? "";

Deno.test("systemd unit: ReadWritePaths from the unit's XDG_DATA_HOME, not the caller's", async () => {
  // The caller's shell points XDG_DATA_HOME into a home directory: the unit must not follow.
  const env = { XDG_DATA_HOME: "/home/someone/.local/share", HOME: "/home/someone" };
  for (const c of COMPONENTS) {
    const text = await unit(c, [], env);
    assert.match(text, /^Environment=XDG_DATA_HOME=\/var\/lib$/m);
    assert.match(text, /^StateDirectory=osapi$/m);
    const rw = line(text, "ReadWritePaths").split(" ");
    assert.equal(rw[0], "/var/lib/osapi", `${c}: ${rw}`);
    assert.ok(!rw.some((p) => p.includes("/home/") || p.includes(".osapi")), `${c}: ${rw}`);
    assert.equal(line(text, "ProtectHome"), "true");
  }
});

Deno.test("systemd unit: a data_dir under /home is writable and not hidden by ProtectHome", async () => {
  const text = await unit("nats", ["--set", "data_dir=/home/ops/osapi"]);
  assert.deepEqual(line(text, "ReadWritePaths").split(" "), ["/var/lib/osapi", "-/home/ops/osapi"]);
  assert.equal(line(text, "ProtectHome"), "read-only");
  const elsewhere = await unit("serve", [
    "--set",
    "data_dir=/srv/osapi",
    "--set",
    "nats.server.store_dir=/data/js",
  ]);
  assert.match(line(elsewhere, "ReadWritePaths"), /^\/var\/lib\/osapi -\/srv\/osapi -\/data\/js /);
  assert.equal(line(elsewhere, "ProtectHome"), "true");
});

Deno.test("systemd unit: every component passes systemd-analyze verify", async (t) => {
  const analyze = await systemdAnalyze();
  if (!analyze) {
    console.log(
      "skipped: systemd-analyze is not installed and Debian's systemd package " +
        "could not be installed (apt-get install -y systemd failed)",
    );
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "osapi-systemd-test-" });
  try {
    for (
      const [name, args] of [
        ["default", []],
        ["home", ["--set", "data_dir=/home/ops/osapi"]],
        ["custom", ["--set", "data_dir=/srv/osapi", "--set", "nats.server.store_dir=/data/js"]],
      ] as const
    ) {
      await t.step(name, async () => {
        const files: string[] = [];
        for (const c of COMPONENTS) {
          const file = `${dir}/osapi-${name}-${c}.service`;
          await Deno.writeTextFile(file, await unit(c, [...args]));
          files.push(file);
        }
        const r = await new Deno.Command(analyze, {
          args: ["verify", ...files],
          stdout: "piped",
          stderr: "piped",
        }).output();
        const out = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
        assert.equal(r.code, 0, out);
        const mine = out.split("\n").filter((l) => l.includes("osapi-"));
        assert.deepEqual(mine, [], out);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
