/**
 * The API's connection guard (issue 8 §7): connections holding partial request heads are closed
 * after `api.server.header_timeout` while the server keeps answering; idle keep-alive
 * connections are closed after `api.server.idle_timeout`; `api.server.max_connections` is
 * enforced (503); a head over `api.server.max_header_size` gets 431; keep-alive, bodies and
 * chunked uploads still work through it; bad limits are configuration errors.
 */
import assert from "node:assert/strict";
import { frameHead } from "../../src/api/conn_guard.ts";
import { ConfigError } from "../../src/config/load.ts";
import { guard } from "../helpers/nats_auth.ts";
import { startTestApi, testConfig, testToken } from "../helpers/api.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function addrOf(url: string): { hostname: string; port: number } {
  const u = new URL(url);
  return { hostname: u.hostname, port: Number(u.port) };
}

/** Reads until the peer closes (EOF or reset); returns what was read. */
async function readToEnd(conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(16 * 1024);
  let out = "";
  for (;;) {
    let n: number | null;
    try {
      n = await conn.read(buf);
    } catch {
      break;
    }
    if (n === null) break;
    out += dec.decode(buf.subarray(0, n));
  }
  try {
    conn.close();
  } catch { /* closed */ }
  return out;
}

/** Reads one response head and its Content-Length body from a keep-alive connection. */
async function readResponse(conn: Deno.Conn): Promise<{ status: number; body: string }> {
  const buf = new Uint8Array(16 * 1024);
  let text = "";
  for (;;) {
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const m = /content-length:\s*(\d+)/i.exec(text.slice(0, end));
      const len = m ? Number(m[1]) : 0;
      if (text.length - end - 4 >= len) {
        return { status: Number(text.split(" ")[1]), body: text.slice(end + 4, end + 4 + len) };
      }
    }
    const n = await conn.read(buf);
    if (n === null) throw new Error(`connection closed after ${JSON.stringify(text)}`);
    text += dec.decode(buf.subarray(0, n));
  }
}

