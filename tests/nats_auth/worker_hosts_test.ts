/**
 * Host fences in operator mode (issue 8 §3, §7): `nats operator init --worker-host` creates one
 * fenced worker user per host instead of the namespace-wide `worker`, and `nats user add
 * --hostname` fences a worker or component user; against a real nats-server, a worker fenced
 * to host b writes no registry entry, result or file state of host a.
 */
import assert from "node:assert/strict";
import { credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { configFromRaw } from "../../src/config/load.ts";
import { routerFor } from "../../src/nats/resources.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { startServerWith, subscriptionDenied, tryConnect } from "../helpers/nats_auth.ts";
import { Violations } from "../helpers/rendered_server.ts";

const NS = "alpha";

Deno.test("operator mode: per-host worker users and user add --hostname are fenced to their host", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-worker-hosts-" });
  const conns: NatsConnection[] = [];
  try {
    const store = `${dir}/op`;
    const set = ["--set", `data_dir=${dir}/data`];
    const init = await runOsapi([
      ...set,
      ...["nats", "operator", "init", "--dir", store, "--namespaces", NS],
      ...["--resolver", "memory", "--worker-host", "a,b", "--worker-host", "b"],
    ]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /worker-a\s+\S+worker-a\.creds/);
    assert.match(init.stdout, /worker-b\s+\S+worker-b\.creds/);
    assert.doesNotMatch(init.stdout, /^\s+worker\s/m, "no namespace-wide worker user");
    const users = `${store}/accounts/${NS}/users`;
    await assert.rejects(() => Deno.stat(`${users}/worker.creds`), Deno.errors.NotFound);

    const bad = await runOsapi([
      ...set,
      ...["nats", "operator", "init", "--dir", `${dir}/op2`, "--worker-host", "a.*"],
    ]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /worker host "a\.\*".*wildcards/);

    const add = (name: string, ...args: string[]) =>
      runOsapi([...set, "nats", "user", "add", name, "--account", NS, "--dir", store, ...args]);
    const c = await add("worker-c", "--role", "worker", "--namespace", NS, "--hostname", "c");
    assert.equal(c.code, 0, c.stderr);
    const refused = await add("api-c", "--role", "api", "--hostname", "c");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--hostname "c": only with --role worker or component/);
    const noRole = await add("x", "--pub", "x", "--hostname", "c");
    assert.equal(noRole.code, 2);
    assert.match(noRole.stderr, /--hostname "c": only with --role worker or component/);

    await using s = await startServerWith(await Deno.readTextFile(`${store}/server.conf`));
    const router = routerFor(configFromRaw({}), NS);
    const kv = (bucket: string, key: string) => `$KV.${bucket}.${key}`;
    const job = "01900000-0000-7000-8000-00000000000b";
    for (
      const [file, own, other] of [
        [`${users}/worker-b.creds`, "b", "a"],
        [c.stdout.trim(), "c", "a"],
      ]
    ) {
      const creds = await Deno.readFile(file);
      // its own inbox (its public key, issue 8 §1): printed by `osapi nats inbox --creds`
      const inbox = await runOsapi([
        ...set,
        ...["nats", "inbox", "--creds", file, "--namespace", router.namespace],
      ]);
      assert.equal(inbox.code, 0, inbox.stderr);
      const nc = await tryConnect(s.url, {
        authenticator: credsAuthenticator(creds),
        inboxPrefix: inbox.stdout.trim(),
      });
      if (nc instanceof Error) throw nc;
      conns.push(nc);
      const v = new Violations(nc);
      for (
        const subject of [
          kv(router.registryBucket, other),
          kv(router.registryBucket, `facts.${other}`),
          kv(router.responseBucket, `${job}.${other}`),
          kv(router.fileStateBucket, `${other}.etc_hosts`),
        ]
      ) {
        assert.match((await v.publish(subject)) ?? "accepted", /Permissions Violation/i, subject);
      }
      for (
        const subject of [
          kv(router.registryBucket, own),
          kv(router.responseBucket, `${job}.${own}`),
        ]
      ) {
        assert.equal(await v.publish(subject), undefined, `${file}: ${subject}`);
      }
      // replies: its own inbox answers, the namespace's inboxes are refused
      await nc.request("$JS.API.INFO", "", { timeout: 5_000 });
      assert.match(await subscriptionDenied(nc, router.inboxWildcard()), /Permissions Violation/i);
    }
  } finally {
    for (const nc of conns) await nc.close().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
