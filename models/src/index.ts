// Public entry point of @fraudstream/models: what the scoring worker needs at run time (features,
// model artifacts, scoring). Training, evaluation and backfill are `@fraudstream/models/training`,
// which the worker never loads.

// Settings: the FS_* variables of the feature store and the model store (the workers' reuse them).
export { MODEL_SETTINGS } from './settings';

// Errors (codes listed in models/README.md).
export type { ModelErrorCode } from './errors';
export {
  EvaluationError,
  FeatureStoreError,
  MODEL_ERROR_CODES,
  ModelArtifactError,
  ModelInputError,
  ModelsError,
  TfBackendError,
  TrainingError,
} from './errors';

// Features: one computation, two stores.
export type { FeatureName } from './features/definitions';
export {
  BASELINE_FEATURES,
  EXTRA_FEATURES,
  FEATURE_NAMES,
  HIGH_AMOUNT_RATIO,
  NO_FRAUD_AGE_DAYS,
  WINDOW_DAYS,
} from './features/definitions';
export type { CompiledFeatureOptions, FeatureOptions } from './features/options';
export { DEFAULT_FEATURE_OPTIONS, compileFeatureOptions } from './features/options';
export type { BucketPlan } from './features/buckets';
export { planBuckets, toCents } from './features/buckets';
export { computeFeatureVector } from './features/compute';
export type { FeatureInput, FeatureLabel, LabelResult, WindowAggregates } from './features/types';
export type { FeatureStore } from './features/store';
export type { MemoryFeatureStoreOptions } from './features/memory-store';
export { DEFAULT_MEMORY_FEATURE_STORE_OPTIONS, MemoryFeatureStore } from './features/memory-store';
export type { RedisFeatureStoreOptions } from './features/redis-store';
export {
  DEFAULT_REDIS_FEATURE_STORE_OPTIONS,
  REDIS_UNAVAILABLE_REPLIES,
  RedisFeatureStore,
  redisUnavailableReply,
  toFeatureStoreError,
} from './features/redis-store';

// Model: artifacts and scoring.
export type { Tf } from './model/tf';
export { assertNativeBackend, loadTf } from './model/tf';
export type { Normalisation } from './model/normalisation';
export { applyNormalisation } from './model/normalisation';
export type { Decision, ThresholdTargets, Thresholds } from './model/thresholds';
export { DEFAULT_THRESHOLD_TARGETS, decide } from './model/thresholds';
export type { AcceptanceMetrics, ModelManifest } from './model/manifest';
export { MANIFEST_FORMAT } from './model/manifest';
export type { FeatureRows, ReasonCode } from './model/scorer';
export { Scorer } from './model/scorer';
export {
  CURRENT_FILE,
  currentModelDir,
  defaultArtifactsRoot,
  loadModel,
  modelVersionDir,
  readManifest,
} from './model/artifact';

// Scheduling by due time (case management on a replayed clock).
export type { DueEntry } from './scheduling/due-heap';
export { DueHeap } from './scheduling/due-heap';
