/**
 * Auth callout throughput: a nats-server in callout mode (the fragment osapi renders), the osapi
 * callout service in its own child process, and clients that connect with an API token and
 * disconnect at once; measured as connections authenticated per second.
 *
 * The child: `deno run -A scripts/bench/callout.ts '<raw config JSON>'` prints `ready`, and on
 * SIGTERM prints its counters as one JSON line and exits.
 */
import { calloutConfigFragment, startCalloutService } from "../../src/nats_auth/callout_service.ts";
import type { CalloutStats } from "../../src/nats_auth/callout.ts";
import { signToken } from "../../src/api_auth/tokens.ts";
import { configFromRaw } from "../../src/config/load.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { startServerWith } from "../../tests/helpers/nats_auth.ts";
import { type LoadResult, runLoad } from "./load.ts";

/** Bounds of the callout run. */
export interface CalloutBenchOptions {
  /** Connections to authenticate. */
  connections: number;
  /** Connections being established at once. */
  concurrency: number;
  /** Time bound (ms). */
  maxMs: number;
}

/** What the callout run measured. */
export interface CalloutResult extends LoadResult {
  /** The service's own counters (requests, allowed, denied, invalid, errors). */
  service?: CalloutStats;
}

const SELF = new URL(import.meta.url).pathname;
const NAMESPACE = "osapi";

function calloutRaw(dataDir: string, signingKey: string, urls: string[] = []) {
  return {
    data_dir: dataDir,
    log: { level: "error" },
    api: { server: { security: { signing_key: signingKey } } },
    nats: {
      server: {
        namespace: NAMESPACE,
        auth: { type: "callout", callout: { nats: { urls } } },
      },
    },
  };
}

/** Measures how many connections per second the osapi callout service authenticates. */
export async function benchCallout(opts: CalloutBenchOptions): Promise<CalloutResult> {
  const dir = await Deno.makeTempDir({ prefix: "osapi-bench-callout-" });
  try {
    const signingKey = crypto.randomUUID() + crypto.randomUUID();
    const fragment = await calloutConfigFragment(configFromRaw(calloutRaw(dir, signingKey)), {
      bcryptCost: 4,
    });
    await using server = await startServerWith(fragment, false);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SELF, JSON.stringify(calloutRaw(dir, signingKey, [server.url]))],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    try {
      while (!out.includes("ready\n")) {
        const { value, done } = await lines.read();
        if (done) throw new Error(`callout service exited before ready: ${out}`);
        out += value;
      }
      const token = await signToken(signingKey, { subject: "bench@osapi", roles: ["read"] });
      const client = configFromRaw({
        api: {
          server: {
            nats: { urls: [server.url], namespace: NAMESPACE, auth: { type: "token", token } },
          },
        },
      }).api.server.nats;
      const result = await runLoad(
        { concurrency: opts.concurrency, count: opts.connections, maxMs: opts.maxMs },
        async () => {
          const nc = await connectNats(client, silent, {
            name: "osapi-bench-callout",
            maxReconnectAttempts: 0,
          });
          await nc.close();
        },
      );
      child.kill("SIGTERM");
      while (true) {
        const { value, done } = await lines.read();
        if (done) break;
        out += value;
      }
      const statsLine = out.split("\n").find((l) => l.startsWith("{"));
      return { ...result, ...(statsLine ? { service: JSON.parse(statsLine) } : {}) };
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const config = configFromRaw(JSON.parse(Deno.args[0]));
  const svc = await startCalloutService(config, silent);
  const done = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGTERM", async () => {
    await svc.stop();
    console.log(JSON.stringify(svc.stats));
    done.resolve();
  });
  console.log("ready");
  await done.promise;
  Deno.exit(0);
}
