import type { CompiledFeatureOptions } from './options';
import type { FeatureInput, FeatureLabel, LabelResult } from './types';

/**
 * Where feature state lives: in memory for offline replay, in Redis online. Both read the same
 * time buckets and feed the same `computeFeatureVector`, so they return the same vectors.
 */
export interface FeatureStore {
  /** The options the store computes with. */
  readonly options: CompiledFeatureOptions;
  /**
   * Feature vectors of a batch, in order (rows of FEATURE_NAMES), recording each transaction.
   * Idempotent per transaction id: a repeated id is not counted again and gets the vector it
   * got the first time.
   */
  computeBatch(txs: readonly FeatureInput[]): Promise<Float32Array[]>;
  /** Feeds confirmed outcomes to the terminal windows; idempotent per transaction id. */
  applyLabels(labels: readonly FeatureLabel[]): Promise<LabelResult>;
  /** Releases connections; safe to call twice. */
  close(): Promise<void>;
}
