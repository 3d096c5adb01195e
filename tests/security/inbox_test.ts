/**
 * Issue 8 §1 and §6 against a real `osapi serve` in callout mode (API and worker log in through
 * the auth callout): every credential has its own inbox (`_INBOX.<ns>.<credential id>.>`) and may
 * subscribe to no other, so a job's `env` secret reaches the API that submitted it and the worker
 * that ran it, and no other credential of the namespace; a read-only token cannot direct-get a
 * job record (REST would redact it).
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { connectNats, guardLateSocketErrors } from "../../src/nats/connect.ts";
import { configFromRaw } from "../../src/config/load.ts";
import { silent } from "../../src/log.ts";
import { startRenderedServer } from "../helpers/rendered_server.ts";
import { makeTestPki, signCertificate } from "../helpers/tls.ts";
import { credentialId } from "../../src/nats/credential_id.ts";
import { JS_API, kvKeySubject, kvStream, SubjectRouter } from "../../src/nats/subjects.ts";
import { inboxPrefixOf } from "../../src/nats/inbox.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { startServe } from "../helpers/serve.ts";
import { guard, subscriptionDenied } from "../helpers/nats_auth.ts";

guardLateSocketErrors();

const NS = "osapi";
const SECRET = "s3cret-env-value-7f1c";

/** Collects every message a connection receives on the subscriptions it is allowed. */
class Spy {
  readonly seen: string[] = [];
  constructor(readonly nc: NatsConnection, readonly name: string) {}
  listen(subject: string): void {
    this.nc.subscribe(subject, {
      callback: (_e, m) => {
        this.seen.push(`${m.subject} ${new TextDecoder().decode(m.data)}`);
      },
    });
  }
}

