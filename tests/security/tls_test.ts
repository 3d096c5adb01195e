/**
 * TLS, mTLS, websocket and HTTPS monitoring against real nats-server processes running the
 * configuration osapi renders: the client library (transport-node under Deno) presents client
 * certificates and verifies the server with a custom CA; clients without a certificate or with
 * one of another CA are refused; the websocket listener speaks NATS (ws:// with wsconnect, wss://
 * through a raw TLS handshake); the supervisor's readiness check works over HTTPS; the
 * authorization timeout is rendered and enforced.
 */
import assert from "node:assert/strict";
import { wsconnect } from "@nats-io/transport-node";
import { configFromRaw } from "../../src/config/load.ts";
import type { NatsClientConfig } from "../../src/config/schema.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { monitorHttpClient } from "../../src/server/supervisor.ts";
import { startNats } from "../../src/runtime/nats.ts";
import { guard, tryConnect } from "../helpers/nats_auth.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { freePort, freePorts } from "../helpers/ports.ts";
import { startRenderedServer } from "../helpers/rendered_server.ts";
import { makeTestPki, type TestPki } from "../helpers/tls.ts";

/** Two independent test PKIs in one temp dir, removed on dispose. */
async function twoPkis(): Promise<{ dir: string; a: TestPki; b: TestPki } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "osapi-tls-test-" });
  await Deno.mkdir(`${dir}/a`);
  await Deno.mkdir(`${dir}/b`);
  return {
    dir,
    a: await makeTestPki(`${dir}/a`),
    b: await makeTestPki(`${dir}/b`),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function client(port: number, tls: Record<string, string>): NatsClientConfig {
  return configFromRaw({ api: { server: { nats: { port, tls } } } }).api.server.nats;
}

async function connectError(nats: NatsClientConfig): Promise<string> {
  try {
    const nc = await connectNats(nats, silent, { maxReconnectAttempts: 0, timeout: 3_000 });
    await nc.close();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("the connection should have been refused");
}

Deno.test("mTLS: a CA-signed client certificate connects; no certificate, another CA's certificate, or a client trusting another CA are refused", async () => {
  await using p = await twoPkis();
  const { a, b } = p;
  await using rs = await startRenderedServer({
    nats: {
      server: {
        tls: { cert_file: a.serverCert, key_file: a.serverKey, ca_file: a.ca, verify: true },
      },
    },
  });
  const port = rs.server.port;
  const good = await connectNats(
    client(port, { ca_file: a.ca, cert_file: a.clientCert, key_file: a.clientKey }),
    silent,
    { maxReconnectAttempts: 0 },
  );
  assert.equal(good.info?.tls_required, true);
  assert.equal(good.info?.tls_verify, true);
  await good.flush();
  await good.close();

  assert.match(
    await connectError(client(port, { ca_file: a.ca })),
    /the server may require a client certificate \(set tls\.cert_file and tls\.key_file\)/,
  );
  assert.match(
    await connectError(
      client(port, { ca_file: a.ca, cert_file: b.clientCert, key_file: b.clientKey }),
    ),
    /if the server verifies client certificates, is tls\.cert_file signed by a CA it trusts/,
  );
  assert.match(
    await connectError(
      client(port, { ca_file: b.ca, cert_file: a.clientCert, key_file: a.clientKey }),
    ),
    /server certificate cannot be verified with tls\.ca_file/,
  );
  // without a CA the system roots are used: the test CA is not among them
  assert.match(
    await connectError(client(port, { cert_file: a.clientCert, key_file: a.clientKey })),
    /cannot be verified with the system CAs/,
  );
  // the server logged the refused handshakes
  assert.match(rs.server.output(), /TLS handshake error/);
});

/** A raw websocket upgrade: the response head and the first frame's payload (if any). */
async function wsUpgrade(
  port: number,
  opts: { ca?: string; origin?: string; deflate?: boolean } = {},
): Promise<{ head: string; payload: string }> {
  const conn = opts.ca
    ? await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [opts.ca] })
    : await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const lines = [
      "GET / HTTP/1.1",
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      ...(opts.origin ? [`Origin: ${opts.origin}`] : []),
      ...(opts.deflate ? ["Sec-WebSocket-Extensions: permessage-deflate"] : []),
    ];
    await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
    let buf = new Uint8Array(0);
    const read = async () => {
      const chunk = new Uint8Array(4096);
      const n = await conn.read(chunk);
      if (n === null) return false;
      const next = new Uint8Array(buf.length + n);
      next.set(buf);
      next.set(chunk.subarray(0, n), buf.length);
      buf = next;
      return true;
    };
    const text = () => new TextDecoder().decode(buf);
    return await guard(
      (async () => {
        while (!text().includes("\r\n\r\n")) if (!(await read())) break;
        const end = text().indexOf("\r\n\r\n") + 4;
        const head = text().slice(0, end);
        if (!head.startsWith("HTTP/1.1 101") || opts.deflate) return { head, payload: "" };
        // one unmasked server frame: 2-byte header, 16- or 64-bit extended length
        for (;;) {
          const f = buf.subarray(end);
          if (f.length >= 2) {
            const len7 = f[1] & 0x7f;
            const hdr = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
            const len = len7 === 126 ? (f[2] << 8) | f[3] : len7;
            if (f.length >= hdr + len) {
              return { head, payload: new TextDecoder().decode(f.subarray(hdr, hdr + len)) };
            }
          }
          if (!(await read())) return { head, payload: "" };
        }
      })(),
      "websocket upgrade",
    );
  } finally {
    conn.close();
  }
}

