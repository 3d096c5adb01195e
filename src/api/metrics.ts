/**
 * Prometheus metrics of one API app, in a private registry: HTTP requests by route and status
 * with a duration histogram, jobs by type and status with a latency histogram, the live worker
 * count and the NATS connection state, and the standard `process_*` metrics. A source that fails at scrape time is logged and counted
 * in `osapi_metric_errors_total`; its gauge is left out of that scrape (never reported as 0).
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Logger } from "../log.ts";
import type { HealthService, JobService } from "./ports.ts";
import { registerProcessMetrics } from "./process_metrics.ts";

/** Sources the gauges read at scrape time. */
export interface MetricSources {
  jobs: JobService;
  health: HealthService;
  log: Logger;
  /** How long a source may take at scrape time (default 1 s). */
  timeoutMs?: number;
}

/** Settles like `p`, or rejects when it takes longer than `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The metrics of one API app. */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<"method" | "route" | "status">;
  readonly httpDuration: Histogram<"method" | "route" | "status">;
  readonly jobs: Counter<"type" | "status">;
  readonly jobDuration: Histogram<"type">;
  /** Scrape-time failures of a gauge's source, by gauge. */
  readonly errors: Counter<"metric">;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    const timeoutMs = sources.timeoutMs ?? 1_000;
    /** The sources being read for the scrape in progress (the error count waits for them). */
    let reading: Promise<unknown> = Promise.resolve();
    registerProcessMetrics(this.registry);
    this.httpRequests = new Counter({
      name: "osapi_http_requests_total",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"] as const,
      registers,
    });
    this.httpDuration = new Histogram({
      name: "osapi_http_request_duration_seconds",
      help: "HTTP request duration in seconds",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.jobs = new Counter({
      name: "osapi_jobs_total",
      help: "jobs submitted through the API by operation type and outcome",
      labelNames: ["type", "status"] as const,
      registers,
    });
    this.jobDuration = new Histogram({
      name: "osapi_job_duration_seconds",
      help: "time from submitting a job to having its results, in seconds",
      labelNames: ["type"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    new Gauge({
      name: "osapi_workers",
      help: "live workers in the registry",
      registers,
      collect() {
        const read = (async () => {
          try {
            this.set((await within(sources.jobs.workers(), timeoutMs)).length);
          } catch (e) {
            // Unknown is not zero: no sample this scrape, an error counted and logged.
            this.remove();
            errors.inc({ metric: "osapi_workers" });
            sources.log.warn("cannot count the live workers for /metrics", {
              error: (e as Error).message,
            });
          }
        })();
        reading = read;
        return read;
      },
    });
    new Gauge({
      name: "osapi_nats_connected",
      help: "1 when the API is connected to NATS, else 0",
      registers,
      async collect() {
        this.set((await sources.health.connection()).ok ? 1 : 0);
      },
    });
    // Registered after the gauges: a scrape collects in registration order, so this count
    // includes the failures of the same scrape.
    const errors = this.errors = new Counter({
      name: "osapi_metric_errors_total",
      help: "scrape-time failures reading a gauge's source (the gauge is then left out)",
      labelNames: ["metric"] as const,
      registers,
      async collect() {
        await reading;
      },
    });
  }

  /** Records one HTTP request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** Records one job outcome (and its latency when it was waited for). */
  observeJob(type: string, status: string, seconds?: number): void {
    this.jobs.inc({ type, status });
    if (seconds !== undefined) this.jobDuration.observe({ type }, seconds);
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
