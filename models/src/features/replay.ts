import type { LabelledTransaction } from '@fraudstream/simulator';
import { FEATURE_NAMES } from './definitions';
import { MemoryFeatureStore } from './memory-store';
import type { FeatureOptions } from './options';
import type { FeatureLabel } from './types';

/** Rows of features with their ground truth, columnar (what training and evaluation consume). */
export interface FeatureTable {
  featureNames: readonly string[];
  /** rows × featureNames.length, row-major. */
  features: Float32Array;
  rows: number;
  eventTime: Float64Array;
  /** 1 for fraud. */
  isFraud: Uint8Array;
  /** Fraud scenario, -1 when unknown. */
  scenario: Int8Array;
  /** Index into `customers` (card precision and known-compromised removal work per card). */
  customer: Int32Array;
  customers: string[];
  transactionIds: string[];
}

/** Which rows of the replayed stream to keep (all of the stream always feeds the state). */
export interface ReplayOptions extends FeatureOptions {
  /** Keep rows with event_time ≥ this (epoch ms). @defaultValue -Infinity */
  keepFromMs: number;
  /** Stop reading at the first row with event_time ≥ this. @defaultValue Infinity */
  stopAtMs: number;
}

/**
 * Offline replay: runs a labelled stream through a MemoryFeatureStore in time order. A fraud's
 * label is applied when the replay clock reaches event_time + D (the book's semantics; the
 * terminal windows would not read it earlier anyway).
 */
export class FeatureReplay {
  private readonly store: MemoryFeatureStore;
  private readonly delayMs: number;
  private readonly keepFromMs: number;
  readonly stopAtMs: number;
  private readonly pending: { visibleAt: number; label: FeatureLabel }[] = [];
  private pendingHead = 0;
  private capacity = 1 << 16;
  private rows = 0;
  private features = new Float32Array(this.capacity * FEATURE_NAMES.length);
  private eventTime = new Float64Array(this.capacity);
  private isFraud = new Uint8Array(this.capacity);
  private scenario = new Int8Array(this.capacity);
  private customer = new Int32Array(this.capacity);
  private readonly customerIndex = new Map<string, number>();
  private readonly customers: string[] = [];
  private readonly transactionIds: string[] = [];

  /** Creates a replay with its own empty store. */
  constructor(options: Partial<ReplayOptions> = {}) {
    this.store = new MemoryFeatureStore(options);
    this.delayMs = this.store.options.feedbackDelayMs;
    this.keepFromMs = options.keepFromMs ?? -Infinity;
    this.stopAtMs = options.stopAtMs ?? Infinity;
  }

  /** Feeds one row; returns false once the stream has passed `stopAtMs` (stop reading). */
  push(row: LabelledTransaction): boolean {
    const { tx, truth } = row;
    if (tx.event_time >= this.stopAtMs) return false;
    while (this.pendingHead < this.pending.length) {
      const next = this.pending[this.pendingHead];
      if (next === undefined || next.visibleAt > tx.event_time) break;
      this.store.applyLabelsSync([next.label]);
      this.pendingHead += 1;
    }
    if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
    const vector = this.store.computeOne(tx);
    if (truth.is_fraud) {
      this.pending.push({
        visibleAt: tx.event_time + this.delayMs,
        label: {
          transaction_id: tx.transaction_id,
          terminal_id: tx.terminal_id,
          customer_id: tx.customer_id,
          event_time: tx.event_time,
          is_fraud: true,
        },
      });
    }
    if (tx.event_time < this.keepFromMs) return true;
    if (this.rows === this.capacity) this.grow();
    const r = this.rows;
    this.features.set(vector, r * FEATURE_NAMES.length);
    this.eventTime[r] = tx.event_time;
    this.isFraud[r] = truth.is_fraud ? 1 : 0;
    this.scenario[r] = truth.scenario ?? -1;
    let c = this.customerIndex.get(tx.customer_id);
    if (c === undefined) {
      c = this.customers.length;
      this.customers.push(tx.customer_id);
      this.customerIndex.set(tx.customer_id, c);
    }
    this.customer[r] = c;
    this.transactionIds.push(tx.transaction_id);
    this.rows += 1;
    return true;
  }

  /** The rows kept so far (views trimmed to the row count). */
  result(): FeatureTable {
    const n = this.rows;
    return {
      featureNames: FEATURE_NAMES,
      features: this.features.slice(0, n * FEATURE_NAMES.length),
      rows: n,
      eventTime: this.eventTime.slice(0, n),
      isFraud: this.isFraud.slice(0, n),
      scenario: this.scenario.slice(0, n),
      customer: this.customer.slice(0, n),
      customers: this.customers.slice(),
      transactionIds: this.transactionIds.slice(),
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const f = new Float32Array(this.capacity * FEATURE_NAMES.length);
    f.set(this.features);
    this.features = f;
    const t = new Float64Array(this.capacity);
    t.set(this.eventTime);
    this.eventTime = t;
    const y = new Uint8Array(this.capacity);
    y.set(this.isFraud);
    this.isFraud = y;
    const s = new Int8Array(this.capacity);
    s.set(this.scenario);
    this.scenario = s;
    const c = new Int32Array(this.capacity);
    c.set(this.customer);
    this.customer = c;
  }
}

/** Replays a synchronous stream (e.g. the simulator's generator) into a FeatureTable. */
export function replayFeatures(
  rows: Iterable<LabelledTransaction>,
  options: Partial<ReplayOptions> = {},
): FeatureTable {
  const replay = new FeatureReplay(options);
  for (const row of rows) if (!replay.push(row)) break;
  return replay.result();
}

/** Replays an asynchronous stream (e.g. a CSV file being read) into a FeatureTable. */
export async function replayFeaturesAsync(
  rows: AsyncIterable<LabelledTransaction>,
  options: Partial<ReplayOptions> = {},
): Promise<FeatureTable> {
  const replay = new FeatureReplay(options);
  for await (const row of rows) if (!replay.push(row)) break;
  return replay.result();
}
