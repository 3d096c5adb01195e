/**
 * Issue 8 §2 and §7: components that authenticate through the callout survive a callout outage
 * longer than `user_ttl`. Each part runs as its own process (`nats server start`,
 * `nats callout start`, `api server start`, `job worker start`) from one configuration; the
 * callout's client section is left unset, so it must find the server of that configuration,
 * and it starts before the API generated the token signing key, so it must pick the key up.
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { connect } from "@nats-io/transport-node";
import { guardLateSocketErrors } from "../../src/nats/connect.ts";
import { natsServerBin, waitHttpOk } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";
import { runOsapi, spawnOsapi } from "../helpers/osapi.ts";

guardLateSocketErrors();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A long-running osapi child with its output captured. */
function child(args: string[], env: Record<string, string>, cwd: string) {
  const p = spawnOsapi(args, { env, cwd });
  let out = "";
  const decoder = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) out += decoder.decode(c, { stream: true });
  };
  const pumps = Promise.all([pump(p.stdout), pump(p.stderr)]);
  let exited: Deno.CommandStatus | undefined;
  p.status.then((s) => exited = s);
  return {
    output: () => out,
    exited: () => exited,
    stop: async () => {
      if (!exited) {
        try {
          p.kill("SIGTERM");
        } catch { /* gone */ }
      }
      // a component that does not stop within 10 s is killed (bounded test time)
      const kill = setTimeout(() => {
        try {
          p.kill("SIGKILL");
        } catch { /* gone */ }
      }, 10_000);
      await p.status;
      clearTimeout(kill);
      await pumps;
    },
  };
}

async function waitFor(pred: () => boolean, rounds: number): Promise<void> {
  for (let i = 0; i < rounds && !pred(); i++) await sleep(100);
}

async function readiness(apiUrl: string): Promise<{ code: number; error?: string }> {
  try {
    const r = await fetch(`${apiUrl}/health/ready`);
    const body = await r.json();
    return { code: r.status, error: body.error };
  } catch (e) {
    return { code: 0, error: (e as Error).message };
  }
}

/** Polls until `pred` holds (bounded by `rounds` x 100 ms); returns the last readiness seen. */
async function until(
  apiUrl: string,
  pred: (r: { code: number; error?: string }) => boolean,
  rounds: number,
): Promise<{ code: number; error?: string }> {
  let r = await readiness(apiUrl);
  for (let i = 0; i < rounds && !pred(r); i++) {
    await sleep(100);
    r = await readiness(apiUrl);
  }
  return r;
}

Deno.test("callout down longer than user_ttl, then up: API and worker recover without restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-callout-recovery-" });
  const [natsPort, httpPort, apiPort] = freePorts(3);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const hash = (pw: string) => bcrypt.hashSync(pw, 4);
  const client = (user: string) => ({
    port: natsPort,
    auth: { type: "user_pass", username: user, password: `${user}-pw` },
  });
  const file = `${dir}/osapi.yaml`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      data_dir: `${dir}/data`,
      nats: {
        server: {
          binary: await natsServerBin(),
          port: natsPort,
          http_port: httpPort,
          auth: {
            type: "callout",
            callout: {
              user_ttl: "2s",
              // the components go through the callout (the default renders them as auth users)
              auth_user_roles: [],
              users: [
                { username: "api", password: hash("api-pw"), role: "api" },
                { username: "worker", password: hash("worker-pw"), role: "worker" },
              ],
            },
          },
        },
      },
      api: { server: { port: apiPort, nats: client("api") }, client: { url: apiUrl } },
      job: { worker: { nats: client("worker") } },
    }),
  );
  const env = { OSAPI_CONFIG: file, XDG_CACHE_HOME: `${dir}/cache` };
  const server = child(["nats", "server", "start"], env, dir);
  const parts: ReturnType<typeof child>[] = [];
  let callout: ReturnType<typeof child> | undefined;
  const logs = () =>
    [server, ...(callout ? [callout] : []), ...parts].map((p) => p.output()).join("\n---\n").slice(
      -6000,
    );
  try {
    await waitHttpOk(`http://127.0.0.1:${httpPort}/healthz`, 20_000);
    callout = child(["nats", "callout", "start"], env, dir);
    await waitFor(() => /auth callout service listening/i.test(callout!.output()), 100);
    const api = child(["api", "server", "start"], env, dir);
    const worker = child(["job", "worker", "start"], env, dir);
    parts.push(api, worker);
    const hostname = async () => {
      const r = await runOsapi(["client", "--token", token, "system", "hostname"], { env });
      return r;
    };
    let r = await until(apiUrl, (r) => r.code === 200, 300);
    assert.equal(r.code, 200, `ready: ${JSON.stringify(r)}\n${logs()}`);
    // the API generated the signing key after the callout started: its tokens work over NATS
    const gen = await runOsapi(
      ["token", "generate", "--roles", "admin", "--subject", "ops@example.com"],
      { env },
    );
    assert.equal(gen.code, 0, gen.stderr);
    const token = gen.stdout.trim();
    let tokenConn: Error | undefined;
    for (let i = 0; i < 30; i++) {
      try {
        const nc = await connect({
          port: natsPort,
          token,
          maxReconnectAttempts: 0,
          inboxPrefix: "_INBOX.osapi",
        });
        await nc.close();
        tokenConn = undefined;
        break;
      } catch (e) {
        tokenConn = e as Error;
        await sleep(200);
      }
    }
    assert.equal(tokenConn, undefined, `a token after the key appeared: ${tokenConn}\n${logs()}`);
    let job = await hostname();
    assert.equal(job.code, 0, job.stderr + logs());

    // the callout goes away for longer than user_ttl: renewals are refused
    await callout.stop();
    r = await until(apiUrl, (r) => r.code === 503 && /authentication/i.test(r.error ?? ""), 150);
    assert.equal(r.code, 503, `not ready while the callout is down: ${JSON.stringify(r)}`);
    assert.match(r.error ?? "", /NATS refused authentication/);
    await sleep(4_000); // several refused reconnects (nats.js used to give up after two)
    assert.equal(api.exited(), undefined, "the API is still running");
    assert.equal(worker.exited(), undefined, "the worker is still running");

    callout = child(["nats", "callout", "start"], env, dir);
    r = await until(apiUrl, (r) => r.code === 200, 300);
    assert.equal(r.code, 200, `ready again: ${JSON.stringify(r)}\n${logs()}`);
    for (let i = 0; i < 5; i++) {
      job = await hostname();
      if (job.code === 0) break;
      await sleep(500);
    }
    assert.equal(job.code, 0, `a job round-trips after the outage: ${job.stderr}\n${logs()}`);
    assert.equal(api.exited(), undefined);
    assert.equal(worker.exited(), undefined);
  } finally {
    await Promise.all(parts.map((p) => p.stop()));
    await callout?.stop();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
