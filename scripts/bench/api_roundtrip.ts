/** Job round trips through the HTTP API: `GET /system/hostname?target_hostname=<target>`. */
import { type LoadResult, runLoad } from "./load.ts";

/** Where and as whom the API is called. */
export interface ApiTarget {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** A bearer token with `system:read`. */
  token: string;
}

/** The parsed body of a hostname call and its status. */
export interface HostnameResponse {
  status: number;
  results: { hostname?: string; error?: string }[];
  /** The problem detail when the call failed. */
  detail?: string;
}

/** One `GET /system/hostname?target_hostname=<target>` call. */
export async function getHostname(api: ApiTarget, target: string): Promise<HostnameResponse> {
  const res = await fetch(
    `${api.url}/system/hostname?target_hostname=${encodeURIComponent(target)}`,
    { headers: { authorization: `Bearer ${api.token}` } },
  );
  const body = await res.json().catch(() => ({})) as {
    results?: HostnameResponse["results"];
    detail?: string;
  };
  return {
    status: res.status,
    results: Array.isArray(body.results) ? body.results : [],
    ...(typeof body.detail === "string" ? { detail: body.detail } : {}),
  };
}

/** Bounds of the API round-trip runs. */
export interface ApiRoundTripOptions {
  /** Concurrency levels, e.g. [1, 64]. */
  concurrency: number[];
  /** Requests per level. */
  count: number;
  /** Time bound per level (ms). */
  maxMs: number;
  /** Called when each level starts and ends (RSS sampling). */
  onLevel?: (concurrency: number, phase: "start" | "end") => void;
}

/** Measures `_any` hostname round trips at each concurrency level. */
export async function benchApiRoundTrip(
  api: ApiTarget,
  opts: ApiRoundTripOptions,
): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  for (const concurrency of opts.concurrency) {
    opts.onLevel?.(concurrency, "start");
    results.push(
      await runLoad({ concurrency, count: opts.count, maxMs: opts.maxMs }, async () => {
        const r = await getHostname(api, "_any");
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.detail ?? ""}`);
        if (r.results.length !== 1 || r.results[0].error) {
          throw new Error(`expected one result, got ${JSON.stringify(r.results)}`);
        }
      }),
    );
    opts.onLevel?.(concurrency, "end");
  }
  return results;
}
