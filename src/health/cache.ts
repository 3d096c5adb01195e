/**
 * One check shared by many callers: concurrent callers share the check in flight, and a kept
 * answer is served for `ttlMs` afterwards (or until {@link SharedCheck.invalidate}).
 */

/** Options of {@link SharedCheck}. */
export interface SharedCheckOptions<T> {
  /** How long a kept answer is served, in milliseconds. */
  ttlMs: number;
  /** Which answers are kept for `ttlMs` (default all); others serve only the callers in flight. */
  keep?: (answer: T) => boolean;
  /** The clock (milliseconds). */
  now?: () => number;
}

/** A check run at most once per `ttlMs`, shared by concurrent callers. */
export class SharedCheck<T> {
  #inFlight: Promise<T> | undefined;
  #kept: { at: number; answer: T } | undefined;
  #runs = 0;
  readonly #now: () => number;

  constructor(
    private readonly check: () => Promise<T>,
    private readonly opts: SharedCheckOptions<T>,
  ) {
    this.#now = opts.now ?? Date.now;
  }

  /** How many times the check ran. */
  get runs(): number {
    return this.#runs;
  }

  /** The kept answer while fresh, else the check in flight, else a new check. */
  get(): Promise<T> {
    const kept = this.#kept;
    if (kept && this.#now() - kept.at < this.opts.ttlMs) return Promise.resolve(kept.answer);
    if (this.#inFlight) return this.#inFlight;
    this.#runs++;
    const p = this.check().then((answer) => {
      if (this.#inFlight === p && (this.opts.keep?.(answer) ?? true)) {
        this.#kept = { at: this.#now(), answer };
      }
      return answer;
    }).finally(() => {
      if (this.#inFlight === p) this.#inFlight = undefined;
    });
    this.#inFlight = p;
    return p;
  }

  /** Forgets the kept answer; a check in flight no longer becomes the kept one. */
  invalidate(): void {
    this.#kept = undefined;
    this.#inFlight = undefined;
  }
}
