// Stage 2: read and update the online features of the whole batch in one pipelined Redis round
// trip (the store is atomic and idempotent per transaction id, so a redelivered transaction is
// never counted twice and gets back the vector it got the first time).
import { InternalStageError, RedisUnavailableError, TransientStageError } from '../errors';
import type { Transaction } from './contracts';
import { classifyFailure } from './failure';
import type { DecodedRecord } from './types';

/** What the features need of a transaction (the models package's `FeatureInput`). */
export interface FeatureInput {
  transaction_id: string;
  event_time: number;
  customer_id: string;
  terminal_id: string;
  /** Amount in major units. */
  amount: number;
}

/** What the feature stage needs from @fraudstream/models (adapters/models-backend.ts). */
export interface OnlineFeatures {
  /** Feature vectors in batch order, each transaction recorded; idempotent per transaction id. */
  computeBatch(inputs: readonly FeatureInput[]): Promise<Float32Array[]>;
  /** Vectors from the transactions alone, no state (degraded mode); synchronous, no I/O. */
  statelessBatch(inputs: readonly FeatureInput[]): Float32Array[];
  /** The transaction as the features see it (amount in major units of its currency). */
  inputOf(tx: Transaction): FeatureInput;
}

/** Feature vectors of a batch; `degraded` names why state was not used, or is null. */
export interface FeatureResult {
  readonly vectors: readonly Float32Array[];
  readonly degraded: string | null;
}

/** Stage 2 of the pipeline. */
export interface FeatureStage {
  run(batch: readonly DecodedRecord[]): Promise<FeatureResult>;
}

/** Options of {@link createFeatureStage}. */
export interface FeatureStageOptions {
  readonly features: OnlineFeatures;
  /** Score from the transaction alone when Redis is unreachable, instead of pausing. @defaultValue false */
  readonly degradedMode?: boolean;
}

/**
 * The feature stage. Throws RedisUnavailableError (pause), TransientStageError (retry) or
 * InternalStageError (dead letter).
 */
export function createFeatureStage(options: FeatureStageOptions): FeatureStage {
  const { features } = options;
  const degradedMode = options.degradedMode ?? false;
  return {
    async run(batch) {
      const inputs = batch.map((d) => features.inputOf(d.tx));
      try {
        const vectors = await features.computeBatch(inputs);
        if (vectors.length !== inputs.length) {
          throw new InternalStageError('features', {
            cause: new RangeError(`${vectors.length} vectors for ${inputs.length} transactions`),
          });
        }
        return { vectors, degraded: null };
      } catch (error: unknown) {
        if (error instanceof InternalStageError) throw error;
        switch (classifyFailure(error)) {
          case 'redis-unavailable':
            if (degradedMode)
              return { vectors: features.statelessBatch(inputs), degraded: 'FS_REDIS_UNAVAILABLE' };
            throw new RedisUnavailableError('feature store', { cause: error });
          case 'transient':
            throw new TransientStageError('FS_FEATURES_FAILED', 'feature round trip failed', {
              cause: error,
            });
          default:
            throw new InternalStageError('features', { cause: error });
        }
      }
    },
  };
}
