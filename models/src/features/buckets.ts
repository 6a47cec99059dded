import { HIGH_AMOUNT_RATIO } from './definitions';
import type { CompiledFeatureOptions } from './options';
import type { WindowAggregates } from './types';

/** Integer cents of an amount in major units (exact integer arithmetic in both stores). */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** The bucket arithmetic for one transaction, computed once and sent to whichever store. */
export interface BucketPlan {
  /** Customer bucket of the event; customer window w covers buckets (cb − w, cb]. */
  customerBucket: number;
  /** Terminal bucket of the event, where the transaction (and later its label) is counted. */
  terminalBucket: number;
  /**
   * First terminal bucket NOT visible: window w covers [end − w, end). Bucket end − 1 finishes at
   * or before t − D, so no label younger than the delay is ever read (the window may start up to
   * one bucket late at the recent end and reach one bucket further back: the bucketing error).
   */
  terminalVisibleEnd: number;
  /** Customer buckets below this are dropped from the state. */
  customerPruneBefore: number;
  /** Terminal buckets below this are dropped from the state. */
  terminalPruneBefore: number;
}

/** Computes the buckets of a transaction at `eventTime` under the compiled options. */
export function planBuckets(eventTime: number, o: CompiledFeatureOptions): BucketPlan {
  const customerBucket = Math.floor(eventTime / o.customerBucketMs);
  const terminalBucket = Math.floor(eventTime / o.terminalBucketMs);
  const terminalVisibleEnd = Math.floor((eventTime - o.feedbackDelayMs) / o.terminalBucketMs);
  const maxCustomer = Math.max(...o.customerWindowBuckets);
  const maxTerminal = Math.max(...o.terminalWindowBuckets);
  return {
    customerBucket,
    terminalBucket,
    terminalVisibleEnd,
    customerPruneBefore: customerBucket - maxCustomer + 1,
    terminalPruneBefore: terminalVisibleEnd - maxTerminal,
  };
}

/**
 * Whether a transaction of `cents` is "high" against its card's previous 30 days (longest
 * window): integer comparison, mirrored exactly by the Redis script.
 */
export function isHigh(cents: number, agg: WindowAggregates): boolean {
  const last = agg.customerCount.length - 1;
  const n = agg.customerCount[last] ?? 0;
  return n > 0 && cents * n > HIGH_AMOUNT_RATIO * (agg.customerCents[last] ?? 0);
}
