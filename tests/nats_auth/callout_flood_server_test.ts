/**
 * Issue 8 §2 against a real nats-server: a bounded flood of wrong-password connects (300, from
 * 127.0.0.2 on loopback, a few seconds) while legitimate clients log in from 127.0.0.1 and a
 * callout-issued user renews its short-lived JWT. Without the login limits every wrong password
 * costs a bcrypt check in the callout and legitimate logins time out behind them.
 */
import assert from "node:assert/strict";
import net from "node:net";
import bcrypt from "bcryptjs";
import type { NatsConnection } from "@nats-io/transport-node";
import { calloutConfigFragment, startCalloutService } from "../../src/nats_auth/callout_service.ts";
import { generateKey } from "../../src/nats_auth/nats_keys.ts";
import { signToken } from "../../src/api_auth/tokens.ts";
import { configFromRaw } from "../../src/config/load.ts";
import { Logger } from "../../src/log.ts";
import { startServerWith, tryConnect } from "../helpers/nats_auth.ts";

const SIGNING_KEY = "flood-test-signing-key-0123456789";

function config(dataDir: string, urls: string[] = []) {
  return configFromRaw({
    data_dir: dataDir,
    api: { server: { security: { signing_key: SIGNING_KEY } } },
    nats: {
      server: {
        namespace: "alpha",
        auth: {
          type: "callout",
          callout: {
            user_ttl: "2s",
            // every user goes through the callout (what a flood could starve)
            auth_user_roles: [],
            users: [
              // a real bcrypt cost: each wrong password would cost the callout tens of ms
              { username: "alice", password: bcrypt.hashSync("alice-pw", 10), role: "api" },
              { username: "bob", password: bcrypt.hashSync("bob-pw", 10), role: "view" },
            ],
            ...(urls.length ? { nats: { urls } } : {}),
          },
        },
      },
    },
  });
}

/** One raw wrong-password login from 127.0.0.2; resolves with what the server answered. */
function wrongLogin(port: number, i: number): Promise<"refused" | "accepted" | "timeout"> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port, localAddress: "127.0.0.2" });
    let buf = "";
    let sent = false;
    const done = (v: "refused" | "accepted" | "timeout") => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done("timeout"), 10_000);
    sock.on("data", (d) => {
      buf += d.toString();
      if (!sent && buf.includes("\r\n")) {
        sent = true;
        const user = i % 3 === 0 ? `ghost-${i}` : "alice";
        sock.write(
          `CONNECT {"verbose":false,"pedantic":false,"user":"${user}","pass":"wrong-${i}"}\r\nPING\r\n`,
        );
      }
      if (/-ERR/.test(buf)) done("refused");
      else if (/PONG/.test(buf)) done("accepted");
    });
    sock.on("error", () => done("refused"));
    sock.on("close", () => done("refused"));
  });
}

Deno.test("callout flood: 300 wrong passwords; legitimate logins and renewals still succeed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-callout-flood-" });
  const lines: string[] = [];
  const log = new Logger("test", "info", "text", (l) => lines.push(l));
  const conns: NatsConnection[] = [];
  try {
    const admin = generateKey("user");
    const fragment = await calloutConfigFragment(config(dir), {
      adminPublicKey: admin.publicKey,
      bcryptCost: 4,
    });
    await using s = await startServerWith(fragment);
    const svc = await startCalloutService(config(dir, [s.url]), log);
    try {
      const port = Number(new URL(s.url).port);
      // alice logs in before the flood; her issued JWT lives 2 s, so she renews during it
      const alice = await tryConnect(s.url, {
        user: "alice",
        pass: "alice-pw",
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 100,
        ignoreAuthErrorAbort: true,
      });
      if (alice instanceof Error) throw alice;
      conns.push(alice);
      let reconnects = 0;
      (async () => {
        for await (const st of alice.status()) if (st.type === "reconnect") reconnects++;
      })();

      // the flood: 300 wrong-password connects, 100 at a time, from 127.0.0.2
      const outcomes: string[] = [];
      let next = 0;
      const flood = Promise.all(Array.from({ length: 100 }, async () => {
        while (next < 300) outcomes.push(await wrongLogin(port, next++));
      }));
      // legitimate logins from another source while the flood runs: a first login (bcrypt),
      // and an API token (no bcrypt)
      await new Promise((r) => setTimeout(r, 300));
      const bob = await tryConnect(s.url, { user: "bob", pass: "bob-pw" });
      assert.ok(!(bob instanceof Error), `bob during the flood: ${bob}`);
      conns.push(bob as NatsConnection);
      const token = await signToken(SIGNING_KEY, { subject: "ops@example.com", roles: ["read"] });
      const tok = await tryConnect(s.url, { token });
      assert.ok(!(tok instanceof Error), `a token during the flood: ${tok}`);
      conns.push(tok as NatsConnection);
      await flood;
      // the flood lasted; at least one renewal of alice's 2 s JWT fell into it or right after
      for (let i = 0; i < 60 && reconnects === 0; i++) await new Promise((r) => setTimeout(r, 100));

      assert.equal(outcomes.length, 300);
      assert.equal(outcomes.filter((o) => o === "accepted").length, 0, "no wrong login passed");
      assert.ok(reconnects >= 1, "alice's JWT expired and she logged in again");
      assert.equal(alice.isClosed(), false, "alice's connection is alive");
      await alice.flush();
      // bob reconnects after the flood with his (cached) pair: still accepted
      const again = await tryConnect(s.url, { user: "bob", pass: "bob-pw" });
      assert.ok(!(again instanceof Error), `bob after the flood: ${again}`);
      conns.push(again as NatsConnection);
      assert.ok(!lines.some((l) => /wrong-\d+|alice-pw|bob-pw/.test(l)), "no password logged");
    } finally {
      for (const c of conns) await c.close().catch(() => {});
      await svc.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
