/**
 * Probes for the security tests: what a connection can do with another namespace's subjects,
 * streams and buckets. Each probe answers `denied` (the server refused it: Permissions
 * Violation), `isolated` (allowed, but it reaches nothing: another account), or `open` (it
 * reached the other namespace). No timing is involved: a flush on the publisher and then on the
 * watcher orders delivery on one server.
 */
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import type { NatsClientConfig } from "../../src/config/schema.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { Violations } from "../helpers/rendered_server.ts";

/** What a probe found. */
export type Outcome = "denied" | "isolated" | "open";

/** Connects once, without reconnecting. */
export async function connectAs(nats: NatsClientConfig): Promise<NatsConnection> {
  return await connectNats(nats, silent, { maxReconnectAttempts: 0, timeout: 5_000 });
}

/** Connects and returns `accepted` or the server's refusal message. */
export async function loginOutcome(nats: NatsClientConfig): Promise<string> {
  try {
    const nc = await connectAs(nats);
    await nc.flush();
    await nc.close();
    return "accepted";
  } catch (e) {
    return (e as Error).message;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A subscription callback collecting payloads (a permission error arrives without a message). */
const collect = (into: string[]) => (e: Error | null, m: Msg | null) => {
  if (!e && m) into.push(m.string());
};

/** A connection under test with its permission errors collected. */
export class Probe {
  readonly violations: Violations;
  constructor(readonly nc: NatsConnection) {
    this.violations = new Violations(nc);
  }

  /** The server's refusal of a publish on `subject`, or undefined when accepted. */
  async publishRefusal(subject: string): Promise<string | undefined> {
    return await this.violations.publish(subject);
  }

  /** The server's refusal of a subscription to `subject`, or undefined when accepted. */
  async subscribeRefusal(subject: string): Promise<string | undefined> {
    const sub = this.nc.subscribe(subject);
    await this.nc.flush();
    await tick();
    if (!sub.isClosed()) {
      sub.unsubscribe();
      return undefined;
    }
    const closed = await sub.closed;
    return closed instanceof Error ? closed.message : "closed";
  }

  /** Publishes on `subject`: does `watcher` (subscribed to it) receive it? */
  async publishTo(subject: string, watcher: NatsConnection): Promise<Outcome> {
    const got: string[] = [];
    const sub = watcher.subscribe(subject, { callback: collect(got) });
    await watcher.flush();
    try {
      if (await this.publishRefusal(subject)) return "denied";
      await watcher.flush();
      await tick();
      return got.includes("x") ? "open" : "isolated";
    } finally {
      sub.unsubscribe();
    }
  }

  /** Subscribes to `subject`: does it receive what `feeder` publishes on `publishOn`? */
  async subscribeTo(
    subject: string,
    feeder: NatsConnection,
    publishOn = subject,
  ): Promise<Outcome> {
    const got: string[] = [];
    const sub = this.nc.subscribe(subject, { callback: collect(got) });
    await this.nc.flush();
    await tick();
    if (sub.isClosed()) return "denied";
    feeder.publish(publishOn, "fed");
    await feeder.flush();
    await this.nc.flush();
    await tick();
    sub.unsubscribe();
    return got.includes("fed") ? "open" : "isolated";
  }

  /**
   * Requests `subject` (a JetStream API or direct get subject): denied, isolated (no responder or
   * a JetStream error such as "stream not found"), or open when `leaked(reply)` holds.
   */
  async request(subject: string, leaked: (reply: string) => boolean): Promise<Outcome> {
    if (await this.publishRefusal(subject)) return "denied";
    try {
      const m = await this.nc.request(subject, "", { timeout: 5_000 });
      return leaked(m.string()) ? "open" : "isolated";
    } catch (e) {
      if (/no responders|503/i.test((e as Error).message)) return "isolated";
      throw e;
    }
  }
}
