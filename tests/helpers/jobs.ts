/**
 * Job-layer test fixtures: configurations pointing at a test nats-server, test-only providers,
 * and in-process workers and job clients.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { configFromRaw } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { createJobClient, type JobClient } from "../../src/job/client.ts";
import { loadProviders, type Provider } from "../../src/worker/providers/mod.ts";
import { OperationInputError } from "../../src/core/job.ts";
import { startWorker, type WorkerHandle } from "../../src/worker/worker.ts";

/** Options of {@link jobConfig}. */
export interface JobConfigOptions {
  namespace?: string;
  hostname?: string;
  labels?: Record<string, string>;
  maxJobs?: number;
  maxDeliver?: number;
  ackWait?: string;
  backOff?: string[];
  timeout?: string;
  quietPeriod?: string;
  registryTtl?: string;
}

/** A configuration whose API and worker talk to the test server on `port`. */
export function jobConfig(port: number, o: JobConfigOptions = {}): Config {
  const nats = { host: "127.0.0.1", port, namespace: o.namespace ?? "osapi" };
  return configFromRaw({
    nats: { registry: { ttl: o.registryTtl ?? "6s" } },
    api: {
      server: {
        nats,
        jobs: { timeout: o.timeout ?? "10s", quiet_period: o.quietPeriod ?? "2s" },
      },
    },
    job: {
      worker: {
        nats,
        hostname: o.hostname ?? "host-a",
        labels: o.labels ?? {},
        max_jobs: o.maxJobs ?? 10,
        consumer: {
          max_deliver: o.maxDeliver ?? 3,
          ack_wait: o.ackWait ?? "30s",
          back_off: o.backOff ?? ["100ms"],
        },
      },
    },
  });
}

/** `test.echo` (query): answers with the host name and its input. */
export const echoProvider: Provider = {
  type: "test.echo",
  kind: "query",
  validate(data) {
    if (typeof data !== "object" || data === null) throw new OperationInputError("object expected");
    if ("bad" in data) throw new OperationInputError("field bad is not allowed");
    return data as Record<string, unknown>;
  },
  run(input, ctx) {
    return Promise.resolve({ hostname: ctx.hostname, input });
  },
};

/** `test.change` (modify): reports `changed: true`. */
export const changeProvider: Provider = {
  type: "test.change",
  kind: "modify",
  validate: (data) => (data ?? {}) as Record<string, unknown>,
  run: () => Promise.resolve({ changed: true }),
};

/** `test.fail` (query): always fails with a runtime error (redelivered, then dead-lettered). */
export const failProvider: Provider = {
  type: "test.fail",
  kind: "query",
  validate: (data) => (data ?? {}) as Record<string, unknown>,
  run: () => Promise.reject(new Error("disk on fire")),
};

/** `test.block` that blocks until aborted (or `release()`), or answers at once (`instant`). */
export function blockProvider(instant = false): Provider & { release(): void; started: number } {
  const waiters: (() => void)[] = [];
  const p = {
    type: "test.block",
    kind: "query" as const,
    started: 0,
    validate: (data: unknown) => (data ?? {}) as Record<string, unknown>,
    run(_input: unknown, ctx: { hostname: string; signal: AbortSignal }) {
      p.started++;
      if (instant) return Promise.resolve({ hostname: ctx.hostname, blocked: false });
      return new Promise((resolve, reject) => {
        waiters.push(() => resolve({ hostname: ctx.hostname, blocked: true }));
        ctx.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      });
    },
    release() {
      for (const w of waiters.splice(0)) w();
    },
  };
  return p;
}

/** `test.echo` that records `<host>:<input.n>` for every run, in order. */
export function countingProvider(): Provider & { ran: string[] } {
  const ran: string[] = [];
  return {
    type: "test.echo",
    kind: "query",
    ran,
    validate: (d) => (d ?? {}) as Record<string, unknown>,
    run: (input, ctx) => {
      ran.push(`${ctx.hostname}:${(input as { n?: number }).n}`);
      return Promise.resolve({ hostname: ctx.hostname });
    },
  };
}

/** The shipped providers, loaded once. */
const SHIPPED = await loadProviders();

/** Every shipped provider plus the given test providers. */
export function testProviders(...extra: Provider[]): Map<string, Provider> {
  const all = new Map(SHIPPED);
  for (const p of [echoProvider, changeProvider, failProvider, ...extra]) all.set(p.type, p);
  return all;
}

/** Starts an in-process worker with test providers. */
export function testWorker(
  port: number,
  o: JobConfigOptions & { providers?: Map<string, Provider> } = {},
): Promise<WorkerHandle> {
  return startWorker(jobConfig(port, o), {
    log: silent,
    providers: o.providers ?? testProviders(),
    fetchExpiresMs: 1000,
  });
}

/** An API-side connection with the namespace's resources ensured, and a job client on it. */
export interface TestClient {
  nc: NatsConnection;
  client: JobClient;
  config: Config;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Connects like the API does and builds a job client (test providers known). */
export async function testClient(
  port: number,
  o: JobConfigOptions & { providers?: Map<string, Provider> } = {},
): Promise<TestClient> {
  const config = jobConfig(port, o);
  const nc = await connectNats(config.api.server.nats, silent);
  const router = routerFor(config, config.api.server.nats.namespace);
  await ensureResources(nc, config, router, silent);
  const client = createJobClient(nc, config, router, silent, {
    operations: o.providers ?? testProviders(blockProvider()),
  });
  const close = () => nc.close();
  return { nc, client, config, close, [Symbol.asyncDispose]: close };
}

/** Polls `fn` until it returns a value other than undefined (or throws after `ms`). */
export async function eventually<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
