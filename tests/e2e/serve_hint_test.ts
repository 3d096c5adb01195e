/**
 * A newcomer's first commands: serve's hint runs as printed from another directory, the client
 * follows api.server.port of its configuration, and a 401 without a token says where the client
 * looked and how to give one.
 */
import assert from "node:assert/strict";
import { runOsapi } from "../helpers/osapi.ts";
import { startServe } from "../helpers/serve.ts";

/** This process's environment without osapi's variables or XDG data directory: a new shell. */
function userEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  for (const k of Object.keys(env)) {
    if (k.startsWith("OSAPI_") || k === "XDG_DATA_HOME") delete env[k];
  }
  return { ...env, NO_COLOR: "1" };
}

Deno.test("serve's hint runs as printed; client URL follows api.server.port; 401 hint", async (t) => {
  await using s = await startServe();
  const elsewhere = await Deno.makeTempDir({ prefix: "osapi-hint-test-" });
  try {
    const hint = /^try: (.*)$/m.exec(s.output());
    assert.ok(hint, s.output());
    const port = new URL(s.apiUrl).port;
    const tokenPath = /admin token \(0600\): (\S+)/.exec(s.output())?.[1] ?? "";
    assert.ok(tokenPath.startsWith("/"), `absolute token path: ${tokenPath}`);

    await t.step("the printed command runs from another directory", async () => {
      assert.match(hint[1], new RegExp(`--url http://127\\.0\\.0\\.1:${port}`));
      const r = await new Deno.Command("sh", {
        args: ["-c", hint[1]],
        cwd: elsewhere,
        env: userEnv(),
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const out = new TextDecoder().decode(r.stdout);
      assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
      assert.match(out, /job /);
    });

    const token = (await Deno.readTextFile(tokenPath)).trim();
    await t.step("the client URL follows api.server.port of the same configuration", async () => {
      const r = await runOsapi(
        ["--set", `api.server.port=${port}`, "client", "health", "ready", "--json"],
        { cwd: elsewhere, env: { ...userEnv(), OSAPI_TOKEN: token } },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ready/);
    });

    await t.step(
      "401 without a token names where the client looked and how to give one",
      async () => {
        const r = await runOsapi(
          ["client", "--url", s.apiUrl, "system", "hostname"],
          { cwd: elsewhere, env: userEnv() },
        );
        assert.equal(r.code, 1);
        assert.match(r.stderr, /401/);
        assert.match(r.stderr, new RegExp(`${elsewhere}/\\.osapi/api/admin\\.token`));
        assert.match(r.stderr, /OSAPI_TOKEN/);
        assert.match(r.stderr, /--token/);
        assert.match(r.stderr, /osapi token generate/);
        assert.doesNotMatch(r.stderr, new RegExp(token.slice(-20)));
      },
    );
  } finally {
    await Deno.remove(elsewhere, { recursive: true });
  }
});
