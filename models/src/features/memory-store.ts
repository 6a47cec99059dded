import { isHigh, planBuckets, toCents } from './buckets';
import type { BucketPlan } from './buckets';
import { BucketSeries } from './bucket-series';
import { computeFeatureVector } from './compute';
import type { CompiledFeatureOptions, FeatureOptions } from './options';
import { compileFeatureOptions } from './options';
import type { FeatureStore } from './store';
import type { FeatureInput, FeatureLabel, LabelResult, WindowAggregates } from './types';

/** Settings of the in-memory store beyond the feature options. */
export interface MemoryFeatureStoreOptions extends FeatureOptions {
  /**
   * How long (stream time) a transaction is remembered for idempotency and for labels that
   * lack event_time. @defaultValue 691_200_000 (8 days: the default delay plus a day)
   */
  txRecordTtlMs: number;
}

/** Default in-memory store options. */
export const DEFAULT_MEMORY_FEATURE_STORE_OPTIONS: Readonly<
  Pick<MemoryFeatureStoreOptions, 'txRecordTtlMs'>
> = Object.freeze({ txRecordTtlMs: 8 * 86_400_000 });

/** Customer buckets hold [count, cents, cents², high count]; terminal buckets [count, frauds]. */
const CUSTOMER_WIDTH = 4;
const TERMINAL_WIDTH = 2;
interface TxRecord {
  eventTime: number;
  vector: Float64Array;
}

const SWEEP_EVERY_MS = 86_400_000;

/**
 * Feature state in process memory, for offline replay (training data, evaluation) and tests.
 * Same buckets and pruning as the Redis store; memory is bounded by the windows, since whole
 * entities idle past their longest window are swept as stream time advances.
 */
export class MemoryFeatureStore implements FeatureStore {
  readonly options: CompiledFeatureOptions;
  private readonly txRecordTtlMs: number;
  private readonly customers = new Map<string, BucketSeries>();
  private readonly terminals = new Map<string, BucketSeries>();
  private readonly txRecords = new Map<string, TxRecord>();
  private readonly fraudLabelled = new Map<string, number>();
  private clock = -Infinity;
  private lastSweep = -Infinity;

  /** Creates an empty store. */
  constructor(options: Partial<MemoryFeatureStoreOptions> = {}) {
    this.options = compileFeatureOptions(options);
    this.txRecordTtlMs =
      options.txRecordTtlMs ?? DEFAULT_MEMORY_FEATURE_STORE_OPTIONS.txRecordTtlMs;
  }

  /** Synchronous `computeBatch` for one transaction: the offline replay's fast path. */
  computeOne(tx: FeatureInput): Float64Array {
    const seen = this.txRecords.get(tx.transaction_id);
    if (seen !== undefined) return seen.vector;
    if (tx.event_time > this.clock) this.clock = tx.event_time;
    const plan = planBuckets(tx.event_time, this.options);
    const agg = this.aggregateAndRecord(tx, plan);
    const vector = computeFeatureVector(tx, agg, this.options);
    this.txRecords.set(tx.transaction_id, { eventTime: tx.event_time, vector });
    if (this.clock - this.lastSweep >= SWEEP_EVERY_MS) this.sweep();
    return vector;
  }

  /** {@inheritDoc FeatureStore.computeBatch} */
  computeBatch(txs: readonly FeatureInput[]): Promise<Float32Array[]> {
    return Promise.resolve(txs.map((tx) => Float32Array.from(this.computeOne(tx))));
  }

  /** Synchronous `applyLabels`. */
  applyLabelsSync(labels: readonly FeatureLabel[]): LabelResult {
    const result: LabelResult = { applied: 0, duplicates: 0, genuine: 0, unknown: 0 };
    for (const label of labels) {
      if (this.fraudLabelled.has(label.transaction_id)) {
        result.duplicates += 1;
        continue;
      }
      if (!label.is_fraud) {
        result.genuine += 1;
        continue;
      }
      const eventTime = label.event_time ?? this.txRecords.get(label.transaction_id)?.eventTime;
      if (eventTime === undefined) {
        result.unknown += 1;
        continue;
      }
      const bucket = Math.floor(eventTime / this.options.terminalBucketMs);
      let buckets = this.terminals.get(label.terminal_id);
      if (buckets === undefined) {
        buckets = new BucketSeries(TERMINAL_WIDTH);
        this.terminals.set(label.terminal_id, buckets);
      }
      buckets.add(bucket, [0, 1]);
      this.fraudLabelled.set(label.transaction_id, eventTime);
      result.applied += 1;
    }
    return result;
  }

