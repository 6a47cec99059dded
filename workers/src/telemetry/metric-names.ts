/**
 * Every metric fraudstream exports: the OpenTelemetry instrument name, and the series name the
 * Prometheus exporter writes at /metrics (counters gain `_total`; histograms expose `_bucket`,
 * `_sum`, `_count`). deploy/observability (dashboard, alert rules) uses the Prometheus names, and
 * `observability-assets.test.ts` fails if it uses one that is not listed here.
 */

/** Instrument names, as created on the meter (and as sent over OTLP). */
export const METRIC = {
  /** Histogram, ms: record timestamp to verdict acknowledged by Kafka, per transaction. */
  e2eLatency: 'fraudstream_e2e_latency_ms',
  /** Histogram, ms, label `stage`: time each transaction spent in each pipeline stage. */
  stageDuration: 'fraudstream_stage_duration_ms',
  /** Counter, label `topic`: records taken off the input topic. */
  consumed: 'fraudstream_consumed',
  /** Counter, labels `decision`, `model_version`: verdicts acknowledged by Kafka. */
  verdicts: 'fraudstream_verdicts',
  /** Counter, label `reason`: transactions handed to the retry queue. */
  retries: 'fraudstream_retries',
  /** Counter, label `reason`: label chunks tried again in place after a retriable failure. */
  labelRetries: 'fraudstream_label_retries',
  /** Counter, labels `reason`, `cause`: records written to the dead-letter topic. */
  deadLetters: 'fraudstream_dead_letters',
  /** Counter: retry jobs whose lock expired (their worker died or froze) and BullMQ took back. */
  retryJobsStalled: 'fraudstream_retry_jobs_stalled',
  /** Counter, label `reason`: retry jobs BullMQ failed for good (each is then dead-lettered). */
  retryJobsFailed: 'fraudstream_retry_jobs_failed',
  /** Counter: redelivered transactions already answered on Kafka, acknowledged without a second verdict. */
  redeliveriesSkipped: 'fraudstream_redeliveries_skipped',
  /** Gauge, labels `topic`, `partition`: high watermark minus the next offset to process. */
  consumerLag: 'fraudstream_consumer_lag',
  /** Gauge, labels `model_version`, `role`: 1 for each model in use, 0 for one no longer used. */
  modelInfo: 'fraudstream_model_info',
  /** Counter, labels `component`, `code`: failed calls to Redis, Kafka or the telemetry backend. */
  errors: 'fraudstream_errors',
} as const;

/** Names of the series as they appear in the Prometheus text format at /metrics. */
export const PROMETHEUS_SERIES = {
  e2eLatencyBucket: 'fraudstream_e2e_latency_ms_bucket',
  e2eLatencySum: 'fraudstream_e2e_latency_ms_sum',
  e2eLatencyCount: 'fraudstream_e2e_latency_ms_count',
  stageDurationBucket: 'fraudstream_stage_duration_ms_bucket',
  stageDurationSum: 'fraudstream_stage_duration_ms_sum',
  stageDurationCount: 'fraudstream_stage_duration_ms_count',
  consumed: 'fraudstream_consumed_total',
  verdicts: 'fraudstream_verdicts_total',
  retries: 'fraudstream_retries_total',
  labelRetries: 'fraudstream_label_retries_total',
  deadLetters: 'fraudstream_dead_letters_total',
  retryJobsStalled: 'fraudstream_retry_jobs_stalled_total',
  retryJobsFailed: 'fraudstream_retry_jobs_failed_total',
  redeliveriesSkipped: 'fraudstream_redeliveries_skipped_total',
  consumerLag: 'fraudstream_consumer_lag',
  modelInfo: 'fraudstream_model_info',
  errors: 'fraudstream_errors_total',
} as const;

/**
 * Bucket upper bounds (ms) of the end-to-end latency histogram: 1 ms steps up to 20 ms, 5 ms steps
 * to 50, 10 ms steps to 100 (the SLO threshold is a bucket bound, so SLO attainment is exact, not
 * interpolated), then coarse buckets that only need to say "how bad".
 */
export const E2E_LATENCY_BUCKETS_MS: readonly number[] = [
  ...Array.from({ length: 20 }, (_, i) => i + 1),
  25,
  30,
  35,
  40,
  45,
  50,
  60,
  70,
  80,
  90,
  100,
  150,
  200,
  300,
  500,
  1000,
  2000,
  5000,
  10000,
];

/** Stage durations: the same bounds plus sub-millisecond ones, since decode takes microseconds. */
export const STAGE_DURATION_BUCKETS_MS: readonly number[] = [
  0.1,
  0.25,
  0.5,
  ...E2E_LATENCY_BUCKETS_MS,
];

/** The latency SLO threshold (ms) the dashboard and the alert rules are written for. */
export const LATENCY_SLO_MS = 100;
