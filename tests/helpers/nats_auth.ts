/** Helpers for NATS security tests: servers with an auth fragment, and connection outcomes. */
import { connect, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";
import { guardLateSocketErrors } from "../../src/nats/connect.ts";
import { startNatsServer, type TestNatsServer } from "./nats_server.ts";

guardLateSocketErrors();

/** Starts a JetStream nats-server whose config is the listen lines plus `fragment`. */
export async function startServerWith(fragment: string, jetstream = true): Promise<TestNatsServer> {
  return await startNatsServer({
    jetstream,
    rawConfig: [
      'listen: "127.0.0.1:{{PORT}}"',
      'http: "127.0.0.1:{{HTTP_PORT}}"',
      jetstream ? 'jetstream { store_dir: "{{DIR}}/js" }' : "",
      fragment,
    ].join("\n"),
  });
}

/** Connects once (no reconnects); returns the connection or the error. */
export async function tryConnect(
  url: string,
  opts: Partial<ConnectionOptions>,
): Promise<NatsConnection | Error> {
  try {
    return await connect({ servers: url, reconnect: false, timeout: 5_000, ...opts });
  } catch (e) {
    return e as Error;
  }
}

/** Connects and expects a refusal; returns the error message. */
export async function refusal(url: string, opts: Partial<ConnectionOptions>): Promise<string> {
  const r = await tryConnect(url, opts);
  if (!(r instanceof Error)) {
    await r.close();
    throw new Error("connection was accepted, expected a refusal");
  }
  return r.message;
}

/** Rejects after `ms` (a guard against hangs, not a timing assertion). */
export function guard<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what}: nothing happened within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Subscribes to `subject` and returns the server's permission error (fails if none comes). */
export async function subscriptionDenied(nc: NatsConnection, subject: string): Promise<string> {
  const sub = nc.subscribe(subject);
  const closed = await guard(sub.closed, `subscribe ${subject}`);
  return closed instanceof Error ? closed.message : "closed without error";
}

/** Publishes to `subject` and returns the server's permission error (fails if none comes). */
export async function publishDenied(nc: NatsConnection, subject: string): Promise<string> {
  const errs = (async () => {
    for await (const s of nc.status()) {
      if (s.type === "error") return String(s.error);
    }
    return "connection closed";
  })();
  nc.publish(subject, "x");
  return await guard(errs, `publish ${subject}`);
}

/** Proves that `sub` receives on `subject` what `pub` publishes. */
export async function delivers(
  pub: NatsConnection,
  sub: NatsConnection,
  subject: string,
  listen = subject,
): Promise<string> {
  const s = sub.subscribe(listen, { max: 1 });
  await sub.flush();
  const got = (async () => {
    for await (const m of s) return m.string();
    return "";
  })();
  pub.publish(subject, "hello");
  await pub.flush();
  return await guard(got, `delivery on ${subject}`);
}
