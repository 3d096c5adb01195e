/**
 * A real API server for tests: Deno.serve on 127.0.0.1, port 0, a fixed signing key, tokens
 * minted for it and an OpenAPI-checking caller. Unless the test brings its own job layer, it
 * runs on the real one: a nats-server on random ports, the job client and in-process workers
 * (host-a and host-b, label role=web, DNS providers on temp files and each worker's providers on
 * a temporary root directory, so the host is never changed).
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { HealthService } from "../../src/api/ports.ts";
import { type ApiServer, startApiServer } from "../../src/api/server.ts";
import { signToken, type TokenSpec } from "../../src/api_auth/tokens.ts";
import { configFromRaw } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { createJobClient, type JobClient } from "../../src/job/client.ts";
import type { JobService } from "../../src/core/job.ts";
import { type Logger, silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { createDnsGet } from "../../src/worker/providers/dns_get.ts";
import { createDnsUpdate } from "../../src/worker/providers/dns_update.ts";
import { createDnsDelete } from "../../src/worker/providers/dns_delete.ts";
import { loadProviders, type Provider } from "../../src/worker/providers/mod.ts";
import { natsApiServices } from "../../src/runtime/api.ts";
import { securityInfo } from "../../src/nats_auth/security_info.ts";
import { startWorker, type WorkerHandle } from "../../src/worker/worker.ts";
import { startNatsServer, type TestNatsServer } from "./nats_server.ts";
import { operationChecks, type OperationTable } from "../../src/core/operations/mod.ts";
import { ApiCaller, OpenApiValidator } from "./openapi.ts";
/** The signing key of test servers. */
export const TEST_KEY = "test-signing-key-0123456789abcdef0123456789abcdef";

/** A token for the test key. */
export function testToken(spec: Partial<TokenSpec> & { roles?: string[] } = {}): Promise<string> {
  return signToken(TEST_KEY, {
    subject: "tester@example.com",
    roles: ["admin"],
    ...spec,
  });
}

/** Deep-merges plain objects (tests' raw config overrides). */
function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object"
      ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}

/** A test config: loopback, port 0, the test key, plus `raw` overrides. */
export function testConfig(raw: Record<string, unknown> = {}): Config {
  return configFromRaw(merge({
    api: { server: { host: "127.0.0.1", port: 0, security: { signing_key: TEST_KEY } } },
  }, raw));
}

/** A worker of a test API. */
export interface TestWorkerSpec {
  hostname: string;
  labels?: Record<string, string>;
  /** The worker's providers' root (default: a temporary directory of its own). */
  root?: string;
}

/** The workers a test API starts unless told otherwise. */
export const DEFAULT_WORKERS: readonly TestWorkerSpec[] = [
  { hostname: "host-a", labels: { role: "web" } },
  { hostname: "host-b", labels: { role: "web" } },
];

/** The resolv.conf the test workers' DNS providers start from. */
export const TEST_RESOLV_CONF = "search example.test\nnameserver 192.0.2.53\n";

/** A running test API. */
export interface TestApi {
  server: ApiServer;
  url: string;
  validator: OpenApiValidator;
  /** A caller holding an admin token. */
  admin: ApiCaller;
  /** A caller with no token. */
  anonymous: ApiCaller;
  /** A caller with a token for `spec`. */
  as(spec: Partial<TokenSpec>): Promise<ApiCaller>;
  /** The job layer the API runs on. */
  jobs: JobService;
  /** The config the API runs with (the test nats-server's address included). */
  config: Config;
  /** The test's own nats-server, job client, connection and workers (absent with `jobs`). */
  stack?: JobStack;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link startTestApi}. */
export interface TestApiOptions {
  /** Config overrides merged over the test defaults (signing key, loopback, NATS address). */
  raw?: Record<string, unknown>;
  /**
   * Bring your own job layer: a complete config, the JobService and (optionally) NATS, whose
   * NATS-backed health service and audit log the app then gets.
   */
  config?: Config;
  jobs?: JobService;
  nc?: NatsConnection;
  /** Replaces the NATS-backed health service. */
  health?: HealthService;
  log?: Logger;
  /** The in-process workers of the real job layer (default {@link DEFAULT_WORKERS}). */
  workers?: readonly TestWorkerSpec[];
  /** Keep NATS from the app (audit log and readiness unavailable); jobs still run. */
  appWithoutNats?: boolean;
  /** The operation table served (default: the shipped one) and providers for extra operations. */
  operations?: OperationTable;
  providers?: Provider[];
}

/** The real job layer of a test API. */
export interface JobStack {
  nats: TestNatsServer;
  nc: NatsConnection;
  client: JobClient;
  workers: WorkerHandle[];
  /** Directory of the workers' resolv.conf and interface list. */
  dnsDir: string;
  /** Each worker's providers' root (`ProviderContext.root`), by host name. */
  roots: Record<string, string>;
  close(): Promise<void>;
}

