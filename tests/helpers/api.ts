/**
 * A real API server for tests: Deno.serve on 127.0.0.1, port 0, a fixed signing key, tokens
 * minted for it, an OpenAPI-checking caller, and a small in-test JobService for tests that
 * never reach NATS.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type ApiServer, startApiServer } from "../../src/api/server.ts";
import { signToken, type TokenSpec } from "../../src/auth/tokens.ts";
import { configFromRaw } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import type {
  Job,
  JobRecord,
  JobRunResult,
  JobService,
  JobStatus,
  Operation,
  WorkerInfo,
} from "../../src/job/types.ts";
import { TargetError } from "../../src/job/types.ts";
import { type Logger, silent } from "../../src/log.ts";
import { routerFor } from "../../src/nats/resources.ts";
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
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link startTestApi}. */
export interface TestApiOptions {
  config?: Config;
  jobs?: JobService;
  nc?: NatsConnection;
  log?: Logger;
}

/** Starts an API server on a free loopback port. */
export async function startTestApi(opts: TestApiOptions = {}): Promise<TestApi> {
  const config = opts.config ?? testConfig();
  const server = await startApiServer({
    config,
    jobs: opts.jobs ?? new FakeJobs(),
    nc: opts.nc,
    router: routerFor(config, config.api.server.nats.namespace),
    log: opts.log ?? silent,
  });
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
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

const HOSTS = ["host-a", "host-b"];

/**
 * An in-memory JobService: every host in {@link HOSTS} answers at once with the operation's
 * data echoed back; targets naming no host are TargetErrors. Records what it was asked.
 */
export class FakeJobs implements JobService {
  readonly calls: { method: string; op?: Operation; target?: string; submitter?: string }[] = [];
  readonly records = new Map<string, JobRecord>();

  #targets(target: string): string[] {
    if (target === "_any") return [HOSTS[0]];
    if (target === "_all" || target.includes(":")) return HOSTS;
    if (HOSTS.includes(target)) return [target];
    throw new TargetError(`no live worker for target ${JSON.stringify(target)}`);
  }

  #job(op: Operation, target: string, submitter: string, retryOf?: string): Job {
    return {
      id: crypto.randomUUID(),
      operation: op,
      target,
      created: new Date().toISOString(),
      submitter,
      ...(retryOf ? { retry_of: retryOf } : {}),
    };
  }

  submit(op: Operation, target: string, submitter: string): Promise<Job> {
    this.calls.push({ method: "submit", op, target, submitter });
    this.#targets(target);
    const job = this.#job(op, target, submitter);
    this.records.set(job.id, {
      job,
      status: "submitted",
      events: [{ type: "submitted", time: job.created }],
      results: [],
    });
    return Promise.resolve(job);
  }

  run(op: Operation, target: string, submitter: string): Promise<JobRunResult> {
    this.calls.push({ method: "run", op, target, submitter });
    const hosts = this.#targets(target);
    const job = this.#job(op, target, submitter);
    const results = hosts.map((hostname) => ({
      hostname,
      status: "completed" as const,
      data: op.type === "command.exec.do"
        ? { stdout: "hi\n", stderr: "", exit_code: 0 }
        : { echo: op.data },
      ...(op.type.startsWith("command.") || op.type === "network.dns.update"
        ? { changed: true }
        : {}),
      duration_ms: 1,
    }));
    this.records.set(job.id, { job, status: "completed", events: [], results });
    return Promise.resolve({ job_id: job.id, status: "completed", results });
  }

  get(id: string): Promise<JobRecord | undefined> {
    return Promise.resolve(this.records.get(id));
  }

  list(opts: { status?: JobStatus; limit: number; offset: number }) {
    const all = [...this.records.values()].filter((r) => !opts.status || r.status === opts.status);
    return Promise.resolve({
      items: all.slice(opts.offset, opts.offset + opts.limit),
      total: all.length,
    });
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.records.delete(id));
  }

  async retry(id: string, submitter: string): Promise<Job | undefined> {
    const old = this.records.get(id);
    if (!old) return undefined;
    const job = await this.submit(old.job.operation, old.job.target, submitter);
    return { ...job, retry_of: id };
  }

  workers(): Promise<WorkerInfo[]> {
    const now = new Date().toISOString();
    return Promise.resolve(HOSTS.map((hostname) => ({
      hostname,
      labels: {},
      started: now,
      last_seen: now,
      version: "test",
      running: 0,
    })));
  }

  counts(): Promise<Record<JobStatus, number>> {
    const counts: Record<JobStatus, number> = {
      submitted: 0,
      processing: 0,
      completed: 0,
      failed: 0,
      partial_failure: 0,
    };
    for (const r of this.records.values()) counts[r.status]++;
    return Promise.resolve(counts);
  }
}
