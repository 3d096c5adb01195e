/**
 * `osapi nats operator import` of a store made by the real nsc (issue 8 §5, §7): every claim
 * kept verbatim, the nsc user connects to the server osapi renders, and osapi's re-signing
 * (export, import, revoke) keeps every claim of the nsc account but the edited one.
 */
import assert from "node:assert/strict";
import { credsAuthenticator } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { renderOperatorConfig } from "../../src/nats_auth/operator_init.ts";
import { OperatorStore } from "../../src/nats_auth/operator_store.ts";
import { type Account, type ClaimsData, verifyJwt } from "../../src/nats_auth/nats_jwt.ts";
import { refusal, startServerWith, tryConnect } from "../helpers/nats_auth.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { type NscEnv, nscEnv, nscOrSkip } from "../helpers/nsc.ts";

const NSC = await nscOrSkip();

/** An nsc operator with SYS and an account APP carrying every kind of claim, and two users. */
async function nscStore(nsc: NscEnv): Promise<void> {
  await nsc.run("add", "operator", "--name", "OP", "--sys", "--generate-signing-key");
  await nsc.run("add", "account", "--name", "APP");
  await nsc.run(
    "edit",
    "account",
    "--name",
    "APP",
    "--js-tier",
    "1",
    "--js-mem-storage",
    "64M",
    "--js-disk-storage",
    "256M",
    "--js-streams",
    "10",
    "--js-consumer",
    "100",
    "--conns",
    "50",
    "--subscriptions",
    "1000",
    "--payload",
    "512K",
    "--description",
    "made by nsc",
    "--tag",
    "team:ops",
  );
  await nsc.run("edit", "account", "--name", "APP", "--allow-pub", "app.>,$JS.API.>");
  await nsc.run("edit", "account", "--name", "APP", "--allow-sub", "app.>,_INBOX.>");
  await nsc.run("add", "mapping", "--account", "APP", "--from", "old.>", "--to", "app.>");
  await nsc.run("edit", "account", "--name", "APP", "--sk", "generate");
  await nsc.run("edit", "account", "--name", "APP", "--sk", "generate");
  const scoped = accountClaims(await nscAccountJwt(nsc)).nats.signing_keys?.[1];
  await nsc.run(
    "edit",
    "signing-key",
    "--account",
    "APP",
    "--sk",
    typeof scoped === "string" ? scoped : String(scoped?.key),
    "--role",
    "scoped",
    "--allow-pub",
    "app.scoped.>",
  );
  await nsc.run("add", "user", "--account", "APP", "--name", "bob");
  await nsc.run("add", "user", "--account", "APP", "--name", "alice");
}

async function nscAccountJwt(nsc: NscEnv): Promise<string> {
  return (await Deno.readTextFile(`${nsc.storesDir}/OP/accounts/APP/APP.jwt`)).trim();
}

function accountClaims(jwt: string): ClaimsData<Account> {
  return verifyJwt<Account>(jwt, { type: "account", ignoreTime: true });
}

/** The claims without what every signing renews (iss, iat, jti) and without `drop`. */
function kept(jwt: string, drop: string[] = []): Record<string, unknown> {
  const c = structuredClone(accountClaims(jwt)) as unknown as Record<string, unknown>;
  for (const k of ["iss", "iat", "jti"]) delete c[k];
  const nats = c.nats as Record<string, unknown>;
  for (const k of drop) delete nats[k];
  return c;
}

async function credsOf(file: string) {
  return credsAuthenticator(await Deno.readFile(file));
}

/** Connects with `creds` to a server rendered from the store and uses JetStream (tier R1). */
async function connectsWithJetStream(store: OperatorStore, creds: string): Promise<void> {
  await using s = await startServerWith(await renderOperatorConfig(store, { resolver: "memory" }));
  const nc = await tryConnect(s.url, { authenticator: await credsOf(creds) });
  if (nc instanceof Error) throw nc;
  try {
    const jsm = await jetstreamManager(nc, { apiPrefix: "$JS.API" });
    const info = await jsm.getAccountInfo();
    assert.ok(info.tiers?.R1, `tiered JetStream limits apply: ${JSON.stringify(info)}`);
    await jsm.streams.add({ name: "APP", subjects: ["app.stream.>"] });
  } finally {
    await nc.close();
  }
}

