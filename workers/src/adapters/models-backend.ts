// The adapter between the worker's ports and @fraudstream/models: the Redis feature store (one
// pipelined round trip per chunk, atomic and idempotent per transaction), the stateless feature
// vectors of degraded mode, and the TF.js model loader (load, warm up, score, explain).
// The models package is loaded lazily so that `fraudstream --help` and `doctor` never load TF.
import { basename } from 'node:path';
import type { FeatureOptions, Scorer } from '@fraudstream/models';
import type * as ModelsModule from '@fraudstream/models';
import { currencyExponent } from '@fraudstream/schemas';
import type Redis from 'ioredis';
import type { WorkerConfig } from '../config/worker-config';
import { ModelLoadError } from '../errors';
import type { Logger } from '../logging/logger';
import type { LoadedModel, ModelLoader } from '../model-registry/model-registry';
import type { Transaction } from '../pipeline/contracts';
import type { FeatureInput } from '../pipeline/feature-stage';
import type { Decision, ReasonCode } from '../pipeline/score-stage';
import type { FeatureBackend, FeatureBackendFactory } from '../worker-dependencies';

type ModelsPackage = typeof ModelsModule;

/** What `ScoringWorker.start` needs from the models package. */
export interface ModelBackends {
  readonly features: FeatureBackendFactory;
  readonly modelLoader: ModelLoader;
  readonly defaultModelDir: string;
}

/** Rows of the warm-up inference: the first real batch must not pay for kernel set-up. */
const WARMUP_ROWS = 64;

/** Reason codes per flagged verdict. */
const REASONS_PER_VERDICT = 3;

/** A models-package Scorer behind the worker's model port. */
export class TfModel implements LoadedModel {
  /** The version directory's name, as the Verdict's `model_version` documents it. */
  readonly version: string;
  readonly thresholds: Readonly<{ review: number; decline: number }>;
  private readonly featureIndex: ReadonlyMap<string, number>;

  /** Wraps a loaded scorer from `dir`. */
  constructor(
    private readonly scorer: Scorer,
    dir: string,
  ) {
    this.version = basename(dir);
    this.thresholds = scorer.thresholds;
    this.featureIndex = new Map(scorer.featureNames.map((name, i) => [name, i]));
  }

  /** The features the model takes, in input order. */
  get featureNames(): readonly string[] {
    return this.scorer.featureNames;
  }

  /** The feature computation the model was trained with. */
  get featureOptions(): FeatureOptions {
    return this.scorer.manifest.featureOptions;
  }

  /** One inference call for the batch (the Scorer disposes its tensors inside tf.tidy). */
  score(vectors: readonly Float32Array[]): Promise<Float32Array> {
    return Promise.resolve(this.scorer.scoreBatch(vectors));
  }

  decide(score: number): Decision {
    return this.scorer.decide(score);
  }

  /** Reasons for the REVIEW and DECLINE rows only: the verdicts an analyst reads. */
  explain(vectors: readonly Float32Array[], scores: ArrayLike<number>): ReasonCode[][] {
    const out: ReasonCode[][] = vectors.map(() => []);
    const flagged: number[] = [];
    for (let i = 0; i < vectors.length; i += 1)
      if ((scores[i] ?? 0) >= this.thresholds.review) flagged.push(i);
    if (flagged.length === 0) return out;
    const rows = flagged.map((i) => vectors[i] ?? new Float32Array(0));
    const explained = this.scorer.explainBatch(rows, REASONS_PER_VERDICT);
    flagged.forEach((row, k) => {
      const vector = vectors[row];
      out[row] = (explained[k] ?? []).map((r) => ({
        feature: r.feature,
        value: vector?.[this.featureIndex.get(r.feature) ?? -1] ?? 0,
        contribution: r.contribution,
      }));
    });
    return out;
  }

