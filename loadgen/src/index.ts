// Public entry point of @fraudstream/loadgen.
export type { LoadgenErrorCode } from './errors';
export { LoadgenError } from './errors';

// Load generator, case management, measurements, benchmarks and their reports (issue #7).
export { runLoad } from './load/run-load';
// Backtest (issue #20): a labelled history through the live fleet on its own clock, against the
// offline replay with the same label timing.
export { runBacktest } from './backtest/run-backtest';
export type {
  BacktestOptions,
  CompiledBacktestSettings,
  FeatureStateTarget,
} from './backtest/backtest-options';
export { DEFAULT_BACKTEST_OPTIONS, compileBacktestSettings } from './backtest/backtest-options';
export type { BacktestReport, ComparedFigure, NoiseBound } from './backtest/backtest-report';
export { COMPARED_FIGURES, backtestFigures } from './backtest/backtest-report';
export { renderBacktestSummary } from './report/backtest-summary-markdown';
export type { AgreementFigures, DayFigures, ScoredBand } from './backtest/backtest-tally';
export { BacktestTally } from './backtest/backtest-tally';
export type { ReplayPace } from './backtest/replay-clock';
export { ReplayClock } from './backtest/replay-clock';
export type { SourceScan, WindowSpec } from './backtest/scan-source';
export { scanSource } from './backtest/scan-source';
export type { SourcedRow, TransactionSource } from './backtest/transaction-source';
export { csvTransactionSource, simulatedTransactionSource } from './backtest/transaction-source';
export type { EventTimeMode, LoadOptions, LoadTopics, PhaseCheck } from './load/load-options';
export { DEFAULT_LOAD_OPTIONS, DEFAULT_LOAD_TOPICS } from './load/load-options';
export type { RampStep, RatePhase, RateProfile } from './load/rate-profile';
export type {
  ListedTransaction,
  LoadObserver,
  LoadProgress,
  LatencyHops,
  LoadReport,
  PhaseReport,
  SeriesPoint,
  StopReason,
} from './load/load-report';
export type {
  DeadLetterRead,
  DecisionRead,
  FraudLabelRecord,
  LoadCodec,
  SendTracing,
  TraceSend,
  TransactionRecord,
  WorkerTimes,
} from './wire/wire-codec';
export { AvroLoadCodec } from './load/avro-load-codec';
export type { LoadErrorCode } from './errors';
export {
  BenchmarkBackendError,
  CpuProfileFormatError,
  FaultNotRestoredError,
  FleetNotReadyError,
  LOAD_ERROR_CODES,
  LoadError,
  LoadAbortedError,
  LoadKafkaError,
  LoadOptionsError,
  StackUnavailableError,
} from './errors';
export type { DecisionBand } from './measure/run-ledger';
export type { LatencySummary } from './measure/latency-histogram';
export type { QualitySummary } from './measure/quality-tally';
export type { CpuSample, WatchedProcess } from './measure/cpu-sampler';
export type { MachineInfo } from './measure/machine-info';
export { describeMachine } from './measure/machine-info';
export type { LabelSource } from './case-management/case-desk';
export { runBench } from './bench/run-bench';
export { backfillFleetHistory, startFleet } from './bench/fleet';
export type { Fleet, FleetSpec } from './bench/fleet';
export type { BenchLoadOptions, BenchOptions, BenchScenario } from './bench/bench-options';
export { BENCH_SCENARIOS, DEFAULT_BENCH_OPTIONS } from './bench/bench-options';
export type { BenchFigures, BenchResult, BenchRun, TargetCheck } from './bench/bench-result';
export { NO_LATENCY_FIGURES, median } from './bench/bench-result';
// `fraudstream bench chaos`: worker, Kafka, Redis, poison-input and bad-model faults under a steady load.
export { runChaos } from './chaos/run-chaos';
export type { ChaosClientRun, ChaosResult } from './chaos/run-chaos';
export type { ChaosOptions, FaultKind, GroupProtocol } from './chaos/chaos-options';
export { FAULT_KINDS, compileChaosOptions } from './chaos/chaos-options';
export type {
  ChaosFigures,
  FaultAction,
  FaultFigures,
  FaultTarget,
  FaultWindow,
} from './chaos/chaos-figures';
export { reduceChaos } from './chaos/chaos-figures';
export type { PoisonFigures, PoisonFlag } from './chaos/poison-figures';
export { planFaults } from './chaos/fault-schedule';
export type { FaultSchedule, FaultStep } from './chaos/fault-schedule';
export { CHAOS_FLAGS, chaosBenchmark } from './chaos/chaos-command';
// `fraudstream bench closed-loop` (issue #19): simulated weeks through the fleet, labels only through the loop.
export { runClosedLoop, closedLoopModelStore } from './closed-loop/run-closed-loop';
export type { ClosedLoopResult } from './closed-loop/run-closed-loop';
export type {
  ClosedLoopOptions,
  CompiledClosedLoopOptions,
} from './closed-loop/closed-loop-options';
export {
  DEFAULT_CLOSED_LOOP_OPTIONS,
  SMOKE_CLOSED_LOOP_OPTIONS,
  compileClosedLoopOptions,
} from './closed-loop/closed-loop-options';
export type {
  ClosedLoopDay,
  ClosedLoopTarget,
  SideFigures,
  TargetOutcome,
} from './closed-loop/closed-loop-days';
export {
  CLOSED_LOOP_TARGET,
  addQuality,
  closedLoopDays,
  judgeTarget,
} from './closed-loop/closed-loop-days';
export {
  CLOSED_LOOP_FLAGS,
  closedLoopBenchmark,
  closedLoopJson,
  writeClosedLoopReport,
} from './cli/closed-loop-command';
export { renderClosedLoopSummary } from './report/closed-loop-markdown';
export type {
  StartWorker,
  WarmFeatureSpec,
  WarmFeatureState,
  WorkerCpuProfile,
  WorkerEnv,
  WorkerExit,
  WorkerHandle,
} from './bench/bench-types';
export { cpuProfileNodeArgs } from './bench/bench-types';
export type {
  CpuProfile,
  CpuProfileNode,
  CpuProfileSummary,
  CpuProfileSummaryOptions,
  FunctionTime,
  PackageTime,
} from './bench/cpu-profile';
export {
  PROFILE_GROUPS,
  displayFile,
  packageOf,
  parseCpuProfile,
  summariseCpuProfile,
} from './bench/cpu-profile';
export type { CompactProfile, WorkerProfile } from './bench/worker-profiles';
export { compactProfile, readWorkerProfile } from './bench/worker-profiles';
export { CPU_PROFILE_SECTION_TITLE } from './report/cpu-profile-markdown';
export { startPassthroughWorker } from './bench/passthrough-worker';
export { forkPassthroughWorker } from './bench/passthrough-process';
export type { PassthroughMode } from './bench/passthrough-process';
export { LOADGEN_FLAGS, loadgenCommand } from './cli/loadgen-command';
export type { LoadgenCommandDeps } from './cli/loadgen-command';
export { BENCH_FLAGS, benchCommand } from './cli/bench-command';
export type { BenchCommandDeps, MicroBenchmark } from './cli/bench-command';
export { loadSummaryLines, progressLines, terminalProgress } from './cli/progress';
export type { ProgressSink } from './cli/progress';
export { renderLoadPlots } from './report/load-plots';
export {
  reportDir,
  writeBacktestReport,
  writeBenchReport,
  writeLoadReport,
} from './report/write-report';
export type { PlotRenderer, RenderedPlot } from './report/write-report';
export {
  REFERENCE_SUMMARY,
  SIMULATE_FLAGS,
  formatSummary,
  simulateCommand,
} from './cli/simulate-command';