Deno.test({
  name: "nsc store imported: JWTs verbatim, seeds 0600, nsc user connects; re-signing keeps claims",
  ignore: NSC === undefined,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "osapi-nsc-" });
    try {
      const nsc = nscEnv(NSC!, root);
      await nscStore(nsc);
      const nscJwt = await nscAccountJwt(nsc);
      const dir = `${root}/osapi-store`;
      const r = await runOsapi([
        "nats",
        "operator",
        "import",
        nsc.storesDir,
        "--keys",
        nsc.keysDir,
        "--dir",
        dir,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /system account {2}SYS/);
      const store = new OperatorStore(dir);
      const opJwt = (await Deno.readTextFile(`${nsc.storesDir}/OP/OP.jwt`)).trim();
      assert.equal((await store.operator()).jwt, opJwt, "operator JWT kept verbatim");
      assert.equal((await store.account("APP")).jwt, nscJwt, "account JWT kept verbatim");
      for (
        const f of [
          "keys/operator.nk",
          "keys/operator-signing.nk",
          "accounts/APP/account.nk",
          "accounts/APP/signing.nk",
          "accounts/APP/users/bob.creds",
          "accounts/SYS/users/sys.creds",
        ]
      ) {
        assert.equal((await Deno.stat(`${dir}/${f}`)).mode! & 0o777, 0o600, f);
      }

      // The server config `osapi nats operator config` renders accepts the user nsc made (its
      // own creds file) and the imported creds, with JetStream.
      const conf = await runOsapi([
        "nats",
        "operator",
        "config",
        "--dir",
        dir,
        "--resolver",
        "memory",
      ]);
      assert.equal(conf.code, 0, conf.stderr);
      assert.equal(conf.stdout, await renderOperatorConfig(store, { resolver: "memory" }));
      const nscBob = `${nsc.keysDir}/creds/OP/APP/bob.creds`;
      await connectsWithJetStream(store, nscBob);
      await connectsWithJetStream(store, `${dir}/accounts/APP/users/bob.creds`);

      // osapi re-signs: export, import, revoke — everything else stays as nsc wrote it.
      const exp = await runOsapi([
        "nats",
        "account",
        "export",
        "APP",
        "app.events.>",
        "--stream",
        "--dir",
        dir,
      ]);
      assert.equal(exp.code, 0, exp.stderr);
      const afterExport = (await store.account("APP")).jwt;
      assert.deepEqual(kept(afterExport, ["exports"]), kept(nscJwt, ["exports"]));
      assert.deepEqual(accountClaims(afterExport).nats.exports?.map((e) => e.subject), [
        "app.events.>",
      ]);
      const imp = await runOsapi([
        "nats",
        "account",
        "import",
        "APP",
        "sys.events.>",
        "--stream",
        "--from",
        "SYS",
        "--to",
        "from-sys.>",
        "--dir",
        dir,
      ]);
      assert.equal(imp.code, 0, imp.stderr);
      const afterImport = (await store.account("APP")).jwt;
      assert.deepEqual(kept(afterImport, ["imports"]), kept(afterExport, ["imports"]));
      const revoked = await store.revokeUser("APP", "alice");
      assert.deepEqual(kept(revoked.jwt, ["revocations"]), kept(afterImport, ["revocations"]));
      const c = accountClaims(revoked.jwt);
      const op = await store.operator();
      assert.ok(op.signingKeys.includes(c.iss), "re-signed with the operator signing key");
      assert.ok(c.nats.limits && "tiered_limits" in c.nats.limits, "tiered limits kept");

      await connectsWithJetStream(store, nscBob);
      await using s = await startServerWith(
        await renderOperatorConfig(store, { resolver: "memory" }),
      );
      assert.match(
        await refusal(s.url, {
          authenticator: await credsOf(`${nsc.keysDir}/creds/OP/APP/alice.creds`),
        }),
        /authorization|revoked/i,
      );
      // osapi issues a new user in the imported account.
      const added = await store.addUser("APP", {
        name: "carol",
        permissions: { pub: { allow: ["app.>"] }, sub: { allow: ["app.>", "_INBOX.>"] } },
      });
      const nc = await tryConnect(s.url, { authenticator: await credsOf(added.credsFile) });
      if (nc instanceof Error) throw nc;
      await nc.close();
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "nsc import refuses a wrong layout, several operators without --operator, an existing store",
  ignore: NSC === undefined,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "osapi-nsc-" });
    try {
      const empty = `${root}/empty`;
      await Deno.mkdir(empty);
      const bad = await runOsapi(["nats", "operator", "import", empty, "--dir", `${root}/s`]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /is not an nsc store: expected <dir>\/<operator>\/<operator>\.jwt/);

      const nsc = nscEnv(NSC!, root);
      await nsc.run("add", "operator", "--name", "ONE", "--sys");
      await nsc.run("add", "operator", "--name", "TWO", "--sys");
      const several = await runOsapi([
        "nats",
        "operator",
        "import",
        nsc.storesDir,
        "--dir",
        `${root}/s`,
      ]);
      assert.notEqual(several.code, 0);
      assert.match(several.stderr, /several operators \(ONE, TWO\): choose one with --operator/);

      const noKeys = await runOsapi([
        "nats",
        "operator",
        "import",
        nsc.storesDir,
        "--operator",
        "ONE",
        "--keys",
        empty,
        "--dir",
        `${root}/s`,
      ]);
      assert.notEqual(noKeys.code, 0);
      assert.match(noKeys.stderr, /no nsc keystore at .*empty.*pass --keys/);

      const args = [
        "nats",
        "operator",
        "import",
        nsc.storesDir,
        "--operator",
        "ONE",
        "--dir",
        `${root}/s`,
      ];
      const ok = await runOsapi(args);
      assert.equal(ok.code, 0, ok.stderr);
      const again = await runOsapi(args);
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /already holds an operator.*--force/);
      const forced = await runOsapi([...args, "--force"]);
      assert.equal(forced.code, 0, forced.stderr);

      // An operator that requires signing keys: without the signing seed, no identity-key
      // fallback (nats-server would refuse the account).
      await nsc.run("add", "operator", "--name", "STRICT", "--sys", "--generate-signing-key");
      await nsc.run("edit", "operator", "--require-signing-keys");
      const strict = `${root}/strict`;
      const imported = await runOsapi([
        "nats",
        "operator",
        "import",
        nsc.storesDir,
        "--operator",
        "STRICT",
        "--dir",
        strict,
      ]);
      assert.equal(imported.code, 0, imported.stderr);
      await Deno.remove(`${strict}/keys/operator-signing.nk`);
      const resign = await runOsapi([
        "nats",
        "account",
        "export",
        "SYS",
        "x.>",
        "--stream",
        "--dir",
        strict,
      ]);
      assert.notEqual(resign.code, 0);
      assert.match(resign.stderr, /requires signing keys \(strict_signing_key_usage\)/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
