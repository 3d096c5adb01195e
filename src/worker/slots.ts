/** A counting semaphore for the worker's job slots (`max_jobs` in flight across consumers). */
export class Slots {
  #free: number;
  #closed = false;
  readonly #waiters: ((ok: boolean) => void)[] = [];
  readonly #freeWaiters: ((ok: boolean) => void)[] = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Slots in use. */
  get used(): number {
    return this.size - this.#free;
  }

  /** Takes a slot; resolves false (without a slot) once {@link close} was called. */
  acquire(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Resolves true once a slot is free, without taking it (so an idle pull does not hold a slot
   * that a busy consumer could use); false once {@link close} was called.
   */
  whenFree(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#free > 0) return Promise.resolve(true);
    return new Promise((resolve) => this.#freeWaiters.push(resolve));
  }

  /** Returns a slot, handing it straight to the next waiter if any. */
  release(): void {
    const next = this.#closed ? undefined : this.#waiters.shift();
    if (next) return next(true);
    this.#free = Math.min(this.size, this.#free + 1);
    for (const w of this.#freeWaiters.splice(0)) w(true);
  }

  /** Refuses further acquisitions and wakes every waiter with false. */
  close(): void {
    this.#closed = true;
    for (const w of [...this.#waiters.splice(0), ...this.#freeWaiters.splice(0)]) w(false);
  }
}
