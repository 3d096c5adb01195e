/** NKeys, creds files and NATS JWT building/verification (no server needed). */
import assert from "node:assert/strict";
import { decode, parseCreds as libParseCreds } from "@nats-io/jwt";
import { credsAuthenticator } from "@nats-io/transport-node";
import {
  checkPublicKey,
  generateKey,
  generateKeyFile,
  KEY_TYPES,
  NatsKeyError,
  pairFromSeed,
  parseKeyType,
  readSeedFile,
} from "../../src/nats_auth/nats_keys.ts";
import {
  formatCreds,
  parseCreds,
  readCredsFile,
  writeCredsFile,
} from "../../src/nats_auth/creds.ts";
import {
  accountSpecFromJwt,
  encodeAccountJwt,
  encodeOperatorJwt,
  encodeUserJwt,
  expiresIn,
  NatsJwtError,
  resignAccountJwt,
  revokeUserEdit,
  unixNow,
  UNLIMITED_JETSTREAM,
  verifyJwt,
} from "../../src/nats_auth/nats_jwt.ts";
import { checkCredsFile } from "../../src/nats/auth_options.ts";

Deno.test("generated keys have the right prefixes and round-trip through their seeds", () => {
  const prefixes = { operator: "O", account: "A", user: "U", curve: "X" } as const;
  for (const type of KEY_TYPES) {
    const k = generateKey(type);
    assert.equal(k.publicKey[0], prefixes[type]);
    assert.equal(k.seed.slice(0, 2), `S${prefixes[type]}`);
    assert.equal(pairFromSeed(k.seed, type).getPublicKey(), k.publicKey);
    assert.equal(checkPublicKey(k.publicKey, type), k.publicKey);
  }
  assert.throws(() => parseKeyType("server"), /expected one of operator, account, user, curve/);
});

Deno.test("seed errors name the file and the problem, never the seed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const k = await generateKeyFile("account", `${dir}/a.nk`);
    assert.equal((await Deno.stat(`${dir}/a.nk`)).mode! & 0o777, 0o600);
    assert.equal((await readSeedFile(`${dir}/a.nk`, "account")).getPublicKey(), k.publicKey);
    const wrong = await readSeedFile(`${dir}/a.nk`, "user").catch((e) => e);
    assert.ok(wrong instanceof NatsKeyError);
    assert.match(wrong.message, /a\.nk: is an account seed, expected a user seed \(SU\.\.\.\)/);
    assert.ok(!wrong.message.includes(k.seed));
    await assert.rejects(() => readSeedFile(`${dir}/missing.nk`), /missing\.nk: file not found/);
    const broken = k.seed.slice(0, -3) + (k.seed.endsWith("AAA") ? "BBB" : "AAA");
    assert.throws(
      () => pairFromSeed(broken, "account"),
      (e: Error) => /invalid NKey seed/.test(e.message) && !e.message.includes(broken),
    );
    assert.throws(() => checkPublicKey(k.publicKey, "user"), /expected a user public key/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("creds files: standard format, 0600, readable by the nats.js libraries", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const account = generateKey("account");
    const user = generateKey("user");
    const jwt = await encodeUserJwt(
      user.publicKey,
      { name: "u", permissions: { pub: { allow: ["a.>"] } } },
      account.publicKey,
      account.pair,
    );
    const file = `${dir}/u.creds`;
    await writeCredsFile(file, jwt, user.seed);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    const text = await Deno.readTextFile(file);
    assert.equal(text, formatCreds(jwt, user.seed));
    assert.deepEqual(await readCredsFile(file), { jwt, seed: user.seed });
    const lib = await libParseCreds(new TextEncoder().encode(text));
    assert.equal(lib.jwt, jwt);
    assert.equal(lib.key, user.seed);
    credsAuthenticator(new TextEncoder().encode(text)); // accepted by the client
    checkCredsFile(text, file); // and by osapi's own auth options builder
    assert.throws(() => parseCreds("garbage", "x.creds"), /x\.creds: no user JWT/);
    const notUser = formatCreds(jwt, account.seed);
    assert.throws(
      () => parseCreds(notUser, "y.creds"),
      (e: Error) => /expected a user seed/.test(e.message) && !e.message.includes(account.seed),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("operator, account and user JWTs carry signing keys, limits, revocations, expiry", async () => {
  const op = generateKey("operator");
  const opSigning = generateKey("operator");
  const sys = generateKey("account");
  const opJwt = await encodeOperatorJwt("osapi", op.pair, {
    signingKeys: [opSigning.publicKey],
    systemAccount: sys.publicKey,
  });
  const oc = verifyJwt<{ signing_keys: string[]; system_account: string }>(opJwt, {
    type: "operator",
  });
  assert.equal(oc.iss, op.publicKey);
  assert.deepEqual(oc.nats.signing_keys, [opSigning.publicKey]);
  assert.equal(oc.nats.system_account, sys.publicKey);

  const acc = generateKey("account");
  const accSigning = generateKey("account");
  const accJwt = await encodeAccountJwt(acc.publicKey, {
    name: "alpha",
    signingKeys: [accSigning.publicKey],
    jetstream: UNLIMITED_JETSTREAM,
  }, opSigning.pair);
  verifyJwt(accJwt, { type: "account", issuers: [opSigning.publicKey] });
  assert.throws(
    () => verifyJwt(accJwt, { type: "account", issuers: [op.publicKey] }),
    /unexpected issuer/,
  );
  const { publicKey, spec } = accountSpecFromJwt(accJwt);
  assert.equal(publicKey, acc.publicKey);
  assert.deepEqual(spec.signingKeys, [accSigning.publicKey]);
  assert.equal(spec.jetstream?.diskStorage, -1);
  const raw = decode<{ limits: Record<string, unknown> }>(accJwt);
  assert.equal(raw.nats.limits?.conn, -1, "connections unlimited, not zero");
  const user = generateKey("user");
  const revoked = accountSpecFromJwt(
    await resignAccountJwt(accJwt, revokeUserEdit(user.publicKey, 1234), opSigning.pair),
  ).spec;
  assert.equal(revoked.revocations?.[user.publicKey], 1234);
  assert.deepEqual(revoked.signingKeys, [accSigning.publicKey]);

  const exp = unixNow() + 60;
  const userJwt = await encodeUserJwt(
    user.publicKey,
    { name: "u", permissions: { sub: { allow: ["x"] } }, expires: exp },
    acc.publicKey,
    accSigning.pair,
  );
  const uc = verifyJwt<{ issuer_account: string }>(userJwt, { type: "user" });
  assert.equal(uc.iss, accSigning.publicKey);
  assert.equal(uc.nats.issuer_account, acc.publicKey, "signed by a signing key");
  assert.equal(uc.exp, exp);
  assert.throws(() => verifyJwt(userJwt, { now: exp }), /expired/);
  const tampered = userJwt.slice(0, -3) + (userJwt.endsWith("AAA") ? "BBB" : "AAA");
  assert.throws(() => verifyJwt(tampered), NatsJwtError);
  assert.throws(() => verifyJwt("a.b"), /malformed/);
  assert.equal(expiresIn(0), undefined);
  assert.equal(expiresIn(10_000, 1_000_000), 1010);
});
