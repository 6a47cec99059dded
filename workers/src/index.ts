// Public entry point of @fraudstream/workers: the scoring fleet and the fraudstream CLI.
export {
  WorkerError,
  ConfigError,
  RedisUnavailableError,
  TransientStageError,
  InternalStageError,
  RecordTooLargeError,
  RetryEnqueueError,
  RetryExhaustedError,
  RetryStalledError,
  RetryJobLostError,
  ModelLoadError,
  KafkaCrashError,
  KafkaSecurityError,
  ShutdownTimeoutError,
  WORKER_ERROR_CODES,
} from './errors';
export type { WorkerErrorCode } from './errors';
export { DEFAULT_SERVICE_ENDPOINTS, SERVICE_SETTINGS, loadServiceEndpoints } from './config/env';
export type { Env, ServiceEndpoints } from './config/env';
export {
  KAFKA_SECURITY_PROTOCOLS,
  KAFKA_SECURITY_SETTINGS,
  SASL_MECHANISMS,
} from './kafka/kafka-security-settings';
export type { KafkaSecurityProtocol, SaslMechanism } from './kafka/kafka-security-settings';
export { REDIS_SECURITY_SETTINGS } from './config/redis-security-settings';
export { redisSecurityOptions } from './redis/redis-tls';
export type { RedisSecurityOptions, RedisSecurityValues } from './redis/redis-tls';
export type { KafkaClientName } from './kafka/kafka-client';
export { runDoctor } from './doctor/checks';
export type { DoctorReport, CheckResult } from './doctor/checks';

// The scoring worker.
export { ScoringWorker } from './worker';
export type {
  WorkerDependencies,
  FeatureBackend,
  FeatureBackendFactory,
} from './worker-dependencies';
export {
  DEFAULT_WORKER_OPTIONS,
  WORKER_SETTINGS,
  compileWorkerConfig,
  defaultInstanceId,
  loadWorkerConfig,
  workerOptionsFromEnv,
} from './config/worker-config';
export type { WorkerConfig, WorkerOptions } from './config/worker-config';
export { loadModelBackends, featureInputOf } from './adapters/models-backend';
export type { ModelBackends } from './adapters/models-backend';
export { SchemasCodec } from './adapters/schemas-codec';
export type { SchemasCodecOptions } from './adapters/schemas-codec';
export { ModelRegistry, POINTER_FILE } from './model-registry/model-registry';
export type {
  LoadedModel,
  ModelLease,
  ModelLoader,
  ModelProvider,
  ModelRegistryOptions,
} from './model-registry/model-registry';
export { ScoringPipeline, wrapStages } from './pipeline/pipeline';
export type {
  ChunkContext,
  ChunkReport,
  PipelineStages,
  RetrySink,
  StageWrappers,
} from './pipeline/pipeline';
export type { DecodeStage, TransactionDecoder } from './pipeline/decode-stage';
export type {
  FeatureStage,
  FeatureInput,
  FeatureResult,
  OnlineFeatures,
} from './pipeline/feature-stage';
export type {
  ScoreStage,
  ScoringModel,
  ModelSet,
  Decision,
  ReasonCode,
} from './pipeline/score-stage';
export { HEADERS, TRACE_HEADERS } from './pipeline/record-headers';
export { deadLetterMessage } from './pipeline/dead-letter-message';
export type {
  DeadLetterEncoder,
  DeadLetterReason,
  EncodedDeadLetter,
} from './pipeline/dead-letter-message';
export type { PublishStage, RecordEncoder } from './pipeline/publish-stage';
export type { DeliverySession } from './pipeline/commit';
export { NOOP_OBSERVER } from './pipeline/observer';
export type {
  PipelineObserver,
  ChunkObservation,
  ChunkOutcome,
  ObservedStage,
} from './pipeline/observer';
export type {
  SourceRecord,
  ScoredRecord,
  Rejection,
  RetryRequest,
  ShadowScore,
} from './pipeline/types';
export { classifyFailure, isRedisUnavailable } from './pipeline/failure';
export type { FailureKind } from './pipeline/failure';
export { backoffCapMs, fullJitterDelayMs, FULL_JITTER_BACKOFF } from './retry/backoff';
export type { BackoffOptions } from './retry/backoff';
export { retryJobId } from './retry/retry-job';
export type { RetryJobData } from './retry/retry-job';
export { telemetryObserver } from './observability/telemetry-observer';
export { createJsonLogger, SILENT_LOGGER, LOG_LEVELS } from './logging/logger';
export type { Logger, LogLevel, LogFields } from './logging/logger';

// Telemetry: tracing across Kafka, metrics, Jaeger lookups (workers/src/telemetry/README.md).
export { TraceLookupError } from './errors';
export {
  initTelemetry,
  initTracing,
  initMetrics,
  telemetryOptionsFromEnv,
  resolveTelemetryOptions,
  DEFAULT_TELEMETRY_OPTIONS,
  TELEMETRY_ENV,
  TELEMETRY_SETTINGS,
  TRACE_SETTINGS,
  FraudstreamTracer,
  PIPELINE_STAGES,
  traceSendFor,
  injectTraceContext,
  extractTraceContext,
  traceHeadersOf,
  METRIC,
  PROMETHEUS_SERIES,
  E2E_LATENCY_BUCKETS_MS,
  LATENCY_SLO_MS,
  PROMETHEUS_CONTENT_TYPE,
  DEFAULT_JAEGER_URL,
  findTransactionTraces,
  formatTraceBreakdown,
  stageTotals,
  ATTR_FS_TRANSACTION_ID,
  ATTR_FS_STAGE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
} from './telemetry';
export type {
  Telemetry,
  TelemetryHooks,
  TelemetryOptions,
  ResolvedTelemetryOptions,
  TracingHandle,
  MetricsHandle,
  FraudstreamMetrics,
  PipelineStage,
  BatchTrace,
  TransactionTrace,
  TransactionSpanAttributes,
  SendTrace,
  SendSpanInput,
  SendResult,
  StageSpanOptions,
  BatchStageOptions,
  VerdictAttributes,
  VerdictDecision,
  DeadLetterCause,
  ErrorComponent,
  ModelRole,
  KafkaHeaders,
  ReadableKafkaHeaders,
  ProducedTransaction,
  ProducerSendTracing,
  TraceView,
  TraceSpanView,
  TraceQueryOptions,
} from './telemetry';
