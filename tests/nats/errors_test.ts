/** nats.js errors recognised by class and JetStream code, against a real nats-server. */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer } from "../helpers/nats_server.ts";
import {
  isConsumerNotFound,
  isNoResponders,
  isPermissionViolation,
  isStreamNotFound,
  jetStreamApiCode,
  STREAM_NAME_IN_USE,
} from "../../src/nats/errors.ts";
import { OsapiError } from "../../src/core/errors.ts";
import { AccountPushError, pushAccountJwt } from "../../src/nats_auth/account_push.ts";

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

Deno.test("stream and consumer not found, name in use: by JetStream API code", async () => {
  await using server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    const noStream = await thrown(jsm.streams.info("NOPE"));
    assert.ok(isStreamNotFound(noStream));
    assert.ok(!isConsumerNotFound(noStream));
    await jsm.streams.add({ name: "S", subjects: ["s.>"] });
    const noConsumer = await thrown(jsm.consumers.info("S", "nope"));
    assert.ok(isConsumerNotFound(noConsumer));
    assert.ok(!isStreamNotFound(noConsumer));
    const inUse = await thrown(jsm.streams.add({ name: "S", subjects: ["other.>"] }));
    assert.equal(jetStreamApiCode(inUse), STREAM_NAME_IN_USE);
    // a wrapped error is recognised through its cause
    const wrapped = new OsapiError("nats.unavailable", "wrapped", { cause: noStream });
    assert.ok(isStreamNotFound(wrapped));
    assert.equal(jetStreamApiCode(new Error("plain")), undefined);
  } finally {
    await nc.close();
  }
});

Deno.test("permission violations and missing responders: by nats.js error class", async () => {
  await using server = await startNatsServer({
    config: `authorization { users = [
      { user: "u", password: "pw", permissions: { publish: { deny: ["denied.>"] } } }
    ] }`,
  });
  const nc = await connect({ servers: server.url, user: "u", pass: "pw" });
  try {
    const denied = await thrown(nc.request("denied.x", "", { timeout: 5_000, noMux: true }));
    assert.ok(isPermissionViolation(denied), String(denied));
    assert.ok(!isNoResponders(denied));
    const nobody = await thrown(nc.request("nobody.listens", "", { timeout: 5_000 }));
    assert.ok(isNoResponders(nobody), String(nobody));
    assert.ok(!isPermissionViolation(nobody));
    // the account push tells "no server answered" from the class, not the message
    const push = await thrown(pushAccountJwt(nc, "jwt", 5_000));
    assert.ok(push instanceof AccountPushError);
    assert.equal(push.code, "nats_auth.account_push");
    assert.match(push.message, /no server answered the account push/);
    assert.ok(isNoResponders(push.cause));
  } finally {
    await nc.close();
  }
});
