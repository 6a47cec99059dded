import { FeatureStoreError } from '../errors';
import { WINDOW_DAYS } from './definitions';

const DAY_MS = 86_400_000;

/** Settings of the feature computation; both stores must use the same ones to agree. */
export interface FeatureOptions {
  /**
   * Delay with which fraud labels reach the terminal features, in days (fractions allowed):
   * terminal windows cover (t − D − w, t − D]. @defaultValue 7 (the book's protocol)
   */
  feedbackDelayDays: number;
  /** Time-bucket width of the customer windows. @defaultValue 3_600_000 (1 hour) */
  customerBucketMs: number;
  /** Time-bucket width of the terminal windows. @defaultValue 3_600_000 (1 hour) */
  terminalBucketMs: number;
}

/** Defaults: the book's 7-day delay, one-hour buckets. */
export const DEFAULT_FEATURE_OPTIONS: Readonly<FeatureOptions> = Object.freeze({
  feedbackDelayDays: 7,
  customerBucketMs: 3_600_000,
  terminalBucketMs: 3_600_000,
});

/** Options resolved to bucket arithmetic, shared by the memory store and the Redis script. */
export interface CompiledFeatureOptions extends FeatureOptions {
  feedbackDelayMs: number;
  /** Customer window lengths in customer buckets, per WINDOW_DAYS. */
  customerWindowBuckets: number[];
  /** Terminal window lengths in terminal buckets, per WINDOW_DAYS. */
  terminalWindowBuckets: number[];
  /** How long a customer bucket stays useful (the longest window). */
  customerStateMs: number;
  /** How long a terminal bucket stays useful (longest window + delay + one bucket). */
  terminalStateMs: number;
}

/** Validates options once (errors name the setting) and derives the bucket arithmetic. */
export function compileFeatureOptions(raw: Partial<FeatureOptions> = {}): CompiledFeatureOptions {
  const o: FeatureOptions = { ...DEFAULT_FEATURE_OPTIONS, ...raw };
  const bad = (setting: string, expected: string, value: unknown): never => {
    throw new FeatureStoreError(
      'FS_FEATURE_OPTIONS',
      `${setting}: expected ${expected}, got ${String(value)}`,
      false,
    );
  };
  if (!Number.isFinite(o.feedbackDelayDays) || o.feedbackDelayDays < 0) {
    bad('feedbackDelayDays', 'a number of days ≥ 0', o.feedbackDelayDays);
  }
  for (const key of ['customerBucketMs', 'terminalBucketMs'] as const) {
    const v = o[key];
    if (!Number.isInteger(v) || v <= 0 || DAY_MS % v !== 0) {
      bad(key, 'a positive integer number of ms that divides one day', v);
    }
  }
  const maxDays = Math.max(...WINDOW_DAYS);
  const feedbackDelayMs = Math.round(o.feedbackDelayDays * DAY_MS);
  return {
    ...o,
    feedbackDelayMs,
    customerWindowBuckets: WINDOW_DAYS.map((w) => (w * DAY_MS) / o.customerBucketMs),
    terminalWindowBuckets: WINDOW_DAYS.map((w) => (w * DAY_MS) / o.terminalBucketMs),
    customerStateMs: maxDays * DAY_MS + o.customerBucketMs,
    terminalStateMs: maxDays * DAY_MS + feedbackDelayMs + 2 * o.terminalBucketMs,
  };
}
