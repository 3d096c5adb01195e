/** `deno task install` gives a source checkout a working `osapi` command. */
import assert from "node:assert/strict";
import { VERSION } from "../../src/version.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("deno task install writes an executable launcher into ~/.local/bin that runs", async () => {
  const home = await Deno.makeTempDir({ prefix: "osapi-install-test-" });
  try {
    const env = { HOME: home, PATH: `${home}/.local/bin:${Deno.env.get("PATH") ?? ""}` };
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["task", "install"],
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 0, err);
    const launcher = `${home}/.local/bin/osapi`;
    const info = await Deno.stat(launcher);
    assert.equal(info.mode! & 0o755, 0o755);
    assert.match(err, /try: osapi version/);
    // Run as the user would: `osapi version` from another directory, found on PATH.
    const run = await new Deno.Command("sh", {
      args: ["-c", "osapi version"],
      cwd: home,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.equal(new TextDecoder().decode(run.stdout).trim(), `osapi ${VERSION}`);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