Deno.test("websocket ws://: wsconnect works with the same users and permissions; wrong password refused", async () => {
  const wsPort = freePort();
  await using rs = await startRenderedServer({
    nats: {
      server: {
        namespace: "web",
        websocket: { port: wsPort, no_tls: true, compression: true },
        auth: {
          type: "user_pass",
          users: [{ username: "browser", password: "browser-pw", role: "api" }],
        },
      },
    },
  });
  assert.match(
    rs.text,
    new RegExp(
      `websocket \\{\\n\\s+host: "127\\.0\\.0\\.1"\\n\\s+port: ${wsPort}\\n\\s+no_tls: true\\n` +
        `\\s+compression: true\\n\\s+handshake_timeout: "2000ms"\\n\\}`,
    ),
  );
  const url = `ws://127.0.0.1:${wsPort}`;
  const ws = await wsconnect({
    servers: url,
    user: "browser",
    pass: "browser-pw",
    reconnect: false,
    inboxPrefix: "_INBOX.web",
  });
  try {
    // the api role may publish jobs of its namespace and collect results: a round trip over ws
    const sub = ws.subscribe("web.jobs.results.>", { max: 1 });
    const tcp = await connectNats(rs.admin, silent, { maxReconnectAttempts: 0 });
    await ws.flush();
    tcp.publish("web.jobs.results.j1", "done");
    for await (const m of sub) assert.equal(m.string(), "done");
    await tcp.close();
    // and the role's fence holds over websocket too
    const denied = ws.subscribe("web.jobs.query.>");
    const closed = await guard(denied.closed, "denied subscription");
    assert.match(String(closed), /Permissions Violation for Subscription to "web\.jobs\.query\.>"/);
  } finally {
    await ws.close();
  }
  let refused: unknown;
  try {
    await (await wsconnect({ servers: url, user: "browser", pass: "nope", reconnect: false }))
      .close();
  } catch (e) {
    refused = e;
  }
  assert.match(String(refused), /Authorization Violation/i);
});