/** The shipped providers, DNS ones on files in `dir` (interfaces eth0 and lo). */
async function testHostProviders(
  dir: string,
  extra: Provider[] = [],
): Promise<Map<string, Provider>> {
  const resolvConfPath = `${dir}/resolv.conf`;
  await Deno.writeTextFile(resolvConfPath, TEST_RESOLV_CONF);
  for (const iface of ["eth0", "lo"]) await Deno.mkdir(`${dir}/net/${iface}`, { recursive: true });
  const dns = { resolvConfPath, resolvectl: null, sysClassNet: `${dir}/net` };
  const providers = new Map(await loadProviders());
  for (const p of [createDnsGet(dns), createDnsUpdate(dns), createDnsDelete(dns), ...extra]) {
    providers.set(p.type, p as unknown as Provider);
  }
  return providers;
}

async function startJobStack(
  raw: Record<string, unknown>,
  workers: readonly TestWorkerSpec[],
  opts: Pick<TestApiOptions, "operations" | "providers"> = {},
): Promise<{ config: Config; stack: JobStack }> {
  const nats = await startNatsServer();
  const dnsDir = await Deno.makeTempDir({ prefix: "osapi-api-test-" });
  const started: WorkerHandle[] = [];
  let nc: NatsConnection | undefined;
  const close = async () => {
    for (const w of started) await w.stop().catch(() => {});
    await nc?.close().catch(() => {});
    await nats.stop();
    await Deno.remove(dnsDir, { recursive: true }).catch(() => {});
  };
  try {
    const natsClient = { urls: [nats.url], namespace: "apitest" };
    const base = merge({
      api: { server: { nats: natsClient, jobs: { timeout: "15s", quiet_period: "300ms" } } },
      job: { worker: { nats: natsClient } },
      nats: { registry: { ttl: "10s" } },
    }, raw);
    const config = testConfig(base);
    nc = await connectNats(config.api.server.nats, silent);
    const router = routerFor(config, config.api.server.nats.namespace);
    await ensureResources(nc, config, router, silent);
    const providers = await testHostProviders(dnsDir, opts.providers);
    const roots: Record<string, string> = {};
    for (const w of workers) {
      const root = w.root ?? `${dnsDir}/roots/${w.hostname}`;
      await Deno.mkdir(root, { recursive: true });
      roots[w.hostname] = root;
      const wc = testConfig(merge(base, {
        job: { worker: { hostname: w.hostname, labels: w.labels ?? {} } },
      }));
      started.push(await startWorker(wc, { log: silent, providers, fetchExpiresMs: 1000, root }));
    }
    const client = createJobClient(nc, config, router, silent, {
      ...(opts.operations ? { operations: operationChecks(opts.operations) } : {}),
    });
    return { config, stack: { nats, nc, client, workers: started, dnsDir, roots, close } };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Starts an API server on a free loopback port, on the real job layer unless given `jobs`. */
export async function startTestApi(opts: TestApiOptions = {}): Promise<TestApi> {
  let config: Config;
  let jobs: JobService;
  let nc = opts.nc;
  let stack: JobStack | undefined;
  if (opts.jobs) {
    config = opts.config ?? testConfig(opts.raw);
    jobs = opts.jobs;
  } else {
    if (opts.config) throw new Error("startTestApi: pass `raw` (or `jobs` with `config`)");
    ({ config, stack } = await startJobStack(
      opts.raw ?? {},
      opts.workers ?? DEFAULT_WORKERS,
      opts,
    ));
    jobs = stack.client;
    nc = opts.appWithoutNats ? undefined : stack.nc;
  }
  let server: ApiServer;
  try {
    const log = opts.log ?? silent;
    const services = nc
      ? natsApiServices(nc, config, config.api.server.nats.namespace, log)
      : undefined;
    server = await startApiServer({
      config,
      operations: opts.operations,
      jobs,
      health: opts.health ?? services?.health,
      audit: services?.audit,
      files: services?.files,
      security: { info: (key) => securityInfo(config, key) },
      agents: services?.agents,
      log,
    });
  } catch (e) {
    await stack?.close();
    throw e;
  }
  const validator = new OpenApiValidator(
    server.handle.document() as unknown as Record<string, unknown>,
  );
  const anonymous = new ApiCaller(server.url, validator);
  return {
    server,
    url: server.url,
    validator,
    admin: anonymous.withToken(await testToken()),
    anonymous,
    as: async (spec) => anonymous.withToken(await testToken(spec)),
    jobs,
    config,
    stack,
    [Symbol.asyncDispose]: async () => {
      await server.shutdown();
      await stack?.close();
    },
  };
}
