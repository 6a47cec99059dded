import { FEATURE_NAMES, NO_FRAUD_AGE_DAYS, WINDOW_DAYS } from './definitions';
import { toCents } from './buckets';
import type { CompiledFeatureOptions } from './options';
import type { FeatureInput, WindowAggregates } from './types';

const DAY_MS = 86_400_000;
/** Floor of a prior standard deviation, in major units: keeps z-scores finite for steady cards. */
const MIN_STD = 1;
const ZSCORE_CLIP = 50;

/**
 * THE feature computation (one implementation for training and serving): the feature vector of
 * `tx` from the window sums its store read before adding it. Pure and deterministic.
 */
export function computeFeatureVector(
  tx: FeatureInput,
  agg: WindowAggregates,
  o: CompiledFeatureOptions,
): Float64Array {
  const out = new Float64Array(FEATURE_NAMES.length);
  const cents = toCents(tx.amount);
  const amount = cents / 100;
  const date = new Date(tx.event_time);
  const weekday = date.getUTCDay();
  let i = 0;
  out[i++] = amount;
  out[i++] = weekday === 0 || weekday === 6 ? 1 : 0;
  out[i++] = date.getUTCHours() <= 6 ? 1 : 0;
  const priorMean: number[] = [];
  for (let w = 0; w < WINDOW_DAYS.length; w += 1) {
    const n = agg.customerCount[w] ?? 0;
    const s = agg.customerCents[w] ?? 0;
    out[i++] = n + 1;
    out[i++] = (s + cents) / 100 / (n + 1);
    priorMean.push(n > 0 ? s / 100 / n : amount);
  }
  for (let w = 0; w < WINDOW_DAYS.length; w += 1) {
    const n = agg.terminalCount[w] ?? 0;
    const f = agg.terminalFrauds[w] ?? 0;
    out[i++] = n;
    out[i++] = n > 0 ? f / n : 0;
  }
  for (let w = 0; w < WINDOW_DAYS.length; w += 1) {
    out[i++] = Math.log((amount + 1) / ((priorMean[w] ?? amount) + 1));
  }
  const n30 = agg.customerCount[2] ?? 0;
  let z = 0;
  if (n30 >= 2) {
    const mean = (agg.customerCents[2] ?? 0) / 100 / n30;
    const variance = Math.max(0, (agg.customerCents2[2] ?? 0) / 10_000 / n30 - mean * mean);
    z = (amount - mean) / Math.max(Math.sqrt(variance), MIN_STD);
    z = Math.max(-ZSCORE_CLIP, Math.min(ZSCORE_CLIP, z));
  }
  out[i++] = z;
  // Baseline: the card's mean over (t − 30 d, t − 7 d], before a recent compromise could inflate it.
  const nOld = (agg.customerCount[2] ?? 0) - (agg.customerCount[1] ?? 0);
  const baseline =
    nOld > 0
      ? ((agg.customerCents[2] ?? 0) - (agg.customerCents[1] ?? 0)) / 100 / nOld
      : (priorMean[2] ?? amount);
  out[i++] = Math.log((amount + 1) / (baseline + 1));
  const n1 = agg.customerCount[0] ?? 0;
  out[i++] =
    Math.log(((agg.customerCents[0] ?? 0) / 100 + amount) / (n1 + 1) + 1) - Math.log(baseline + 1);
  out[i++] = agg.customerHigh[0] ?? 0;
  out[i++] = agg.customerHigh[1] ?? 0;
  for (let w = 0; w < WINDOW_DAYS.length; w += 1) out[i++] = agg.terminalFrauds[w] ?? 0;
  // Ages, in days before t − D, of the latest and earliest known frauds: a compromise that
  // started long ago may be over, one that is recent is probably still running.
  out[i++] = fraudAgeDays(tx.event_time, agg.terminalLastFraudBucket, o);
  out[i++] = fraudAgeDays(tx.event_time, agg.terminalFirstFraudBucket, o);
  // A compromised terminal's visible history is all fraud since the first one; a customer-side
  // fraud that merely happened there leaves a low share.
  const frauds = agg.terminalFrauds[agg.terminalFrauds.length - 1] ?? 0;
  out[i++] = frauds > 0 ? frauds / Math.max(1, agg.terminalCountSinceFirstFraud) : 0;
  return out;
}

function fraudAgeDays(eventTime: number, bucket: number, o: CompiledFeatureOptions): number {
  if (bucket < 0) return NO_FRAUD_AGE_DAYS;
  const age = (eventTime - o.feedbackDelayMs - (bucket + 1) * o.terminalBucketMs) / DAY_MS;
  return Math.min(NO_FRAUD_AGE_DAYS, age);
}