Deno.test("guard: partial heads are closed after header_timeout; the API keeps answering", async () => {
  await using api = await startTestApi({
    workers: [],
    raw: {
      api: {
        server: {
          header_timeout: "1s",
          idle_timeout: "2s",
          max_connections: 300,
          jobs: { timeout: "1s" },
        },
      },
    },
  });
  const addr = addrOf(api.url);
  const COUNT = 200;
  const conns = await Promise.all(
    Array.from({ length: COUNT }, () => Deno.connect(addr)),
  );
  await Promise.all(conns.map((c) => c.write(enc.encode("GET /health HTTP/1.1\r\nHost: x\r\n"))));
  // while they hang, normal requests are answered
  const r = await fetch(`${api.url}/health`);
  assert.equal(r.status, 200);
  await r.body?.cancel();
  // every partial connection is closed by the server, with nothing forwarded
  const answers = await guard(Promise.all(conns.map(readToEnd)), "partial heads closed", 20_000);
  assert.ok(answers.every((a) => a === ""), "a partial head got an answer");
  // a slow head (bytes keep coming, never complete) is closed too
  const slow = await Deno.connect(addr);
  await slow.write(enc.encode("GET /health HTTP/1.1\r\n"));
  const trickle = setInterval(() => slow.write(enc.encode("X-A: b\r\n")).catch(() => {}), 200);
  try {
    assert.equal(await guard(readToEnd(slow), "slow head closed", 20_000), "");
  } finally {
    clearInterval(trickle);
  }
  const again = await fetch(`${api.url}/health`);
  assert.equal(again.status, 200);
  await again.body?.cancel();

  // keep-alive: two requests on one connection, a body, then the idle connection is closed
  const ka = await Deno.connect(addr);
  await ka.write(enc.encode("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  assert.equal((await readResponse(ka)).status, 200);
  const body = JSON.stringify({ x: 1 });
  await ka.write(enc.encode(
    `POST /health HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body}GET /version HTTP/1.1\r\nHost: x\r\n\r\n`,
  ));
  assert.ok((await readResponse(ka)).status >= 400); // no POST /health: but framed and answered
  assert.equal((await readResponse(ka)).status, 200);
  assert.equal(await guard(readToEnd(ka), "idle keep-alive closed", 20_000), "");

  // a chunked upload is relayed (as the connection's last request)
  const up = await fetch(`${api.url}/version`, {
    method: "POST",
    body: new ReadableStream({
      start(c) {
        c.enqueue(enc.encode("abc"));
        c.close();
      },
    }),
  });
  assert.ok(up.status >= 400 && up.status < 500);
  await up.body?.cancel();
});

Deno.test("guard: max_connections is enforced and an oversized head gets 431", async () => {
  await using api = await startTestApi({
    workers: [],
    raw: {
      api: {
        server: {
          header_timeout: "30s",
          idle_timeout: "60s",
          max_connections: 5,
          max_header_size: "4KiB",
        },
      },
    },
  });
  const addr = addrOf(api.url);
  const held = await Promise.all(Array.from({ length: 5 }, () => Deno.connect(addr)));
  // the guard counts them once accepted: a complete request on the first proves it is served
  await held[0].write(enc.encode("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  assert.equal((await readResponse(held[0])).status, 200);
  const extra = await Deno.connect(addr);
  const refused = await guard(readToEnd(extra), "over the limit refused");
  assert.match(refused, /^HTTP\/1\.1 503 /);
  assert.match(refused, /too many connections/);
  for (const c of held) c.close();
  // once they are gone, connections are served again
  let served = false;
  for (let i = 0; i < 100 && !served; i++) {
    const c = await Deno.connect(addr);
    await c.write(enc.encode("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    served = (await readToEnd(c)).startsWith("HTTP/1.1 200");
    if (!served) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(served, "connections are not served after the held ones closed");

  const big = await Deno.connect(addr);
  await big.write(
    enc.encode(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(8192)}\r\n\r\n`),
  );
  assert.match(await guard(readToEnd(big), "oversized head"), /^HTTP\/1\.1 431 /);
  const r = await fetch(`${api.url}/health`, { headers: { "x-ok": "a".repeat(1000) } });
  assert.equal(r.status, 200);
  await r.body?.cancel();
});

Deno.test("guard: a request waiting for job results outlives idle_timeout", async () => {
  // no worker answers: the job route waits jobs.timeout (3 s), three times the idle timeout
  await using api = await startTestApi({
    workers: [],
    raw: { api: { server: { idle_timeout: "1s", jobs: { timeout: "3s" } } } },
  });
  const token = await testToken({ roles: ["admin"] });
  const c = await Deno.connect(addrOf(api.url));
  await c.write(enc.encode(
    `GET /system/hostname HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
      "Connection: close\r\n\r\n",
  ));
  const answer = await guard(readToEnd(c), "job route answer", 20_000);
  assert.match(answer, /^HTTP\/1\.1 [2-5]\d\d /, `answered, not cut off: ${answer.slice(0, 200)}`);
  // an idle keep-alive connection is still closed after idle_timeout
  const idle = await Deno.connect(addrOf(api.url));
  assert.equal(await guard(readToEnd(idle), "idle connection closed"), "");
});

Deno.test("guard: head framing", () => {
  const f = (s: string) => frameHead(enc.encode(s));
  assert.deepEqual(
    [
      f("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n").bodyLength,
      f("GET / HTTP/1.1\r\n\r\n").last,
    ],
    [12, false],
  );
  const chunked = f(
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n",
  );
  assert.equal(chunked.last, true);
  assert.equal(
    dec.decode(chunked.head),
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
  );
  assert.equal(f("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").last, true);
  assert.equal(f("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n").last, true);
});

Deno.test("guard: limits are validated with clear errors", () => {
  const bad = (server: Record<string, unknown>, re: RegExp) =>
    assert.throws(() => testConfig({ api: { server } }), (e: Error) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, re);
      return true;
    });
  bad({ header_timeout: "0s" }, /api\.server\.header_timeout: 0s is not allowed/);
  bad({ idle_timeout: "0s" }, /api\.server\.idle_timeout: 0s is not allowed/);
  bad({ max_connections: 0 }, /api\.server\.max_connections/);
  bad({ max_header_size: "100" }, /api\.server\.max_header_size: 100 is not allowed/);
  const c = testConfig();
  assert.equal(c.api.server.header_timeout, 10_000);
  assert.equal(c.api.server.max_header_size, 64 * 1024);
});