// Micro-benchmarks (`fraudstream bench features|inference`).
export type { PairedSummary, RoundSample, Side } from './micro-bench/ab-rounds';
export { callsPerBlock, roundOrder, runAlternating, summarisePairs } from './micro-bench/ab-rounds';
export type {
  InferenceBenchOptions,
  InferenceBenchResult,
  InferencePath,
  InferenceRow,
  TfBackendName,
} from './micro-bench/inference-bench';
export {
  DEFAULT_INFERENCE_BENCH_OPTIONS,
  SMOKE_INFERENCE_BENCH_OPTIONS,
  runInferenceBench,
} from './micro-bench/inference-bench';
export type { FeaturesBenchOptions, FeaturesBenchResult } from './micro-bench/features-bench';
export {
  DEFAULT_FEATURES_BENCH_OPTIONS,
  KEYS_PER_TRANSACTION,
  SMOKE_FEATURES_BENCH_OPTIONS,
  runFeaturesBench,
} from './micro-bench/features-bench';
export type { MicroBenchIo } from './micro-bench/micro-report';
export {
  FEATURES_BENCH_FLAGS,
  INFERENCE_BENCH_FLAGS,
  KAFKA_API_BENCH_FLAGS,
  featuresBenchmark,
  inferenceBenchmark,
  kafkaApiBenchmark,
} from './micro-bench/micro-bench-commands';

// `fraudstream` subcommands of this package, wired with the worker's telemetry and launcher.
export {
  MICRO_BENCHMARKS,
  benchCliCommand,
  loadgenCliCommand,
  warmBenchFeatureState,
  withLoadTelemetry,
} from './cli/load-commands';
export { DEMO_FLAGS, demoCommand } from './cli/demo-command';
export { processWorkerLauncher } from './cli/worker-launcher';
export type { LaunchOptions } from './cli/worker-launcher';
