// Training entry point of @fraudstream/models (`@fraudstream/models/training`): training,
// offline replay, evaluation and its reports, feature backfill, and their CLI subcommands.

// Features replayed offline and backfilled into Redis.
export type { BackfillOptions, BackfillSummary } from './backfill/backfill';
export { DEFAULT_BACKFILL_OPTIONS, backfillFeatures } from './backfill/backfill';
export type { RedisBackfillSummary, RedisBackfillTarget } from './backfill/backfill-redis';
export { backfillRedis } from './backfill/backfill-redis';
export type { FeatureTable, ReplayOptions } from './features/replay';
export { FeatureReplay, replayFeatures, replayFeaturesAsync } from './features/replay';
export type {
  ClosedLoopOptions,
  ClosedLoopScorer,
  ReplayedVerdict,
} from './evaluation/closed-loop-replay';
export { ClosedLoopReplay, DEFAULT_CLOSED_LOOP_OPTIONS } from './evaluation/closed-loop-replay';

// Model training.
export type { TrainingOptions } from './model/training-options';
export { DEFAULT_TRAINING_OPTIONS, compileTrainingOptions } from './model/training-options';
export type { EpochCallback } from './model/train';
export { buildNetwork, mergeEnsemble, trainNetwork } from './model/train';
export { fitNormalisation } from './model/normalisation';
export { chooseThresholds } from './evaluation/choose-thresholds';
export type { EvaluationFixture } from './evaluation/fixture';
export { readEvaluationFixture, writeEvaluationFixture } from './evaluation/fixture';
export { saveModelArtifact } from './model/artifact';

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

// CLI subcommands (wired into `fraudstream` by @fraudstream/cli).
export { BACKFILL_FLAGS, backfillCommand } from './cli/backfill-command';
export { EVALUATE_FLAGS, evaluateCommand } from './cli/evaluate-command';
export { TRAIN_FLAGS, trainCommand } from './cli/train-command';
