/**
 * Login limits of the callout's user/password path, so that a flood of wrong-password connects
 * cannot starve legitimate logins and renewals (issue 8 §2):
 *
 * - a pair that verified recently is recognised by an in-memory HMAC (process-random key) and
 *   skips bcrypt: components reconnecting or renewing never wait behind a flood;
 * - a pair that failed recently is refused without bcrypt (short negative cache);
 * - a source host with too many failures in a window is refused without bcrypt until the
 *   window passes (its recognised pairs still pass);
 * - at most `concurrency` bcrypt checks run at once and at most `queue` wait; excess requests
 *   are refused at once instead of piling up past the server's auth timeout;
 * - one source host holds at most `sourceInFlight` of those running and waiting checks, so a
 *   flood from one host cannot fill the queue that other hosts' logins need.
 */

/** Options of {@link LoginLimiter}. */
export interface LoginLimitOptions {
  /** bcrypt checks running at once (default 2). */
  concurrency?: number;
  /** bcrypt checks waiting for a slot; beyond it requests are refused (default 8). */
  queue?: number;
  /** How long a verified pair skips bcrypt, in ms (default 1 h). */
  acceptedTtlMs?: number;
  /** How long a failed pair is refused without bcrypt, in ms (default 60 s). */
  failedTtlMs?: number;
  /** Checks one source host may have running or waiting at once (default 3). */
  sourceInFlight?: number;
  /** Failures per source host per window before the host is refused fast (default 20). */
  sourceFailures?: number;
  /** The per-source window, in ms (default 60 s). */
  sourceWindowMs?: number;
  /** Entries kept per cache (default 10 000; the oldest are dropped). */
  maxEntries?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** What {@link LoginLimiter.check} decided. */
export type LoginVerdict =
  | { ok: true }
  | { ok: false; reason: string };

const encoder = new TextEncoder();

/** A bounded map whose entries expire. */
class ExpiringSet {
  #m = new Map<string, number>();
  constructor(private max: number, private now: () => number) {}
  has(k: string): boolean {
    const until = this.#m.get(k);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.#m.delete(k);
      return false;
    }
    return true;
  }
  add(k: string, ttlMs: number): void {
    this.#m.delete(k);
    this.#m.set(k, this.now() + ttlMs);
    while (this.#m.size > this.max) this.#m.delete(this.#m.keys().next().value!);
  }
  delete(k: string): void {
    this.#m.delete(k);
  }
}

/** Bounded-concurrency bcrypt checks with positive/negative caches and per-source limits. */
export class LoginLimiter {
  readonly #o: Required<LoginLimitOptions>;
  #key: Promise<CryptoKey>;
  #accepted: ExpiringSet;
  #failed: ExpiringSet;
  #sources = new Map<string, { since: number; failures: number }>();
  #running = 0;
  #waiting: (() => void)[] = [];
  /** Checks running or waiting, per source host. */
  #inFlight = new Map<string, number>();
  /** Counters: bcrypt checks run, and requests refused without one. */
  readonly stats = { bcrypt: 0, cached: 0, refusedBusy: 0, refusedFailed: 0, refusedSource: 0 };

  constructor(opts: LoginLimitOptions = {}) {
    this.#o = {
      concurrency: 2,
      queue: 8,
      sourceInFlight: 3,
      acceptedTtlMs: 3_600_000,
      failedTtlMs: 60_000,
      sourceFailures: 20,
      sourceWindowMs: 60_000,
      maxEntries: 10_000,
      now: Date.now,
      ...opts,
    };
    this.#accepted = new ExpiringSet(this.#o.maxEntries, this.#o.now);
    this.#failed = new ExpiringSet(this.#o.maxEntries, this.#o.now);
    this.#key = crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  }

  async #digest(user: string, pass: string): Promise<string> {
    const mac = await crypto.subtle.sign(
      "HMAC",
      await this.#key,
      encoder.encode(`${user}\0${pass}`),
    );
    return btoa(String.fromCharCode(...new Uint8Array(mac)));
  }

  #sourceBlocked(source: string): boolean {
    const s = this.#sources.get(source);
    if (!s) return false;
    if (this.#o.now() - s.since > this.#o.sourceWindowMs) {
      this.#sources.delete(source);
      return false;
    }
    return s.failures >= this.#o.sourceFailures;
  }

  #sourceFailed(source: string): void {
    const now = this.#o.now();
    let s = this.#sources.get(source);
    if (!s || now - s.since > this.#o.sourceWindowMs) {
      s = { since: now, failures: 0 };
      this.#sources.delete(source);
      this.#sources.set(source, s);
    }
    s.failures++;
    while (this.#sources.size > this.#o.maxEntries) {
      this.#sources.delete(this.#sources.keys().next().value!);
    }
  }

  async #slot(): Promise<boolean> {
    if (this.#running < this.#o.concurrency) {
      this.#running++;
      return true;
    }
    if (this.#waiting.length >= this.#o.queue) return false;
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return true; // the releasing check handed its slot over
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }

  /**
   * Checks `pass` for `user` with `verify` (the bcrypt comparison) within the limits; `source`
   * is the client's host as the server reported it. Reasons never contain what was presented.
   */
  async check(
    user: string,
    pass: string,
    source: string,
    verify: () => Promise<boolean>,
  ): Promise<LoginVerdict> {
    const digest = await this.#digest(user, pass);
    if (this.#accepted.has(digest)) {
      this.stats.cached++;
      return { ok: true };
    }
    if (this.#failed.has(digest)) {
      this.stats.refusedFailed++;
      return { ok: false, reason: "invalid user name or password" };
    }
    if (this.#sourceBlocked(source)) {
      this.stats.refusedSource++;
      return { ok: false, reason: "too many failed logins from this host; try again later" };
    }
    const inFlight = this.#inFlight.get(source) ?? 0;
    if (inFlight >= this.#o.sourceInFlight) {
      this.stats.refusedBusy++;
      return {
        ok: false,
        reason: "too many logins being checked from this host; try again shortly",
      };
    }
    this.#inFlight.set(source, inFlight + 1);
    let ok: boolean;
    try {
      if (!(await this.#slot())) {
        this.stats.refusedBusy++;
        return { ok: false, reason: "too many logins being checked; try again shortly" };
      }
      try {
        this.stats.bcrypt++;
        ok = await verify().catch(() => false);
      } finally {
        this.#release();
      }
    } finally {
      const left = (this.#inFlight.get(source) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(source, left);
      else this.#inFlight.delete(source);
    }
    if (ok) {
      this.#accepted.add(digest, this.#o.acceptedTtlMs);
      return { ok: true };
    }
    this.#failed.add(digest, this.#o.failedTtlMs);
    this.#sourceFailed(source);
    return { ok: false, reason: "invalid user name or password" };
  }
}
