/** Re-signing an account keeps every claim (issue 8 §5): hand-built nsc-shaped claims. */
import assert from "node:assert/strict";
import { encodeAccount } from "@nats-io/jwt";
import { generateKey } from "../../src/nats_auth/nats_keys.ts";
import {
  type Account,
  resignAccountJwt,
  revokeUserEdit,
  verifyJwt,
} from "../../src/nats_auth/nats_jwt.ts";

const accountClaimsFromJwt = (jwt: string) =>
  verifyJwt<Account>(jwt, { type: "account", ignoreTime: true });

Deno.test("re-signing an nsc-shaped account keeps every claim but the edited one", async () => {
  const op = generateKey("operator");
  const acc = generateKey("account");
  const user = generateKey("user");
  const nats = {
    limits: {
      subs: 1000,
      data: 1000000,
      payload: 65536,
      conn: 50,
      leaf: 3,
      imports: -1,
      exports: -1,
      wildcards: true,
      disallow_bearer: true,
      tiered_limits: { R1: { mem_storage: 1e9, disk_storage: 2e9, streams: 10, consumer: 100 } },
    },
    signing_keys: [{
      key: generateKey("account").publicKey,
      kind: "user_scope",
      role: "svc",
      template: { pub: { allow: ["svc.>"] }, sub: { allow: ["_INBOX.>"] } },
    }],
    default_permissions: { pub: { allow: ["app.>"] }, sub: { deny: ["secret.>"] } },
    mappings: { "orig.>": [{ subject: "mapped.>" }] },
    tags: ["env:test"],
    description: "an nsc account",
    info_url: "https://example.com",
    x_future_field: { kept: true },
  };
  // deno-lint-ignore no-explicit-any
  const jwt = await encodeAccount("APP", acc.pair as any, nats as any, { signer: op.pair as any });
  const before = accountClaimsFromJwt(jwt);
  const after = accountClaimsFromJwt(
    await resignAccountJwt(jwt, revokeUserEdit(user.publicKey, 1234), op.pair),
  );
  assert.deepEqual(after.nats.revocations, { [user.publicKey]: 1234 });
  const strip = (c: typeof before) => {
    const { iat: _i, jti: _j, ...rest } = structuredClone(c);
    delete (rest.nats as { revocations?: unknown }).revocations;
    return rest;
  };
  assert.deepEqual(strip(after), strip(before));
});
