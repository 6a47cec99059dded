// Public surface of the telemetry module; workers/src/index.ts re-exports it by name.
export { initTelemetry } from './telemetry';
export {
  createOtlpSpanExporter,
  createOtlpMetricExporter,
  OtlpExportError,
} from './otlp-exporters';
export type { Telemetry, TelemetryHooks } from './telemetry';
export {
  DEFAULT_TELEMETRY_OPTIONS,
  TELEMETRY_ENV,
  TELEMETRY_SETTINGS,
  TRACE_SETTINGS,
  telemetryOptionsFromEnv,
  resolveTelemetryOptions,
} from './config';
export type { TelemetryOptions, ResolvedTelemetryOptions } from './config';
export { initTracing, createSampler, LinkAwareRatioSampler, TRACER_NAME } from './tracing';
export type { TracingHandle, TracingHooks } from './tracing';
export { initMetrics, METER_NAME, MAX_LABEL_VALUES, PROMETHEUS_CONTENT_TYPE } from './metrics';
export type {
  FraudstreamMetrics,
  MetricsHandle,
  MetricsHooks,
  VerdictDecision,
  DeadLetterCause,
  ErrorComponent,
  ModelRole,
} from './metrics';
export { FraudstreamTracer, MAX_BATCH_LINKS, errorType } from './spans';
export { PIPELINE_STAGES } from './types';
export { traceSendFor } from './producer-tracing';
export type { ProducedTransaction, ProducerSendTracing } from './producer-tracing';
export type {
  PipelineStage,
  StageRecorder,
  ConsumedRecord,
  ConsumedBatch,
  BatchTrace,
  TransactionSpanAttributes,
  TransactionTrace,
  VerdictAttributes,
  StageParent,
  StageSpanOptions,
  BatchStageOptions,
  SendSpanInput,
  SendResult,
  SendTrace,
} from './types';
export {
  injectTraceContext,
  extractTraceContext,
  traceHeadersOf,
  KAFKA_HEADERS_GETTER,
  KAFKA_HEADERS_SETTER,
  TRACE_HEADERS,
} from './kafka-context';
export type { KafkaHeaders, KafkaHeaderValue, ReadableKafkaHeaders } from './kafka-context';
export {
  METRIC,
  PROMETHEUS_SERIES,
  E2E_LATENCY_BUCKETS_MS,
  STAGE_DURATION_BUCKETS_MS,
  LATENCY_SLO_MS,
} from './metric-names';
export {
  DEFAULT_JAEGER_URL,
  findTransactionTraces,
  listJaegerServices,
  toTraceView,
} from './jaeger-query';
export type {
  TraceQueryOptions,
  TraceView,
  TraceSpanView,
  JaegerTrace,
  JaegerSpan,
  JaegerTag,
} from './jaeger-query';
export { formatTraceBreakdown, stageTotals, kafkaWaitsMs } from './trace-breakdown';
export type { StageTotal } from './trace-breakdown';
export {
  ATTR_MESSAGING_SYSTEM_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_KAFKA_OFFSET,
  ATTR_KAFKA_MESSAGE_KEY,
  ATTR_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_ERROR_TYPE,
  MESSAGING_SYSTEM_KAFKA,
  MESSAGING_OPERATION_TYPE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_SERVICE_NAMESPACE,
  ATTR_SERVICE_INSTANCE_ID,
  SERVICE_NAMESPACE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_OPERATION_BATCH_SIZE,
  DB_SYSTEM_REDIS,
  ATTR_FS_TRANSACTION_ID,
  ATTR_FS_DECISION,
  ATTR_FS_SCORE,
  ATTR_FS_MODEL_VERSION,
  ATTR_FS_STAGE,
  ATTR_FS_ATTEMPT,
  ATTR_FS_RETRY_REASON,
  ATTR_FS_ALREADY_DELIVERED,
  ATTR_FS_DEAD_LETTER_REASON,
  ATTR_FS_BATCH_SIZE,
  ATTR_FS_DEGRADED,
  LABEL_STAGE,
  LABEL_DECISION,
  LABEL_MODEL_VERSION,
  LABEL_MODEL_ROLE,
  LABEL_REASON,
  LABEL_CAUSE,
  LABEL_TOPIC,
  LABEL_PARTITION,
  LABEL_COMPONENT,
  LABEL_CODE,
} from './attributes';
export type { MessagingOperationType } from './attributes';
