// Public entry point of @fraudstream/models.

// Errors (codes listed in models/README.md).
export type { ModelErrorCode } from './errors';
export {
  BenchmarkBackendError,
  EvaluationError,
  FeatureStoreError,
  MODEL_ERROR_CODES,
  ModelArtifactError,
  ModelInputError,
  ModelsError,
  TfBackendError,
  TrainingError,
  UsageError,
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
  RedisFeatureStore,
  toFeatureStoreError,
} from './features/redis-store';
export type { BackfillOptions, BackfillSummary } from './features/backfill';
export { DEFAULT_BACKFILL_OPTIONS, backfillFeatures } from './features/backfill';
export type { RedisBackfillSummary, RedisBackfillTarget } from './features/backfill-redis';
export { backfillRedis } from './features/backfill-redis';
export type { FeatureTable, ReplayOptions } from './features/replay';
export { FeatureReplay, replayFeatures, replayFeaturesAsync } from './features/replay';

// Model: training, artifacts, scoring.
export type { Tf } from './model/tf';
export { assertNativeBackend, loadTf } from './model/tf';
export type { TrainingOptions } from './model/training-options';
export { DEFAULT_TRAINING_OPTIONS, compileTrainingOptions } from './model/training-options';
export type { EpochCallback } from './model/train';
export { buildNetwork, mergeEnsemble, trainNetwork } from './model/train';
export type { Normalisation } from './model/normalisation';
export { applyNormalisation, fitNormalisation } from './model/normalisation';
export type { Decision, ThresholdTargets, Thresholds } from './model/thresholds';
export { DEFAULT_THRESHOLD_TARGETS, chooseThresholds, decide } from './model/thresholds';
export type { AcceptanceMetrics, ModelManifest } from './model/manifest';
export { MANIFEST_FORMAT } from './model/manifest';
export type { FeatureRows, ReasonCode } from './model/scorer';
export { Scorer } from './model/scorer';
export type { EvaluationFixture } from './model/fixture';
export { readEvaluationFixture, writeEvaluationFixture } from './model/fixture';
export {
  CURRENT_FILE,
  currentModelDir,
  defaultArtifactsRoot,
  loadModel,
  readManifest,
  saveModelArtifact,
} from './model/artifact';

// Evaluation: metrics, protocol, experiment, reports.
export type { PrPoint } from './evaluation/metrics';
export {
  aucRoc,
  averagePrecision,
  bestPrecisionAtRecall,
  bestRecallAtPrecision,
  cardPrecisionAtK,
  precisionRecallAt,
  precisionRecallCurve,
} from './evaluation/metrics';
export type { Fold, ProtocolOptions } from './evaluation/protocol';
export { DEFAULT_PROTOCOL_OPTIONS, buildFolds, protocolRangeMs } from './evaluation/protocol';
export type { DataSource, LoadedDataset } from './evaluation/dataset';
export { loadDataset, sha256File } from './evaluation/dataset';
export type {
  ExperimentOptions,
  ExperimentSummary,
  FoldMetrics,
  MeanStd,
  TrainedFold,
} from './evaluation/experiment';
export { runExperiment, summarise } from './evaluation/experiment';
export type {
  OracleBoundOptions,
  OracleBoundSummary,
  OracleFoldBound,
  OracleRows,
} from './evaluation/oracle-bound';
export {
  DEFAULT_ORACLE_BOUND_OPTIONS,
  ORACLE_BOUND_DEFINITION,
  expectedAveragePrecision,
  oracleBound,
  oracleBoundForFolds,
} from './evaluation/oracle-bound';
export type { TerminalTrace } from './evaluation/terminal-trace';
export { REFERENCE_RESULTS, TARGETS } from './evaluation/reference';
export { writeEvaluationReport } from './evaluation/report';

// Micro-benchmarks (`fraudstream bench inference|features`, injected by @fraudstream/workers).
export type { PairedSummary, RoundSample, Side } from './bench/ab-rounds';
export { callsPerBlock, roundOrder, runAlternating, summarisePairs } from './bench/ab-rounds';
export type {
  InferenceBenchOptions,
  InferenceBenchResult,
  InferencePath,
  InferenceRow,
  TfBackendName,
} from './bench/inference-bench';
export {
  DEFAULT_INFERENCE_BENCH_OPTIONS,
  SMOKE_INFERENCE_BENCH_OPTIONS,
  runInferenceBench,
} from './bench/inference-bench';
export type { FeaturesBenchOptions, FeaturesBenchResult } from './bench/features-bench';
export {
  DEFAULT_FEATURES_BENCH_OPTIONS,
  KEYS_PER_TRANSACTION,
  SMOKE_FEATURES_BENCH_OPTIONS,
  runFeaturesBench,
} from './bench/features-bench';
export type { MicroBenchIo } from './bench/micro-report';
export { featuresBenchmark, inferenceBenchmark } from './bench/micro-bench-commands';

// CLI subcommands (wired into `fraudstream` by @fraudstream/workers).
export { backfillCommand } from './cli/backfill-command';
export { evaluateCommand } from './cli/evaluate-command';
export { trainCommand } from './cli/train-command';
