/**
 * Shutdown on SIGTERM, SIGINT and SIGHUP for the long-running commands. Listeners are installed
 * before anything starts, so a signal during start-up still stops every child; the first signal
 * stops gracefully, a second one stops with `force` (e.g. abort running jobs).
 */
import type { Logger } from "../log.ts";

/** The signals that stop osapi. */
export const STOP_SIGNALS: readonly Deno.Signal[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/** Signal-driven shutdown of one command. Nothing here calls `Deno.exit`. */
export class Shutdown {
  #count = 0;
  #stop: ((force: boolean) => Promise<void>) | undefined;
  #stopping: Promise<void> | undefined;
  readonly #signalled = Promise.withResolvers<void>();
  readonly #handlers = STOP_SIGNALS.map((sig) => [sig, () => this.#onSignal(sig)] as const);

  constructor(private readonly log: Logger) {
    for (const [sig, h] of this.#handlers) Deno.addSignalListener(sig, h);
  }

  /** True once a signal arrived. */
  get requested(): boolean {
    return this.#count > 0;
  }

  /** Resolves when the first signal arrives. */
  get signalled(): Promise<void> {
    return this.#signalled.promise;
  }

  /** Sets what a signal stops; a signal that arrived before (during start-up) is acted on now. */
  onStop(stop: (force: boolean) => Promise<void>): void {
    this.#stop = stop;
    if (this.#count > 0) this.#stopping = stop(this.#count > 1);
  }

  #onSignal(sig: Deno.Signal): void {
    this.#count++;
    this.log.info(
      this.#count === 1
        ? `received ${sig}; stopping (signal again to abort running work)`
        : `received ${sig} again; aborting running work`,
    );
    if (this.#stop) this.#stopping = this.#stop(this.#count > 1);
    this.#signalled.resolve();
  }

  /** Waits for a signal, then for the latest stop it started to finish. */
  async wait(): Promise<void> {
    await this.#signalled.promise;
    let current: Promise<void> | undefined;
    do {
      current = this.#stopping;
      await current;
    } while (current !== this.#stopping);
  }

  /** Removes the listeners. */
  dispose(): void {
    for (const [sig, h] of this.#handlers) Deno.removeSignalListener(sig, h);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Runs until a signal, then `stop` (with `force` on a second signal). */
export async function runUntilSignal(
  stop: (force: boolean) => Promise<void>,
  log: Logger,
): Promise<void> {
  using shutdown = new Shutdown(log);
  shutdown.onStop(stop);
  await shutdown.wait();
}