  /** Runs a first inference and a first explanation, so the first real batch is not slow. */
  warmUp(): void {
    const rows = Array.from(
      { length: WARMUP_ROWS },
      () => new Float32Array(this.scorer.featureNames.length),
    );
    this.scorer.scoreBatch(rows);
    this.scorer.explainBatch(rows.slice(0, 1), REASONS_PER_VERDICT);
  }

  dispose(): void {
    this.scorer.dispose();
  }
}

/** The production backends: the models package's Redis store and TF.js loader. */
export async function loadModelBackends(
  _config: WorkerConfig,
  logger: Logger,
): Promise<ModelBackends> {
  const models: ModelsPackage = await import('@fraudstream/models');
  let featureOptions: FeatureOptions | undefined;
  const modelLoader: ModelLoader = {
    async load(dir) {
      const model = new TfModel(await models.loadModel(dir), dir);
      try {
        // A model trained on another feature list would reject (or worse, misread) every vector.
        const expected = models.FEATURE_NAMES;
        const names = model.featureNames;
        if (names.length !== expected.length || names.some((n, i) => n !== expected[i])) {
          throw new ModelLoadError(
            dir,
            `expects features [${names.join(', ')}], but this worker computes [${expected.join(', ')}]; retrain the model or deploy the matching worker`,
          );
        }
        // The feature state is computed one way for the whole fleet; a model that expects
        // another computation would be fed vectors it was not trained on.
        if (featureOptions !== undefined && !sameOptions(featureOptions, model.featureOptions)) {
          throw new ModelLoadError(
            dir,
            `trained with feature options ${JSON.stringify(model.featureOptions)}, but the running feature store computes ${JSON.stringify(featureOptions)}; restart the workers to change the feature computation`,
          );
        }
        model.warmUp();
      } catch (error: unknown) {
        model.dispose();
        throw error;
      }
      return model;
    },
  };
  return {
    defaultModelDir: models.defaultArtifactsRoot(),
    modelLoader,
    features: (redis, config, champion) => {
      featureOptions =
        champion instanceof TfModel ? champion.featureOptions : models.DEFAULT_FEATURE_OPTIONS;
      logger.info('feature computation', { component: 'features', featureOptions });
      return Promise.resolve(redisFeatures(models, redis, config, featureOptions));
    },
  };
}

/** The transaction as the features see it: the amount in major units of its currency. */
export function featureInputOf(tx: Transaction): FeatureInput {
  // Validation already refused unknown currencies, so the exponent is always known here.
  const exponent = currencyExponent(tx.currency);
  return {
    transaction_id: tx.transaction_id,
    event_time: tx.event_time,
    customer_id: tx.customer_id,
    terminal_id: tx.terminal_id,
    amount: tx.amount_minor / 10 ** exponent,
  };
}

function redisFeatures(
  models: ModelsPackage,
  redis: Redis,
  config: WorkerConfig,
  options: FeatureOptions,
): FeatureBackend {
  const store = new models.RedisFeatureStore(
    {
      ...options,
      keyPrefix: config.featureKeyPrefix,
      txRecordTtlMs: config.featureRecordTtlMs,
      commandTimeoutMs: config.redisCommandTimeoutMs,
    },
    redis,
  );
  return {
    computeBatch: (inputs) => store.computeBatch(inputs),
    // The vector of a card's first transaction on a terminal without history: the one
    // computation, fed empty windows (a fresh in-memory store per transaction).
    statelessBatch: (inputs) =>
      inputs.map((tx) => Float32Array.from(new models.MemoryFeatureStore(options).computeOne(tx))),
    inputOf: featureInputOf,
    applyLabels: (labels) => store.applyLabels(labels),
    close: () => store.close(),
  };
}

function sameOptions(a: FeatureOptions, b: FeatureOptions): boolean {
  return (
    a.feedbackDelayDays === b.feedbackDelayDays &&
    a.customerBucketMs === b.customerBucketMs &&
    a.terminalBucketMs === b.terminalBucketMs
  );
}
