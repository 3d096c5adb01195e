import assert from "node:assert/strict";
import { createAccount, createOperator, createServer, createUser } from "@nats-io/nkeys";
import { nativeSigner, verifyNkey } from "../../src/nats_auth/ed25519.ts";

const data = new TextEncoder().encode("authorization response payload");

Deno.test("native signatures equal nkeys.js's and verify both ways", () => {
  for (const pair of [createAccount(), createOperator(), createUser(), createServer()]) {
    const native = nativeSigner(pair);
    const sig = native.sign(data);
    assert.deepEqual(sig, pair.sign(data), "ed25519 is deterministic");
    assert.ok(pair.verify(data, sig));
    assert.ok(verifyNkey(pair.getPublicKey(), data, pair.sign(data)));
    assert.ok(native.verify(data, sig));
    assert.equal(native.getPublicKey(), pair.getPublicKey());
    assert.deepEqual(native.getSeed(), pair.getSeed());
    assert.deepEqual(native.getPrivateKey(), pair.getPrivateKey());
    assert.equal(native.getPublicKey(), native.getPublicKey(), "derived once, same each time");
  }
});

Deno.test("verification fails for other data, another key and a damaged signature", () => {
  const pair = createAccount();
  const sig = pair.sign(data);
  assert.equal(verifyNkey(pair.getPublicKey(), new TextEncoder().encode("other"), sig), false);
  assert.equal(verifyNkey(createAccount().getPublicKey(), data, sig), false);
  const damaged = sig.slice();
  damaged[10] ^= 1;
  assert.equal(verifyNkey(pair.getPublicKey(), data, damaged), false);
  assert.equal(verifyNkey(pair.getPublicKey(), data, sig.subarray(0, 10)), false);
});
