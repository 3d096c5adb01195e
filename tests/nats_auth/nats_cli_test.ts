/** The NATS security commands, run as the real osapi CLI against real nats-server processes. */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { credsAuthenticator } from "@nats-io/transport-node";
import { readSeedFile } from "../../src/nats_auth/nats_keys.ts";
import { credentialId } from "../../src/nats/credential_id.ts";
import { signToken } from "../../src/api_auth/tokens.ts";
import { runOsapi, spawnOsapi } from "../helpers/osapi.ts";
import { guard, refusal, startServerWith, tryConnect } from "../helpers/nats_auth.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "osapi-nats-cli-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("nats keys generate: seed file 0600, public key printed, bad input refused", async () => {
  await withDir(async (dir) => {
    const out = `${dir}/user.nk`;
    const r = await runOsapi(["nats", "keys", "generate", "--type", "user", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^U[A-Z2-7]{55}$/);
    assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600);
    assert.equal((await readSeedFile(out, "user")).getPublicKey(), r.stdout.trim());
    const again = await runOsapi(["nats", "keys", "generate", "--type", "user", "--out", out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; use --force/);
    const curve = await runOsapi(["nats", "keys", "generate", "--type", "curve"]);
    assert.equal(curve.code, 0);
    assert.match(curve.stdout.trim(), /^SX[A-Z2-7]{56}$/);
    assert.match(curve.stderr, /public key: X[A-Z2-7]{55}/);
    const bad = await runOsapi(["nats", "keys", "generate", "--type", "server"]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /invalid key type "server": expected one of operator, account, user, curve/,
    );
  });
});

Deno.test("nats operator init / user add / account add+push / user revoke --push", async () => {
  await withDir(async (dir) => {
    const store = `${dir}/op`;
    const set = ["--set", `data_dir=${dir}/data`];
    const init = await runOsapi([
      ...set,
      "nats",
      "operator",
      "init",
      "--dir",
      store,
      "--namespaces",
      "alpha,beta",
      "--resolver",
      "full",
    ]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /account alpha \(namespace alpha\)/);
    const again = await runOsapi([...set, "nats", "operator", "init", "--dir", store]);
    assert.equal(again.code, 2, "refuses to overwrite");
    assert.match(again.stderr, /already holds an operator/);

    await using s = await startServerWith(await Deno.readTextFile(`${store}/server.conf`));
    const api = await tryConnect(s.url, {
      authenticator: credsAuthenticator(
        await Deno.readFile(`${store}/accounts/alpha/users/api.creds`),
      ),
      inboxPrefix: "_INBOX.alpha",
    });
    if (api instanceof Error) throw api;
    await api.close();

    const add = await runOsapi([
      ...set,
      "nats",
      "user",
      "add",
      "app",
      "--account",
      "beta",
      "--pub",
      "x.>",
      "--sub",
      "x.>",
      "--expires",
      "1h",
      "--dir",
      store,
    ]);
    assert.equal(add.code, 0, add.stderr);
    const appCreds = add.stdout.trim();
    assert.equal((await Deno.stat(appCreds)).mode! & 0o777, 0o600);
    const app = await tryConnect(s.url, {
      authenticator: credsAuthenticator(await Deno.readFile(appCreds)),
    });
    if (app instanceof Error) throw app;

    const acc = await runOsapi([...set, "nats", "account", "add", "gamma", "--dir", store]);
    assert.equal(acc.code, 0, acc.stderr);
    const gu = await runOsapi([
      ...set,
      "nats",
      "user",
      "add",
      "g",
      "--account",
      "gamma",
      "--role",
      "admin",
      "--dir",
      store,
    ]);
    assert.equal(gu.code, 0, gu.stderr);
    const push = await runOsapi([
      ...set,
      "nats",
      "account",
      "push",
      "gamma",
      "--dir",
      store,
      "--server",
      s.url,
    ]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /pushed gamma/);
    const g = await tryConnect(s.url, {
      authenticator: credsAuthenticator(await Deno.readFile(gu.stdout.trim())),
    });
    if (g instanceof Error) throw g;
    await g.close();

    const revoke = await runOsapi([
      ...set,
      "nats",
      "user",
      "revoke",
      "app",
      "--account",
      "beta",
      "--push",
      "--server",
      s.url,
      "--dir",
      store,
    ]);
    assert.equal(revoke.code, 0, revoke.stderr);
    await guard(app.closed(), "revoked user disconnected");
    assert.match(
      await refusal(s.url, { authenticator: credsAuthenticator(await Deno.readFile(appCreds)) }),
      /authorization/i,
    );
    const list = await runOsapi([
      ...set,
      "nats",
      "user",
      "list",
      "--account",
      "beta",
      "--dir",
      store,
    ]);
    assert.match(list.stdout, /^app\tU[A-Z2-7]{55}\texpires=\S+\trevoked$/m);

    const unknown = await runOsapi([
      ...set,
      "nats",
      "user",
      "add",
      "x",
      "--account",
      "nope",
      "--pub",
      "a",
      "--dir",
      store,
    ]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown account "nope" in .* \(known: SYS, alpha, beta, gamma\)/);
  });
});

Deno.test("nats account export/import via the CLI", async () => {
  await withDir(async (dir) => {
    const store = `${dir}/op`;
    const set = ["--set", `data_dir=${dir}/data`];
    const run = async (...args: string[]) => {
      const r = await runOsapi([...set, "nats", ...args, "--dir", store]);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    await run("operator", "init", "--namespaces", "alpha,beta", "--resolver", "memory");
    await run("account", "export", "alpha", "alpha.events.>", "--stream");
    await run("account", "import", "beta", "alpha.events.>", "--from", "alpha", "--stream");
    const list = await run("account", "list");
    assert.match(list, /^alpha\t\S+\tjetstream\texports=1\timports=0/m);
    assert.match(list, /^beta\t\S+\tjetstream\texports=0\timports=1/m);
    const both = await runOsapi([
      ...set,
      "nats",
      "account",
      "export",
      "alpha",
      "x",
      "--stream",
      "--service",
      "--dir",
      store,
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exactly one of --stream or --service/);
  });
});

Deno.test("nats callout start answers the server; stops on SIGTERM", async () => {
  await withDir(async (dir) => {
    const hash = bcrypt.hashSync("carol-pw", 4);
    const yaml = (url: string) =>
      [
        `data_dir: ${dir}/data`,
        "nats:",
        "  server:",
        "    namespace: alpha",
        "    auth:",
        "      type: callout",
        "      callout:",
        "        users:",
        "          - username: carol",
        `            password: '${hash}'`,
        "            role: api",
        ...(url ? ["        nats:", `          urls: ['${url}']`] : []),
      ].join("\n") + "\n";
    const file = `${dir}/osapi.yaml`;
    await Deno.writeTextFile(file, yaml(""));
    const frag = await runOsapi(["-f", file, "nats", "callout", "config"]);
    assert.equal(frag.code, 0, frag.stderr);
    assert.match(frag.stdout, /auth_callout \{/);
    await using s = await startServerWith(frag.stdout);
    await Deno.writeTextFile(file, yaml(s.url));
    const child = spawnOsapi(["-f", file, "nats", "callout", "start"]);
    const dec = new TextDecoder();
    let err = "";
    let listening!: () => void;
    const ready = new Promise<void>((r) => listening = r);
    const drained = (async () => {
      for await (const chunk of child.stderr) {
        err += dec.decode(chunk);
        if (err.includes("auth callout service listening")) listening();
      }
    })();
    try {
      await guard(ready, "callout service start", 30_000);
      const nc = await tryConnect(s.url, { user: "carol", pass: "carol-pw" });
      if (nc instanceof Error) throw nc;
      await nc.close();
      assert.match(await refusal(s.url, { user: "carol", pass: "wrong-pw" }), /authorization/i);
    } finally {
      child.kill("SIGTERM");
      const status = await child.status;
      await child.stdout.cancel();
      await drained;
      assert.equal(status.code, 0, err);
      assert.ok(!err.includes("wrong-pw") && !err.includes("carol-pw"));
    }
  });
});

Deno.test("nats inbox: each credential's inbox prefix; bad input refused naming the option", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const env = { XDG_DATA_HOME: dir };
    const set = [
      "--set",
      `data_dir=${dir}/data`,
      "--set",
      "nats.server.namespace=prod",
      "--set",
      "api.server.nats.namespace=prod",
    ];
    const inbox = (...args: string[]) => runOsapi([...set, "nats", "inbox", ...args], { env });
    const user = await inbox("--user", "api");
    assert.equal(user.code, 0, user.stderr);
    assert.equal(
      user.stdout.trim(),
      `_INBOX.prod.${credentialId({ type: "user", username: "api" })}`,
    );
    assert.equal((await inbox()).stdout.trim(), "_INBOX.prod.shared", "the API's (no auth)");
    const key = "UDQW6WHFYP5ERDHJXADWNEVUWL4VCWG2D6MJX2BWE4JQGP6IAFBV6VF2";
    assert.equal(
      (await inbox("--public-key", key, "--namespace", "x")).stdout.trim(),
      `_INBOX.x.${key}`,
    );
    const token = await signToken("k".repeat(32), { subject: "ops@example.com", roles: ["admin"] });
    await Deno.writeTextFile(`${dir}/token`, token + "\n");
    assert.equal(
      (await inbox("--token-file", `${dir}/token`)).stdout.trim(),
      `_INBOX.prod.${credentialId({ type: "token", subject: "ops@example.com" })}`,
    );
    const bad: [string[], RegExp][] = [
      [["--user", "a", "--public-key", key], /give one of --component, --user/],
      [["--public-key", "nope"], /--public-key "nope": expected a user public key/],
      [["--component", "db"], /--component "db": expected one of api, worker/],
      [["--token-file", `${dir}/missing`], /cannot read .*missing/],
    ];
    await Deno.writeTextFile(`${dir}/plain`, "not-a-jwt\n");
    bad.push([["--token-file", `${dir}/plain`], /not an API token/]);
    for (const [args, message] of bad) {
      const r = await inbox(...args);
      assert.equal(r.code, 2, `${args}: ${r.stdout}`);
      assert.match(r.stderr, message);
      assert.ok(!r.stderr.includes("not-a-jwt"), "the token file's content is never printed");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