  /** {@inheritDoc FeatureStore.applyLabels} */
  applyLabels(labels: readonly FeatureLabel[]): Promise<LabelResult> {
    return Promise.resolve(this.applyLabelsSync(labels));
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Number of customers, terminals and remembered transactions held (for memory-bound tests). */
  size(): { customers: number; terminals: number; txRecords: number } {
    return {
      customers: this.customers.size,
      terminals: this.terminals.size,
      txRecords: this.txRecords.size,
    };
  }

  private aggregateAndRecord(tx: FeatureInput, plan: BucketPlan): WindowAggregates {
    const o = this.options;
    const windows = o.customerWindowBuckets.length;
    const agg: WindowAggregates = {
      customerCount: new Float64Array(windows),
      customerCents: new Float64Array(windows),
      customerCents2: new Float64Array(windows),
      customerHigh: new Float64Array(windows),
      terminalCount: new Float64Array(windows),
      terminalFrauds: new Float64Array(windows),
      terminalLastFraudBucket: -1,
      terminalFirstFraudBucket: -1,
      terminalCountSinceFirstFraud: 0,
    };
    let customer = this.customers.get(tx.customer_id);
    if (customer === undefined) {
      customer = new BucketSeries(CUSTOMER_WIDTH);
      this.customers.set(tx.customer_id, customer);
    }
    // Windows nest (1 d ⊂ 7 d ⊂ 30 d): add each bucket once, to the smallest window holding it,
    // then take prefix sums. Same integer sums as the per-window loop of the Lua script.
    customer.prune(plan.customerPruneBefore);
    const cw = o.customerWindowBuckets;
    const cv = customer.values();
    customer.forEach((b, at) => {
      const age = plan.customerBucket - b;
      if (age < 0) return;
      let w = 0;
      while (w < windows && age >= (cw[w] ?? 0)) w += 1;
      if (w === windows) return;
      agg.customerCount[w] = (agg.customerCount[w] ?? 0) + (cv[at] ?? 0);
      agg.customerCents[w] = (agg.customerCents[w] ?? 0) + (cv[at + 1] ?? 0);
      agg.customerCents2[w] = (agg.customerCents2[w] ?? 0) + (cv[at + 2] ?? 0);
      agg.customerHigh[w] = (agg.customerHigh[w] ?? 0) + (cv[at + 3] ?? 0);
    });
    prefixSums(agg.customerCount, agg.customerCents, agg.customerCents2, agg.customerHigh);
    let terminal = this.terminals.get(tx.terminal_id);
    if (terminal === undefined) {
      terminal = new BucketSeries(TERMINAL_WIDTH);
      this.terminals.set(tx.terminal_id, terminal);
    }
    const end = plan.terminalVisibleEnd;
    terminal.prune(plan.terminalPruneBefore);
    const tw = o.terminalWindowBuckets;
    const tv = terminal.values();
    terminal.forEach((b, at) => {
      const age = end - 1 - b;
      if (age < 0) return;
      let w = 0;
      while (w < windows && age >= (tw[w] ?? 0)) w += 1;
      const n = tv[at] ?? 0;
      const f = tv[at + 1] ?? 0;
      if (w < windows) {
        agg.terminalCount[w] = (agg.terminalCount[w] ?? 0) + n;
        agg.terminalFrauds[w] = (agg.terminalFrauds[w] ?? 0) + f;
      }
      // Buckets below the prune point may still be held (see BucketSeries.prune): not visible.
      if (f > 0 && b >= plan.terminalPruneBefore) {
        if (b > agg.terminalLastFraudBucket) agg.terminalLastFraudBucket = b;
        if (agg.terminalFirstFraudBucket < 0 || b < agg.terminalFirstFraudBucket) {
          agg.terminalFirstFraudBucket = b;
        }
      }
    });
    prefixSums(agg.terminalCount, agg.terminalFrauds);
    if (agg.terminalFirstFraudBucket >= 0) {
      const first = agg.terminalFirstFraudBucket;
      terminal.forEach((b, at) => {
        if (b >= first && b < end) agg.terminalCountSinceFirstFraud += tv[at] ?? 0;
      });
    }
    const cents = toCents(tx.amount);
    const high = isHigh(cents, agg) ? 1 : 0;
    customer.add(plan.customerBucket, [1, cents, cents * cents, high]);
    terminal.add(plan.terminalBucket, [1, 0]);
    return agg;
  }

  /** Drops entities and records that no window can reach any more (stream time). */
  private sweep(): void {
    this.lastSweep = this.clock;
    const o = this.options;
    const customerHorizon = Math.floor((this.clock - o.customerStateMs) / o.customerBucketMs);
    for (const [id, buckets] of this.customers) {
      if (buckets.newest() < customerHorizon) this.customers.delete(id);
    }
    const terminalHorizon = Math.floor((this.clock - o.terminalStateMs) / o.terminalBucketMs);
    for (const [id, buckets] of this.terminals) {
      if (buckets.newest() < terminalHorizon) this.terminals.delete(id);
    }
    // Records were inserted in (nearly) stream order: drop from the front until a fresh one.
    for (const [id, rec] of this.txRecords) {
      if (rec.eventTime >= this.clock - this.txRecordTtlMs) break;
      this.txRecords.delete(id);
    }
    for (const [id, eventTime] of this.fraudLabelled) {
      if (eventTime >= this.clock - o.terminalStateMs) break;
      this.fraudLabelled.delete(id);
    }
  }
}

/** Turns per-window-increment sums into cumulative (nested-window) sums, in place. */
function prefixSums(...arrays: Float64Array[]): void {
  for (const a of arrays)
    for (let w = 1; w < a.length; w += 1) a[w] = (a[w] ?? 0) + (a[w - 1] ?? 0);
}
