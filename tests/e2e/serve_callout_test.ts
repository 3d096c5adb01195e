import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { connect } from "@nats-io/transport-node";
import { guardLateSocketErrors } from "../../src/nats/connect.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { startServe } from "../helpers/serve.ts";

guardLateSocketErrors();

async function refused(servers: string, token: string): Promise<string> {
  try {
    const nc = await connect({ servers, token, maxReconnectAttempts: 0, timeout: 5_000 });
    await nc.close();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("the connection should have been refused");
}

Deno.test("serve in callout mode: API token as NATS token, tampered refused, fenced to its namespace", async () => {
  const dir = await Deno.makeTempDir();
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
                  { username: "worker", password: hash("worker-pw"), role: "worker" },
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
            nats: { auth: { type: "user_pass", username: "worker", password: "worker-pw" } },
          },
        },
      }),
    );
    await using s = await startServe({ OSAPI_CONFIG: file });
    const env = s.env;
    // The API and the worker themselves authenticate through the callout and run jobs.
    const host = await runOsapi(["client", "system", "hostname"], { env });
    assert.equal(host.code, 0, host.stderr + s.output());

    const token = (await runOsapi(
      ["token", "generate", "--roles", "admin", "--subject", "ops@example.com"],
      { env },
    )).stdout.trim();
    const servers = `nats://127.0.0.1:${s.natsPort}`;
    const nc = await connect({ servers, token, maxReconnectAttempts: 0 });
    try {
      const errors: string[] = [];
      (async () => {
        for await (const st of nc.status()) if (st.type === "error") errors.push(String(st.error));
      })();
      // Inside its namespace: publish a job subject is allowed.
      nc.publish("osapi.jobs.query.host.nowhere", "{}");
      // Outside: another namespace's subjects are forbidden.
      nc.subscribe("other.jobs.>");
      nc.publish("other.jobs.query._any", "{}");
      await nc.flush();
      const deadline = Date.now() + 3_000;
      while (
        errors.filter((e) => /Permissions Violation/i.test(e)).length < 2 && Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const violations = errors.filter((e) => /Permissions Violation/i.test(e));
      assert.ok(violations.some((e) => /other\.jobs\.>/.test(e)), errors.join("\n"));
      assert.ok(violations.some((e) => /other\.jobs\.query\._any/.test(e)), errors.join("\n"));
      assert.ok(!errors.some((e) => /osapi\.jobs\.query/.test(e)), errors.join("\n"));
    } finally {
      await nc.close();
    }

    const [h, p, sig] = token.split(".");
    const claims = JSON.parse(atob(p.replaceAll("-", "+").replaceAll("_", "/")));
    claims.roles = ["admin"];
    claims.sub = "intruder";
    const forged = `${h}.${btoa(JSON.stringify(claims)).replaceAll("=", "")}.${sig}`;
    assert.match(await refused(servers, forged), /Authorization Violation/i);
    assert.match(await refused(servers, token.slice(0, -4) + "AAAA"), /Authorization Violation/i);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