async function token(env: Record<string, string>, args: string[]): Promise<string> {
  const r = await runOsapi(["token", "generate", ...args], { env });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

function subjectOf(token: string): string {
  return JSON.parse(atob(token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/"))).sub;
}

Deno.test("inboxes: a health:read token and a host-fenced worker read no other credential's replies; env secrets reach only API and worker; a read token cannot direct-get records", async () => {
  const dir = await Deno.makeTempDir();
  const conns: NatsConnection[] = [];
  try {
    const file = `${dir}/osapi.yaml`;
    const hash = (pw: string) => bcrypt.hashSync(pw, 4);
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        nats: {
          server: {
            auth: {
              type: "callout",
              callout: {
                users: [
                  { username: "api", password: hash("api-pw"), role: "api" },
                  {
                    username: "worker",
                    password: hash("worker-pw"),
                    role: "worker",
                    hostname: "h1",
                  },
                  { username: "worker2", password: hash("w2-pw"), role: "worker", hostname: "h2" },
                ],
              },
            },
          },
        },
        api: {
          server: { nats: { auth: { type: "user_pass", username: "api", password: "api-pw" } } },
        },
        job: {
          worker: {
            hostname: "h1",
            nats: { auth: { type: "user_pass", username: "worker", password: "worker-pw" } },
          },
        },
      }),
    );
    await using s = await startServe({ OSAPI_CONFIG: file });
    const env = s.env;
    const servers = `nats://127.0.0.1:${s.natsPort}`;
    const router = new SubjectRouter(NS);
    const others = [
      "_INBOX.>",
      router.inboxWildcard(),
      router.inboxWildcardFor(credentialId({ type: "user", username: "api" })),
      router.inboxWildcardFor(credentialId({ type: "user", username: "worker" })),
    ];

    // a health:read token (callout-issued user): its inbox is bound to its token subject
    const health = await token(env, ["--permissions", "health:read", "--subject", "probe"]);
    const healthNc = await connect({
      servers,
      token: health,
      maxReconnectAttempts: 0,
      inboxPrefix: router.inboxPrefixFor(credentialId({ type: "token", subject: "probe" })),
    });
    conns.push(healthNc);
    // another worker of the namespace, fenced to host h2
    const w2 = await connect({
      servers,
      user: "worker2",
      pass: "w2-pw",
      maxReconnectAttempts: 0,
      inboxPrefix: router.inboxPrefixFor(credentialId({ type: "user", username: "worker2" })),
    });
    conns.push(w2);
    for (const nc of [healthNc, w2]) {
      for (const subject of others) {
        assert.match(await subscriptionDenied(nc, subject), /Permissions Violation/i, subject);
      }
    }
    // what each may still subscribe to: its own inbox (and the worker its drain state)
    const spies = [new Spy(healthNc, "health:read token"), new Spy(w2, "worker h2")];
    spies[0].listen(`${inboxPrefixOf(healthNc)}.>`);
    spies[1].listen(`${inboxPrefixOf(w2)}.>`);
    spies[1].listen(kvKeySubject(router.stateBucket, "h2"));
    for (const spy of spies) await spy.nc.flush();

    // an admin submits a command whose env carries a secret; the worker runs it on h1
    const admin = await token(env, ["--roles", "admin", "--subject", "ops@example.com"]);
    const res = await fetch(`${env.OSAPI_API_CLIENT_URL}/command/exec`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({
        command: "sh",
        args: ["-c", 'test "$OSAPI_T_SECRET" = "$1"', "sh", SECRET],
        env: { OSAPI_T_SECRET: SECRET },
      }),
    });
    const body = await res.json();
    assert.ok(res.status < 300, JSON.stringify(body) + s.output());
    // the worker received the secret (the test in the command passed)
    assert.equal(body.results?.[0]?.exit_code, 0, JSON.stringify(body));
    const jobId: string = body.job_id;

    // §6: a token REST shows every record unredacted (admin) reads the record with the secret
    const adminNc = await connect({
      servers,
      token: admin,
      maxReconnectAttempts: 0,
      inboxPrefix: router.inboxPrefixFor(
        credentialId({ type: "token", subject: subjectOf(admin) }),
      ),
    });
    conns.push(adminNc);
    const getSubject = JS_API.directGet(
      kvStream(router.jobBucket),
      kvKeySubject(router.jobBucket, `jobs.${jobId}`),
    );
    const record = await adminNc.request(getSubject, "", { timeout: 5_000 });
    assert.match(record.string(), new RegExp(SECRET));
    // ... a read-only token (REST redacts the command job for it) may not
    const read = await token(env, ["--roles", "read", "--subject", "reader"]);
    const readNc = await connect({
      servers,
      token: read,
      maxReconnectAttempts: 0,
      inboxPrefix: router.inboxPrefixFor(credentialId({ type: "token", subject: "reader" })),
    });
    conns.push(readNc);
    const denied = await guard(
      readNc.request(getSubject, "", { timeout: 5_000 }).then(
        (m) => `answered: ${m.string()}`,
        (e) => String(e),
      ),
      "read token direct get",
    );
    assert.match(denied, /Permissions Violation/i);
    assert.doesNotMatch(denied, new RegExp(SECRET));

    // nothing the spies may subscribe to carried the secret (nor the job at all)
    for (const spy of spies) await spy.nc.flush();
    for (const spy of spies) {
      assert.ok(!spy.seen.some((m) => m.includes(SECRET)), `${spy.name} saw the secret`);
      assert.ok(!spy.seen.some((m) => m.includes(jobId)), `${spy.name} saw the job`);
    }
  } finally {
    for (const nc of conns.reverse()) await nc.close().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("inboxes: a certificate mapped by verify_and_map answers on the inbox of its subject", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pki = await makeTestPki(dir);
    await using rs = await startRenderedServer({
      nats: {
        server: {
          namespace: NS,
          tls: {
            cert_file: pki.serverCert,
            key_file: pki.serverKey,
            ca_file: pki.ca,
            verify_and_map: true,
          },
          auth: { type: "user_pass", users: [{ username: "CN=osapi-api", role: "api" }] },
        },
      },
    });
    const c = await signCertificate(dir, "osapi-api");
    const client = configFromRaw({
      api: {
        server: {
          nats: {
            host: "127.0.0.1",
            port: rs.server.port,
            namespace: NS,
            tls: { ca_file: pki.ca, cert_file: c.cert, key_file: c.key },
          },
        },
      },
    }).api.server.nats;
    const nc = await connectNats(client, silent, { maxReconnectAttempts: 0 });
    try {
      assert.equal(
        inboxPrefixOf(nc),
        `_INBOX.${NS}.${credentialId({ type: "user", username: "CN=osapi-api" })}`,
      );
      // a request: the answer comes to its own inbox, which its permissions allow
      const info = await nc.request("$JS.API.INFO", "", { timeout: 5_000 });
      assert.match(info.string(), /account_info_response/);
      assert.match(await subscriptionDenied(nc, "_INBOX.osapi.>"), /Permissions Violation/i);
    } finally {
      await nc.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
