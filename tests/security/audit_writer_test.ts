/**
 * The audit log names its writer (issue 8 §7): against a real nats-server with the api, worker
 * and admin permissions osapi renders, an api user writes audit entries only under its own
 * credential id, cannot write one under another writer's id nor in the legacy key form, a worker
 * cannot write the audit bucket at all, and what the API reads back (GET /audit, /audit/{id},
 * export) takes the writer and id from the key, never from a forged body. Old-format entries
 * (key `<id>`) stay readable, as writer `legacy`.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { configFromRaw } from "../../src/config/load.ts";
import { Logger } from "../../src/log.ts";
import { credentialId } from "../../src/nats/credential_id.ts";
import { type NatsRole, permissionsFor } from "../../src/nats/permissions.ts";
import { ensureResources } from "../../src/nats/resources.ts";
import { SubjectRouter } from "../../src/nats/subjects.ts";
import { auditKey, LEGACY_WRITER, NatsAuditLog } from "../../src/audit/nats_audit_log.ts";
import { uuidv7 } from "../../src/job/ids.ts";
import { createApp } from "../../src/api/app.ts";
import { natsApiServices } from "../../src/runtime/api.ts";
import { guard, publishDenied, startServerWith } from "../helpers/nats_auth.ts";
import { TEST_KEY, testToken } from "../helpers/api.ts";

const NS = "aud";
const router = new SubjectRouter(NS);
const silent = new Logger("test", "error", "text", () => {});
const users: { name: string; role: NatsRole }[] = [
  { name: "api1", role: "api" },
  { name: "api2", role: "api" },
  { name: "worker1", role: "worker" },
  { name: "admin", role: "admin" },
];
const idOf = (name: string) => credentialId({ type: "user", username: name });

/** The `authorization` block: each user with its role's permissions and its credential id. */
function fragment(): string {
  const entries = users.map(({ name, role }) => {
    const p = permissionsFor(role, router, { credential: idOf(name) });
    return `{ user: ${JSON.stringify(name)}, password: "pw-${name}", permissions: { ` +
      `publish: { allow: ${JSON.stringify(p.publish)} }, ` +
      `subscribe: { allow: ${JSON.stringify(p.subscribe)} } } }`;
  });
  return `authorization { users: [\n${entries.join(",\n")}\n] }`;
}

function connectAs(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url,
    user: name,
    pass: `pw-${name}`,
    reconnect: false,
    inboxPrefix: router.inboxPrefixFor(idOf(name)),
  });
}

const entry = (user: string) => ({
  timestamp: new Date().toISOString(),
  user,
  roles: ["admin"],
  method: "GET",
  path: "/api/job",
  source_ip: "127.0.0.1",
  response_code: 200,
  duration_ms: 1,
});

Deno.test("audit: entries carry their writer; no api user writes as another, no worker at all", async () => {
  const server = await startServerWith(fragment());
  const conns: NatsConnection[] = [];
  try {
    const admin = await connectAs(server.url, "admin");
    conns.push(admin);
    const config = configFromRaw({ nats: { server: { namespace: NS } } });
    await ensureResources(admin, config, router, silent);
    const [api1, api2, worker] = await Promise.all(
      ["api1", "api2", "worker1"].map((n) => connectAs(server.url, n)),
    );
    conns.push(api1, api2, worker);

    // the API writes under its own credential id
    const log1 = new NatsAuditLog(api1, router, silent, idOf("api1"));
    const real = log1.record(entry("ops@example.com"));
    await log1.flush();

    const bucket = router.auditBucket;
    const forgedId = uuidv7();
    // api1 cannot write under api2's writer id, nor a key without a writer
    for (const key of [auditKey(idOf("api2"), forgedId), forgedId, `${idOf("api2")}`]) {
      assert.match(await publishDenied(api1, `$KV.${bucket}.${key}`), /Permissions Violation/);
    }
    // a worker cannot write the audit log at all, under any writer
    for (const key of [auditKey(idOf("worker1"), forgedId), auditKey(idOf("api1"), forgedId)]) {
      assert.match(await publishDenied(worker, `$KV.${bucket}.${key}`), /Permissions Violation/);
    }

    // what api1 may forge (under its own id) is attributed to api1, whatever the body claims
    const forgedBody = { ...entry("admin@elsewhere"), id: uuidv7(), writer: idOf("api2") };
    await guard(
      api1.request(
        `$KV.${bucket}.${auditKey(idOf("api1"), forgedId)}`,
        JSON.stringify(forgedBody),
        { timeout: 5_000 },
      ),
      "audit put",
    );
    // an old-format entry (key = id), written before writers were recorded
    const legacyId = uuidv7();
    await admin.request(
      `$KV.${bucket}.${legacyId}`,
      JSON.stringify({ id: legacyId, ...entry("old") }),
    );

    // api2's API reads the log over HTTP
    const apiConfig = configFromRaw({
      nats: { server: { namespace: NS } },
      api: { server: { security: { signing_key: TEST_KEY } } },
    });
    const services = natsApiServices(api2, apiConfig, NS, silent, {}, idOf("api2"));
    const app = createApp({ config: apiConfig, log: silent, signingKey: TEST_KEY, ...services });
    const token = await testToken({ roles: ["admin"] });
    const get = async (path: string) => {
      const r = await app.fetch(
        new Request(`http://x${path}`, { headers: { authorization: `Bearer ${token}` } }),
        { remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 } } as never,
      );
      assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
      return await r.json();
    };
    const page = await get("/api/audit?limit=100");
    const byId = new Map<string, { writer: string; user: string }>(
      page.items.map((e: { id: string; writer: string; user: string }) => [e.id, e]),
    );
    assert.equal(byId.get(real)?.writer, idOf("api1"));
    assert.equal(byId.get(real)?.user, "ops@example.com");
    // the forged entry: id and writer from its key, not from its body
    assert.equal(byId.get(forgedId)?.writer, idOf("api1"));
    assert.equal(byId.get(forgedId)?.user, "admin@elsewhere");
    assert.ok(!byId.has(forgedBody.id), "the body's id was taken");
    assert.equal(byId.get(legacyId)?.writer, LEGACY_WRITER);
    assert.ok(
      !page.items.some((e: { writer: string }) => e.writer === idOf("api2")),
      "an entry is attributed to api2, which wrote none",
    );
    const one = await get(`/api/audit/${forgedId}`);
    assert.equal(one.entry.writer, idOf("api1"));
    assert.equal((await get(`/api/audit/${legacyId}`)).entry.writer, LEGACY_WRITER);
    await app.flush();
  } finally {
    await Promise.all(conns.map((c) => c.close()));
    await server.stop();
  }
});
