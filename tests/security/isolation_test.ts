/**
 * Namespace isolation by account in the config-file modes (`nats.server.auth.isolation:
 * account`): the rendered accounts (JetStream per account, users in the account of their
 * namespace, a per-account admin nkey for the supervisor), the supervisor ensuring each
 * namespace's streams inside that namespace's account, an admin-role user of A seeing nothing
 * of B, and the configuration errors around isolation, websocket and HTTPS monitoring.
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { createUser } from "@nats-io/nkeys";
import { jwtPermissions } from "../../src/nats_auth/nats_jwt.ts";
import { ConfigError, configFromRaw } from "../../src/config/load.ts";
import { writeSecretFile } from "../../src/config/paths.ts";
import { silent } from "../../src/log.ts";
import { routerFor } from "../../src/nats/resources.ts";
import { adminClientConfig, adminSeedPath } from "../../src/server/admin_identity.ts";
import { startNats } from "../../src/runtime/nats.ts";
import { natsServerBin } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";
import { connectAs, Probe } from "./probes.ts";

Deno.test("nkey with isolation account: one account per namespace, resources in their own account, A's admin sees nothing of B", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-isolation-" });
  try {
    const seed = async (name: string) => {
      const pair = createUser();
      await writeSecretFile(`${dir}/${name}.nk`, new TextDecoder().decode(pair.getSeed()));
      return pair.getPublicKey();
    };
    const [port, http_port] = freePorts(2);
    const config = configFromRaw({
      data_dir: `${dir}/data`,
      nats: {
        server: {
          port,
          http_port,
          namespace: "red",
          auth: {
            type: "nkey",
            isolation: "account",
            nkeys: [
              { public_key: await seed("red-admin"), role: "admin", namespace: "red" },
              { public_key: await seed("blue-worker"), role: "worker", namespace: "blue" },
            ],
          },
        },
      },
    });
    await using sup = await startNats({
      config,
      binary: await natsServerBin(),
      log: silent,
      namespaces: ["red", "blue", "green"],
    });
    const text = await Deno.readTextFile(sup.configFile);
    // every namespace an account with JetStream; the supervisor's admin key differs per account
    for (const ns of ["red", "blue", "green"]) {
      assert.match(text, new RegExp(`"${ns}": \\{\\n\\s+jetstream: "enabled"`));
      const info = await Deno.stat(adminSeedPath(config, ns));
      assert.equal(info.mode! & 0o777, 0o600);
    }
    assert.notEqual(adminSeedPath(config, "blue"), adminSeedPath(config, "red"));
    assert.match(text, /authorization \{\n\s+timeout: 2\n\}/);

    // each account holds exactly its own namespace's streams
    for (const ns of ["red", "blue", "green"]) {
      const nc = await connectAs(adminClientConfig(config, sup.identity, ns));
      try {
        const jsm = await jetstreamManager(nc);
        const names: string[] = [];
        for await (const s of jsm.streams.names()) names.push(s);
        assert.deepEqual(names.sort(), [...routerFor(config, ns).streams].sort(), ns);
      } finally {
        await nc.close();
      }
    }

    // an admin-role user of red: everything inside red, nothing of blue
    const client = (file: string, namespace: string) =>
      configFromRaw({
        api: { server: { nats: { port, namespace, auth: { type: "nkey", nkey_file: file } } } },
      }).api.server.nats;
    const red = await connectAs(client(`${dir}/red-admin.nk`, "red"));
    const blue = await connectAs(client(`${dir}/blue-worker.nk`, "blue"));
    try {
      const redJs = await jetstreamManager(red);
      assert.equal((await redJs.streams.info("red-JOBS")).config.name, "red-JOBS");
      await assert.rejects(redJs.streams.info("blue-JOBS"), /stream not found/);
      const probe = new Probe(red);
      // the blue worker publishes results; red subscribes to them: nothing arrives
      const b = routerFor(config, "blue");
      assert.equal(await probe.subscribeTo(b.resultsWildcard(), blue, b.result("j1")), "isolated");
      // and blue's worker stays fenced inside blue (its role forbids job subjects of red too)
      assert.match(
        String(await new Probe(blue).publishRefusal("red.jobs.query._any")),
        /Permissions Violation for Publish/,
      );
    } finally {
      await red.close();
      await blue.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isolation account with a view account: view users see every namespace's jobs read-only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-isolation-view-" });
  try {
    const [port, http_port] = freePorts(2);
    const config = configFromRaw({
      data_dir: `${dir}/data`,
      nats: {
        server: {
          port,
          http_port,
          namespace: "red",
          auth: {
            type: "user_pass",
            isolation: "account",
            view_account: "VIEW",
            users: [
              { username: "red-api", password: "red-pw", role: "api", namespace: "red" },
              { username: "blue-admin", password: "blue-pw", role: "admin", namespace: "blue" },
              { username: "watcher", password: "watch-pw", role: "view" },
            ],
          },
        },
      },
    });
    await using sup = await startNats({
      config,
      binary: await natsServerBin(),
      log: silent,
      namespaces: ["red", "blue"],
    });
    const text = await Deno.readTextFile(sup.configFile);
    assert.match(text, /"VIEW": \{\n\s+imports: \[/);
    // an empty allow list would mean "everything" to nats-server: the view user gets deny >
    assert.match(text, /user: "watcher"[\s\S]*?publish \{\n\s+deny: \[\n\s+">"\n\s+\]/);
    const client = (username: string, password: string, namespace: string) =>
      configFromRaw({
        api: {
          server: { nats: { port, namespace, auth: { type: "user_pass", username, password } } },
        },
      }).api.server.nats;
    const watcher = await connectAs(client("watcher", "watch-pw", "red"));
    const redApi = await connectAs(client("red-api", "red-pw", "red"));
    const blueAdmin = await connectAs(client("blue-admin", "blue-pw", "blue"));
    try {
      const view = new Probe(watcher);
      const red = routerFor(config, "red");
      const blue = routerFor(config, "blue");
      assert.equal(
        await view.subscribeTo(
          red.jobsWildcard("query"),
          redApi,
          red.job("query", { type: "any" }),
        ),
        "open",
      );
      assert.equal(
        await view.subscribeTo(blue.resultsWildcard(), blueAdmin, blue.result("j1")),
        "open",
      );
      // read-only: no publish, no stream access
      assert.match(
        String(await view.publishRefusal(red.job("query", { type: "any" }))),
        /Permissions Violation/,
      );
      assert.equal(await view.request(`$JS.API.STREAM.INFO.${red.stream}`, () => true), "denied");
      // the namespaces still do not see each other
      assert.equal(
        await new Probe(blueAdmin).subscribeTo(red.resultsWildcard(), redApi, red.result("j2")),
        "isolated",
      );
    } finally {
      await watcher.close();
      await redApi.close();
      await blueAdmin.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("configuration errors name the key: isolation, websocket TLS, HTTPS monitoring, mapped users", () => {
  const fails = (raw: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () => configFromRaw(raw),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  fails(
    { nats: { server: { auth: { type: "token", token: "t", isolation: "account" } } } },
    /nats\.server\.auth\.isolation: "account" applies to user_pass and nkey auth, not "token"/,
  );
  fails(
    { nats: { server: { auth: { type: "nkey", view_account: "VIEW" } } } },
    /nats\.server\.auth\.view_account: only with nats\.server\.auth\.isolation: account/,
  );
  fails(
    { nats: { server: { auth: { isolation: "tenant" } } } },
    /nats\.server\.auth\.isolation: invalid value "tenant"/,
  );
  fails(
    { nats: { server: { websocket: { port: 8443 } } } },
    /nats\.server\.websocket\.no_tls: a TLS websocket \(no_tls: false\) needs nats\.server\.tls\.cert_file/,
  );
  fails(
    { nats: { server: { websocket: { port: 4222, no_tls: true } } } },
    /nats\.server\.websocket\.port: 4222 is also nats\.server\.port/,
  );
  fails(
    { nats: { server: { monitor_tls: true } } },
    /nats\.server\.monitor_tls: HTTPS monitoring needs nats\.server\.tls\.cert_file/,
  );
  // a user without a password is an error, unless certificates map to users
  fails(
    { nats: { server: { auth: { type: "user_pass", users: [{ username: "CN=a" }] } } } },
    /nats\.server\.auth\.users\[0\]\.password: required/,
  );
  configFromRaw({
    nats: {
      server: {
        tls: { cert_file: "c.pem", key_file: "k.pem", ca_file: "ca.pem", verify_and_map: true },
        auth: { type: "user_pass", users: [{ username: "CN=a" }] },
      },
    },
  });
});

Deno.test("an empty allow list never reaches nats-server (it would mean no restriction)", () => {
  assert.deepEqual(jwtPermissions({ publish: [], subscribe: ["a.>"] }), {
    pub: { deny: [">"] },
    sub: { allow: ["a.>"] },
  });
});
