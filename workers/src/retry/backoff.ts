// Exponential backoff with full jitter: the n-th retry waits a uniform draw in [0, cap_n), with
// cap_n = min(maxDelayMs, baseDelayMs · 2^(n−1)). Full jitter spreads the retries of a batch
// that failed together (one Redis hiccup fails 500 records at once) instead of bringing them
// back in one wave. docs/patterns/retry-and-backoff.md works the numbers through.
// Hand-written because BullMQ's built-in `exponential` backoff has no maximum delay (and only
// partial jitter); this one is registered as a custom BullMQ backoff strategy instead.

/** Settings of the backoff. */
export interface BackoffOptions {
  /** Cap of the first retry's draw. @defaultValue 500 (FS_RETRY_BASE_DELAY_MS) */
  readonly baseDelayMs: number;
  /** Cap of any draw. @defaultValue 30000 (FS_RETRY_MAX_DELAY_MS) */
  readonly maxDelayMs: number;
  /** Uniform draw in [0, 1). @defaultValue Math.random */
  readonly random?: () => number;
}

/** Name of the BullMQ custom backoff type the retry jobs use. */
export const FULL_JITTER_BACKOFF = 'fs-full-jitter';

/** The cap of the `retry`-th retry (1-based). */
export function backoffCapMs(retry: number, options: BackoffOptions): number {
  if (!Number.isInteger(retry) || retry < 1)
    throw new RangeError(`retry must be an integer >= 1, got ${retry}`);
  // 2^(retry−1) overflows to Infinity for large n; min() then keeps the cap.
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
}

/** A full-jitter delay for the `retry`-th retry. */
export function fullJitterDelayMs(retry: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  return Math.floor(random() * backoffCapMs(retry, options));
}