Deno.test("websocket wss://: TLS with the server certificate speaks NATS INFO; foreign origins are refused; compression negotiated", async () => {
  await using p = await twoPkis();
  const { a } = p;
  const wsPort = freePort();
  await using rs = await startRenderedServer({
    nats: {
      server: {
        tls: { cert_file: a.serverCert, key_file: a.serverKey },
        websocket: {
          port: wsPort,
          allowed_origins: ["https://console.example"],
          compression: true,
        },
      },
    },
  });
  assert.match(rs.text, /websocket \{[\s\S]*tls \{\n\s+cert_file: "[^"]+server\.pem"/);
  assert.match(rs.text, /allowed_origins: \[\n\s+"https:\/\/console\.example"\n\s+\]/);
  const ca = await Deno.readTextFile(a.ca);
  const ok = await wsUpgrade(wsPort, { ca, origin: "https://console.example" });
  assert.match(ok.head, /^HTTP\/1\.1 101/);
  assert.match(ok.payload, /^INFO \{/);
  assert.equal(JSON.parse(ok.payload.slice(5)).tls_required, true);
  const foreign = await wsUpgrade(wsPort, { ca, origin: "https://evil.example" });
  assert.match(foreign.head, /^HTTP\/1\.1 403/);
  const deflate = await wsUpgrade(wsPort, {
    ca,
    origin: "https://console.example",
    deflate: true,
  });
  assert.match(deflate.head, /Sec-Websocket-Extensions: permessage-deflate/i);
  // plain ws:// to the TLS listener gets no upgrade
  const plain = await wsUpgrade(wsPort, { origin: "https://console.example" });
  assert.match(plain.head, /^HTTP\/1\.0 400 Bad Request/);
});

Deno.test("HTTPS monitoring: the supervisor's readiness check uses https with the configured CA (no client certificate needed, even with verify)", async () => {
  await using p = await twoPkis();
  const { a } = p;
  const [port, http_port] = freePorts(2);
  const config = configFromRaw({
    data_dir: `${p.dir}/data`,
    nats: {
      server: {
        port,
        http_port,
        monitor_tls: true,
        tls: { cert_file: a.serverCert, key_file: a.serverKey, ca_file: a.ca, verify: true },
      },
    },
  });
  await using sup = await startNats({ config, binary: await natsServerBin(), log: silent });
  assert.equal(sup.monitorUrl, `https://127.0.0.1:${http_port}`);
  assert.match(
    await Deno.readTextFile(sup.configFile),
    new RegExp(`^https: "127\\.0\\.0\\.1:${http_port}"$`, "m"),
  );
  const http = await monitorHttpClient(config);
  try {
    const res = await fetch(`${sup.monitorUrl}/varz`, { client: http });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).tls_verify, true);
  } finally {
    http?.close();
  }
  // without the CA the certificate is not trusted; plain http gets no answer
  await assert.rejects(
    fetch(`${sup.monitorUrl}/healthz`),
    (e: Error) => /invalid peer certificate: UnknownIssuer/.test(String(e.cause)),
  );
  const plain = await fetch(`http://127.0.0.1:${http_port}/healthz`);
  await plain.body?.cancel();
  assert.equal(plain.status, 400);
});

Deno.test("auth timeout: rendered into authorization { timeout } and enforced on a silent client", async () => {
  await using rs = await startRenderedServer({
    nats: { server: { auth: { type: "token", token: "t0ken", timeout: "500ms" } } },
  });
  assert.match(rs.text, /authorization \{\n\s+timeout: 0\.5\n/);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: rs.server.port });
  try {
    let seen = "";
    const buf = new Uint8Array(4096);
    await guard(
      (async () => {
        while (!seen.includes("-ERR")) {
          const n = await conn.read(buf);
          if (n === null) break;
          seen += new TextDecoder().decode(buf.subarray(0, n));
        }
      })(),
      "authentication timeout",
    );
    assert.match(seen, /^INFO \{/);
    assert.match(seen, /-ERR 'Authentication Timeout'/);
  } finally {
    conn.close();
  }
  // a client that authenticates in time is fine
  const ok = await tryConnect(rs.server.url, { token: "t0ken" });
  if (ok instanceof Error) throw ok;
  await ok.close();
});
