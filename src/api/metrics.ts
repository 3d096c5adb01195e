/**
 * Prometheus metrics of one API app, in a private registry: HTTP requests by route and status
 * with a duration histogram, jobs by type and status with a latency histogram, the live worker
 * count and the NATS connection state.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { NatsConnection } from "@nats-io/transport-node";
import type { JobService } from "../core/job.ts";
import { probeNats, withTimeout } from "./nats_probe.ts";

/** Sources the gauges read at scrape time. */
export interface MetricSources {
  jobs: JobService;
  nc?: NatsConnection;
}

/** The metrics of one API app. */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<"method" | "route" | "status">;
  readonly httpDuration: Histogram<"method" | "route" | "status">;
  readonly jobs: Counter<"type" | "status">;
  readonly jobDuration: Histogram<"type">;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
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
      async collect() {
        const workers = await withTimeout(
          sources.jobs.workers().then((w) => w.length, () => 0),
          1_000,
          () => 0,
        );
        this.set(workers);
      },
    });
    new Gauge({
      name: "osapi_nats_connected",
      help: "1 when the API is connected to NATS, else 0",
      registers,
      async collect() {
        this.set((await probeNats(sources.nc)).ok ? 1 : 0);
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
