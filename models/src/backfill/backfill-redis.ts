import type { LabelledTransaction } from '@fraudstream/simulator';
import { modelVersionDir, readManifest } from '../model/artifact';
import type { BackfillOptions, BackfillSummary } from './backfill';
import { backfillFeatures } from './backfill';
import { RedisFeatureStore } from '../features/redis-store';

/** Where a backfill writes: the workers' Redis, key prefix and model. */
export interface RedisBackfillTarget {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  /**
   * The model whose feature settings the workers use: a model store (version directories and a
   * CURRENT file, like FS_MODEL_DIR) or one version's directory; undefined: the default model.
   */
  readonly modelDir: string | undefined;
  /** Life of each backfilled transaction's idempotency record, ms. */
  readonly recordTtlMs: number;
}

/** A backfill's summary with the model whose feature settings it used. */
export interface RedisBackfillSummary extends BackfillSummary {
  readonly modelVersion: string;
  readonly seconds: number;
}

/**
 * Backfills `rows` into the workers' Redis feature state, with the feature settings (bucket
 * widths, delay) of the model the workers score with: state written with other settings would be
 * read wrongly.
 */
export async function backfillRedis(
  rows: Iterable<LabelledTransaction> | AsyncIterable<LabelledTransaction>,
  target: RedisBackfillTarget,
  options: Partial<BackfillOptions> = {},
): Promise<RedisBackfillSummary> {
  const { featureOptions, version } = await readManifest(await modelVersionDir(target.modelDir));
  const store = new RedisFeatureStore({
    ...featureOptions,
    url: target.redisUrl,
    keyPrefix: target.keyPrefix,
    txRecordTtlMs: target.recordTtlMs,
  });
  const started = Date.now();
  try {
    // An unreachable Redis fails here, before any history is generated or read.
    await store.ping();
    const summary = await backfillFeatures(store, rows, options);
    return { ...summary, modelVersion: version, seconds: (Date.now() - started) / 1000 };
  } finally {
    await store.close();
  }
}
