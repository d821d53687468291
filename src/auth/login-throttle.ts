// Slows password guessing on the operator sign-in: after too many failures for one key (the route uses username +
// client address) within the window, further attempts are refused until the window passes. In memory and per
// process on purpose: it is a brake, not an account lock an attacker could trigger for good.
export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: ThrottleOptions = { maxFailures: 10, windowMs: 15 * 60 * 1000 };
const MAX_TRACKED = 10_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: ThrottleOptions = DEFAULT_LOGIN_THROTTLE) {}

  /** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
  retryAfterSeconds(keys: string[], nowMs: number = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, nowMs);
      if (recent.length < this.options.maxFailures) continue;
      const oldest = recent[recent.length - this.options.maxFailures] ?? nowMs;
      wait = Math.max(wait, Math.ceil((oldest + this.options.windowMs - nowMs) / 1000));
    }
    return wait;
  }

  recordFailure(keys: string[], nowMs: number = Date.now()): void {
    if (this.failures.size > MAX_TRACKED) this.prune(nowMs);
    for (const key of keys) this.failures.set(key, [...this.recent(key, nowMs), nowMs]);
  }

  recordSuccess(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > nowMs - this.options.windowMs);
  }

  private prune(nowMs: number): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key, nowMs).length === 0) this.failures.delete(key);
    }
  }
}
