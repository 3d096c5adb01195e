/**
 * The operator and callout fragments inside a full nats-server.conf rendered by the renderer:
 * `nats-server -t` accepts them and a real server runs with them.
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { credsAuthenticator, nkeyAuthenticator } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import {
  configPermissions,
  initOperator,
  namespaceCredsFile,
  operatorConfigFragment,
} from "../../src/nats_auth/operator_init.ts";
import { calloutConfigFragment, startCalloutService } from "../../src/nats_auth/callout_service.ts";
import { generateKey } from "../../src/nats_auth/nats_keys.ts";
import { configFromRaw } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { silent } from "../../src/log.ts";
import { checkConfigFile } from "../../src/server/check.ts";
import { renderServerConfig } from "../../src/server/render.ts";
import { natsServerBin, startNatsServer } from "../helpers/nats_server.ts";
import { freePorts } from "../helpers/ports.ts";
import { tryConnect } from "../helpers/nats_auth.ts";

/** Renders `config` with `fragment`, checks it with `nats-server -t`, and starts it. */
async function renderedServer(config: Config, fragment: string, dir: string) {
  const { text } = await renderServerConfig(config, { authFragment: fragment, bcryptCost: 4 });
  const file = `${dir}/check.conf`;
  await Deno.writeTextFile(file, text);
  await checkConfigFile(await natsServerBin(), file);
  const s = config.nats.server;
  return await startNatsServer({
    rawConfig: text.replaceAll(`port: ${s.port}`, "port: {{PORT}}")
      .replaceAll(`:${s.http_port}"`, ':{{HTTP_PORT}}"'),
  });
}

function baseConfig(dir: string, auth: Record<string, unknown>): Config {
  const [port, http] = freePorts(2);
  return configFromRaw({
    data_dir: `${dir}/data`,
    nats: { server: { port, http_port: http, namespace: "alpha", auth } },
  });
}

Deno.test("operator fragment in the rendered nats-server.conf: checked, started, admin creds work", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-frag-test-" });
  try {
    const config = baseConfig(dir, {
      type: "operator",
      operator: { dir: `${dir}/op`, resolver: "full" },
    });
    await initOperator({
      dir: `${dir}/op`,
      namespaces: ["alpha"],
      resolver: "full",
      permissions: configPermissions(config),
    });
    await using s = await renderedServer(config, await operatorConfigFragment(config), dir);
    const admin = await tryConnect(s.url, {
      authenticator: credsAuthenticator(
        await Deno.readFile(namespaceCredsFile(`${dir}/op`, "alpha", "admin")),
      ),
    });
    if (admin instanceof Error) throw admin;
    try {
      const info = await (await jetstreamManager(admin)).getAccountInfo();
      assert.equal(info.limits.max_streams, -1);
    } finally {
      await admin.close();
    }
    const api = await tryConnect(s.url, {
      authenticator: credsAuthenticator(
        await Deno.readFile(namespaceCredsFile(`${dir}/op`, "alpha", "api")),
      ),
      inboxPrefix: "_INBOX.alpha",
    });
    if (api instanceof Error) throw api;
    await api.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("callout fragment in the rendered nats-server.conf: checked, started, admin bypasses", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-frag-test-" });
  try {
    const admin = generateKey("user");
    const auth = {
      type: "callout",
      callout: {
        users: [{ username: "dave", password: bcrypt.hashSync("dave-pw", 4), role: "worker" }],
        // dave goes through the callout (by default a worker user is a server auth user)
        auth_user_roles: [] as string[],
      },
    };
    const config = baseConfig(dir, auth);
    const fragment = await calloutConfigFragment(config, {
      adminPublicKey: admin.publicKey,
      bcryptCost: 4,
    });
    await using s = await renderedServer(config, fragment, dir);
    const withUrl = configFromRaw({
      data_dir: config.data_dir,
      nats: {
        server: {
          namespace: "alpha",
          auth: { ...auth, callout: { ...auth.callout, nats: { urls: [s.url] } } },
        },
      },
    });
    const svc = await startCalloutService(withUrl, silent);
    try {
      const adm = await tryConnect(s.url, {
        authenticator: nkeyAuthenticator(admin.pair.getSeed()),
      });
      if (adm instanceof Error) throw adm;
      await (await jetstreamManager(adm)).getAccountInfo();
      await adm.close();
      assert.equal(svc.stats.requests, 0, "the supervisor's admin nkey bypasses the callout");
      const dave = await tryConnect(s.url, { user: "dave", pass: "dave-pw" });
      if (dave instanceof Error) throw dave;
      await dave.close();
      assert.equal(svc.stats.allowed, 1);
    } finally {
      await svc.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
