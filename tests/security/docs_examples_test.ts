/**
 * docs/security.md cannot rot: every ```yaml block is a valid osapi.yaml (loaded from a file like
 * `osapi config validate` does, and with configFromRaw), the config-file modes render into a
 * nats-server.conf, bcrypt hashes on the server side match the passwords the clients in the same
 * example present, and callout users carry bcrypt hashes only.
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { createUser } from "@nats-io/nkeys";
import { configFromRaw, loadConfig, parseYaml } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { isBcryptHash } from "../../src/nats_conf/conf_text.ts";
import { renderServerConfig } from "../../src/server/render.ts";

const DOC = new URL("../../docs/security.md", import.meta.url);

/** The ```yaml blocks of the page with the line each starts on. */
async function yamlBlocks(): Promise<{ line: number; text: string }[]> {
  const lines = (await Deno.readTextFile(DOC)).split("\n");
  const blocks: { line: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```yaml") continue;
    const start = i + 1;
    while (++i < lines.length && lines[i].trim() !== "```");
    blocks.push({ line: start + 1, text: lines.slice(start, i).join("\n") + "\n" });
  }
  return blocks;
}

/** Passwords of `username` in the server-side users of a config (plain or bcrypt). */
function serverPasswords(config: Config): Map<string, string> {
  const a = config.nats.server.auth;
  const users = a.type === "callout" ? a.callout.users : a.users;
  return new Map(users.map((u) => [u.username, u.password]));
}

Deno.test("every yaml example of docs/security.md is a valid osapi.yaml", async () => {
  const blocks = await yamlBlocks();
  assert.ok(blocks.length >= 10, `expected an example per mode, found ${blocks.length}`);
  const dir = await Deno.makeTempDir({ prefix: "osapi-docs-security-" });
  try {
    const modes = new Set<string>();
    for (const [i, b] of blocks.entries()) {
      const where = `docs/security.md line ${b.line}`;
      const file = `${dir}/example-${i}.yaml`;
      await Deno.writeTextFile(file, b.text);
      // the same loader as `osapi config validate`, without the environment
      const loaded = await loadConfig({ file, noEnv: true }).catch((e) => {
        throw new Error(`${where}: ${(e as Error).message}`);
      });
      const config = configFromRaw(parseYaml(b.text, where), where);
      assert.deepEqual(config, loaded.config, where);
      const auth = config.nats.server.auth;
      modes.add(auth.type + (config.nats.server.tls.verify_and_map ? "+map" : ""));

      // server hashes match the passwords the clients of the same example present
      const passwords = serverPasswords(config);
      for (const nats of [config.api.server.nats, config.job.worker.nats]) {
        if (nats.auth.type !== "user_pass" || auth.type === "token") continue;
        const stored = passwords.get(nats.auth.username);
        assert.ok(stored !== undefined, `${where}: no server user ${nats.auth.username}`);
        if (isBcryptHash(stored)) {
          assert.ok(await bcrypt.compare(nats.auth.password, stored), `${where}: hash mismatch`);
        }
      }
      if (auth.type === "callout") {
        for (const u of auth.callout.users) assert.ok(isBcryptHash(u.password), where);
      }
      // the config-file modes render (operator and callout fragments come from their stores)
      if (auth.type !== "operator" && auth.type !== "callout") {
        const { text } = await renderServerConfig(config, {
          adminPublicKey: createUser().getPublicKey(),
          namespaceAdminKeys: { blue: createUser().getPublicKey() },
          bcryptCost: 4,
        });
        assert.match(text, /^server_name: /m, where);
      }
    }
    for (
      const m of ["none", "token", "user_pass", "nkey", "operator", "callout", "user_pass+map"]
    ) {
      assert.ok(modes.has(m), `docs/security.md has no complete example for ${m}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("docs/security.md covers the required topics", async () => {
  const text = await Deno.readTextFile(DOC);
  for (
    const topic of [
      "## Moving from `none` to `nkey` to `operator`",
      "## Namespace isolation",
      "### Websocket",
      "### HTTPS monitoring",
      "### Certificate preflight",
      "## The auth callout",
      "## Recommendations",
      "## Anti-patterns",
      "Never share the admin identity",
      "never expire",
    ]
  ) {
    assert.ok(text.includes(topic), `missing: ${topic}`);
  }
});
