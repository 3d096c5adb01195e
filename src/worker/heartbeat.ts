/**
 * The worker's heartbeat: writes its {@link WorkerInfo} into the registry at start and every
 * ttl/3, and removes it on a clean shutdown.
 */
import type { WorkerRegistry } from "../job/registry.ts";
import type { WorkerInfo } from "../core/job.ts";
import type { Logger } from "../log.ts";

/** Keeps one worker's registry entry fresh. */
export class Heartbeat {
  #timer: ReturnType<typeof setInterval> | undefined;
  #beating: Promise<void> = Promise.resolve();

  /** `info` is called at each beat for the current state (running jobs, last_seen). */
  constructor(
    readonly registry: WorkerRegistry,
    readonly info: () => WorkerInfo,
    readonly log: Logger,
  ) {}

  /** Interval between beats: a third of the registry TTL. */
  get intervalMs(): number {
    return Math.max(100, Math.floor(this.registry.ttlMs / 3));
  }

  /** Writes the first entry (errors propagate), then beats in the background. */
  async start(): Promise<void> {
    await this.registry.put(this.info());
    this.#timer = setInterval(() => {
      this.#beating = this.#beating.then(() =>
        this.registry.put(this.info()).catch((e) =>
          this.log.warn("heartbeat failed", { error: (e as Error).message })
        )
      );
    }, this.intervalMs);
  }

  /** Writes the entry now (e.g. after a state change), in order with the regular beats. */
  beat(): void {
    if (this.#timer === undefined) return;
    this.#beating = this.#beating.then(() =>
      this.registry.put(this.info()).catch((e) =>
        this.log.warn("heartbeat failed", { error: (e as Error).message })
      )
    );
  }

  /** Stops beating and removes the entry. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beating;
    await this.registry.remove(this.info().hostname);
  }
}
