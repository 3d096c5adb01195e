/**
 * A creds file written by `osapi nats operator init` works with a client osapi did not write:
 * the official `nats` CLI (installed by the test task when Go is present; $NATS_CLI_BIN).
 * Without the CLI this test is skipped; operator_test.ts proves the same with the v3 library.
 */
import assert from "node:assert/strict";
import { namespaceCredsFile } from "../../src/nats_auth/operator_init.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { startServerWith } from "../helpers/nats_auth.ts";

function natsCli(): string | undefined {
  const candidates = [
    Deno.env.get("NATS_CLI_BIN"),
    ...(Deno.env.get("PATH") ?? "").split(":").filter((d) => d).map((d) => `${d}/nats`),
    `${Deno.env.get("HOME") ?? "/root"}/go/bin/nats`,
  ];
  for (const c of candidates) {
    try {
      if (c && Deno.statSync(c).isFile) return c;
    } catch { /* next */ }
  }
  return undefined;
}

const cli = natsCli();

async function nats(args: string[]): Promise<{ code: number; out: string }> {
  const o = await new Deno.Command(cli!, { args, stdout: "piped", stderr: "piped" }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout) + d.decode(o.stderr) };
}

Deno.test({
  name: "the official nats CLI connects with creds from `osapi nats operator init`",
  ignore: cli === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "osapi-cli-interop-" });
    try {
      const env = { XDG_DATA_HOME: dir };
      const init = await runOsapi(
        [
          "nats",
          "operator",
          "init",
          "--dir",
          `${dir}/op`,
          "--namespaces",
          "alpha",
          "--resolver",
          "memory",
        ],
        { env },
      );
      assert.equal(init.code, 0, init.stderr);
      const conf = await runOsapi(["nats", "operator", "config", "--dir", `${dir}/op`], { env });
      assert.equal(conf.code, 0, conf.stderr);
      await using s = await startServerWith(conf.stdout);
      const creds = namespaceCredsFile(`${dir}/op`, "alpha", "api");
      const ok = await nats([
        "--server",
        s.url,
        "--creds",
        creds,
        "pub",
        "alpha.jobs.query._any",
        "{}",
      ]);
      assert.equal(ok.code, 0, ok.out);
      assert.match(ok.out, /Published 2 bytes to "alpha\.jobs\.query\._any"/);
      const denied = await nats([
        "--server",
        s.url,
        "--creds",
        creds,
        "pub",
        "beta.jobs.query._any",
        "{}",
      ]);
      assert.notEqual(denied.code, 0);
      assert.match(denied.out, /Permissions Violation for Publish to "beta\.jobs\.query\._any"/);
      // requests need the credential's own inbox (issue 8 §1, §7): `osapi nats inbox` prints it
      for (const role of ["api", "worker"] as const) {
        const file = namespaceCredsFile(`${dir}/op`, "alpha", role);
        const inbox = await runOsapi(["nats", "inbox", "--creds", file, "--namespace", "alpha"], {
          env,
        });
        assert.equal(inbox.code, 0, inbox.stderr);
        const prefix = inbox.stdout.trim();
        assert.match(prefix, /^_INBOX\.alpha\.U[A-Z2-7]{55}$/);
        const base = ["--server", s.url, "--creds", file, "--timeout", "5s"];
        const req = await nats([...base, "--inbox-prefix", prefix, "req", "$JS.API.INFO", ""]);
        assert.equal(req.code, 0, `${role}: ${req.out}`);
        assert.match(req.out, /io\.nats\.jetstream\.api\.v1\.account_info_response/, role);
        const plain = await nats([...base, "req", "$JS.API.INFO", ""]);
        // (the CLI reports the violation, and may still exit 0 after its timeout)
        assert.match(plain.out, /Permissions Violation for Subscription to "_INBOX\./i, role);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
