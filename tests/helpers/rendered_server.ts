/**
 * A real nats-server running the configuration osapi renders (src/server/render.ts) on random
 * ports, with a test admin nkey, plus small helpers to connect as configured users and to see
 * whether the server refused a publish.
 */
import { createUser } from "@nats-io/nkeys";
import type { NatsConnection } from "@nats-io/transport-node";
import { configFromRaw } from "../../src/config/load.ts";
import type { Config, NatsClientConfig } from "../../src/config/schema.ts";
import { writeSecretFile } from "../../src/config/paths.ts";
import { renderServerConfig } from "../../src/server/render.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { silent } from "../../src/log.ts";
import { startNatsServer, type TestNatsServer } from "./nats_server.ts";

/** A server started from a rendered configuration. */
export interface RenderedServer extends AsyncDisposable {
  server: TestNatsServer;
  config: Config;
  /** The rendered text (before the test ports were filled in). */
  text: string;
  notices: string[];
  /** A client configuration for this server with `auth` and `namespace`. */
  client(auth: Record<string, unknown>, namespace?: string): NatsClientConfig;
  /** A client configuration connecting as the admin nkey. */
  admin: NatsClientConfig;
}

/**
 * Renders `raw` (an osapi.yaml tree; `data_dir`, ports are filled in) and starts nats-server on
 * it. The rendered `port`/`http` lines are pointed at the helper's random ports.
 */
export async function startRenderedServer(raw: Record<string, unknown>): Promise<RenderedServer> {
  const admin = createUser();
  const base = structuredClone(raw) as { nats?: { server?: Record<string, unknown> } };
  base.nats ??= {};
  base.nats.server = { ...base.nats.server, port: 4222, http_port: 8222 };
  const config = configFromRaw({ ...base, data_dir: "{{DIR}}" });
  const { text, notices } = await renderServerConfig(config, {
    adminPublicKey: admin.getPublicKey(),
    bcryptCost: 4,
  });
  const rawConfig = text.replace(/^port: 4222$/m, "port: {{PORT}}")
    .replace(/^http: .*$/m, 'http: "127.0.0.1:{{HTTP_PORT}}"');
  const server = await startNatsServer({ rawConfig });
  const seedFile = `${server.dir}/admin.seed`;
  await writeSecretFile(seedFile, new TextDecoder().decode(admin.getSeed()) + "\n");
  const client = (auth: Record<string, unknown>, namespace = config.nats.server.namespace) =>
    configFromRaw({
      api: { server: { nats: { host: "127.0.0.1", port: server.port, namespace, auth } } },
    }).api.server.nats;
  return {
    server,
    config,
    text,
    notices,
    client,
    admin: client({ type: "nkey", nkey_file: seedFile }),
    [Symbol.asyncDispose]: () => server.stop(),
  };
}

/** Collects a connection's permission errors as they arrive. */
export class Violations {
  readonly messages: string[] = [];
  constructor(readonly nc: NatsConnection) {
    (async () => {
      for await (const s of nc.status()) {
        if (s.type === "error") this.messages.push(String(s.error?.message ?? s.error));
      }
    })().catch(() => {});
  }

  /**
   * Publishes and returns the server's refusal for it, or undefined when it was accepted: the
   * server answers the PING of the flush after its -ERR, so the error has arrived by then.
   */
  async publish(subject: string, data = "x"): Promise<string | undefined> {
    const before = this.messages.length;
    this.nc.publish(subject, data);
    await this.nc.flush();
    await new Promise((r) => setTimeout(r, 0));
    return this.messages.slice(before).find((m) => m.includes(subject));
  }
}

/** Connections as the configured `user_pass` users of a rendered server, closed together. */
export interface UserConnector {
  connect(username: string): Promise<NatsConnection>;
  /** Closes every connection made so far (newest first). */
  close(): Promise<void>;
}

/** Connects as the entries of `users` (by user name) in `namespace`, without reconnecting. */
export function userConnector(
  rs: RenderedServer,
  users: readonly { username: string; password: string }[],
  namespace: string,
): UserConnector {
  const conns: NatsConnection[] = [];
  return {
    async connect(username) {
      const u = users.find((x) => x.username === username);
      if (!u) throw new Error(`no user ${username}`);
      const nc = await connectNats(
        rs.client({ type: "user_pass", username: u.username, password: u.password }, namespace),
        silent,
        { maxReconnectAttempts: 0 },
      );
      conns.push(nc);
      return nc;
    },
    async close() {
      for (const nc of conns.splice(0).reverse()) await nc.close().catch(() => {});
    },
  };
}
