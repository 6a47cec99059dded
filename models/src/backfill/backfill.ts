// Feature state from labelled history. A fleet that starts on an empty feature store scores its
// first weeks blind: every card looks new, every terminal clean, and the model (trained on
// months of history) sees inputs it never saw in training. Backfilling runs the history through
// the store's own computeBatch and applyLabels, the same calls the workers make, so the state
// it leaves is the state the workers would have built had they scored that history live.
import type { LabelledTransaction } from '@fraudstream/simulator';
import { FeatureStoreError } from '../errors';
import type { FeatureStore } from '../features/store';
import type { FeatureInput, FeatureLabel } from '../features/types';

/** Options of {@link backfillFeatures}. */
export interface BackfillOptions {
  /** Transactions per store call. @defaultValue 500 */
  batchSize: number;
  /** Stop at the first transaction at or after this event time (epoch ms). @defaultValue Infinity */
  stopAtMs: number;
  /** Told after each batch with the transactions written so far. */
  onProgress?: (transactions: number) => void;
  /** Stops between batches; what was written stays written. */
  signal?: AbortSignal;
}

/** Defaults of {@link BackfillOptions}. */
export const DEFAULT_BACKFILL_OPTIONS: Readonly<Pick<BackfillOptions, 'batchSize' | 'stopAtMs'>> =
  Object.freeze({ batchSize: 500, stopAtMs: Infinity });

/** What a backfill wrote. */
export interface BackfillSummary {
  transactions: number;
  /** Fraud labels fed to the terminal windows (a repeated transaction id counts once). */
  labelsApplied: number;
  /** Event times of the first and last transaction written; NaN when none was. */
  firstEventMs: number;
  lastEventMs: number;
}

/**
 * Writes `rows` (in event-time order) into `store`: each transaction counted in its card and
 * terminal windows, each fraud's label in its terminal's. Labels go in with their batch, not
 * D days later as in the offline replay: a terminal window at t reads only buckets that end at or
 * before t − D, so no transaction reads a label earlier than the replay would have applied it,
 * and the vectors the store computes afterwards are the replay's (the parity test checks it).
 */
export async function backfillFeatures(
  store: FeatureStore,
  rows: Iterable<LabelledTransaction> | AsyncIterable<LabelledTransaction>,
  options: Partial<BackfillOptions> = {},
): Promise<BackfillSummary> {
  const o = { ...DEFAULT_BACKFILL_OPTIONS, ...options };
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new FeatureStoreError(
      'FS_FEATURE_OPTIONS',
      `batchSize: expected an integer ≥ 1, got ${String(o.batchSize)}`,
      false,
    );
  }
  const summary: BackfillSummary = {
    transactions: 0,
    labelsApplied: 0,
    firstEventMs: NaN,
    lastEventMs: NaN,
  };
  let txs: FeatureInput[] = [];
  let labels: FeatureLabel[] = [];
  const flush = async (): Promise<void> => {
    if (txs.length === 0) return;
    await store.computeBatch(txs);
    if (labels.length > 0) summary.labelsApplied += (await store.applyLabels(labels)).applied;
    summary.transactions += txs.length;
    txs = [];
    labels = [];
    o.onProgress?.(summary.transactions);
  };
  let previous = -Infinity;
  for await (const { tx, truth } of rows) {
    if (tx.event_time >= o.stopAtMs || o.signal?.aborted === true) break;
    if (tx.event_time < previous) {
      // Out-of-order history would be counted, but the windows of what came before it would
      // already have been read without it: refuse rather than leave subtly wrong state.
      throw new FeatureStoreError(
        'FS_FEATURE_BACKFILL_ORDER',
        `transaction ${tx.transaction_id} at ${new Date(tx.event_time).toISOString()} comes ` +
          `after one at ${new Date(previous).toISOString()}: history must be in event-time order`,
        false,
      );
    }
    previous = tx.event_time;
    if (Number.isNaN(summary.firstEventMs)) summary.firstEventMs = tx.event_time;
    summary.lastEventMs = tx.event_time;
    txs.push({
      transaction_id: tx.transaction_id,
      event_time: tx.event_time,
      customer_id: tx.customer_id,
      terminal_id: tx.terminal_id,
      amount: tx.amount,
    });
    if (truth.is_fraud) {
      labels.push({
        transaction_id: tx.transaction_id,
        terminal_id: tx.terminal_id,
        customer_id: tx.customer_id,
        event_time: tx.event_time,
        is_fraud: true,
      });
    }
    if (txs.length >= o.batchSize) await flush();
  }
  await flush();
  return summary;
}
