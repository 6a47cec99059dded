import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  LABEL_CAUSE,
  LABEL_CODE,
  LABEL_COMPONENT,
  LABEL_DECISION,
  LABEL_MODEL_ROLE,
  LABEL_MODEL_VERSION,
  LABEL_PARTITION,
  LABEL_REASON,
  LABEL_STAGE,
  LABEL_TOPIC,
} from './attributes';
import { resolveTelemetryOptions, type TelemetryOptions } from './config';
import { createOtlpMetricExporter } from './otlp-exporters';
import { E2E_LATENCY_BUCKETS_MS, METRIC, STAGE_DURATION_BUCKETS_MS } from './metric-names';
import type { PipelineStage } from './types';
import { telemetryResource } from './resource';

/** Instrumentation scope of every fraudstream metric. */
export const METER_NAME = '@fraudstream/workers';

/** Content type of the Prometheus text exposition format served at /metrics. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A verdict decision (the Avro enum of the Verdict record). */
export type VerdictDecision = 'APPROVE' | 'REVIEW' | 'DECLINE';

/** Why a record went to the dead-letter topic: the producer's fault, or ours after retries. */
export type DeadLetterCause = 'bad_input' | 'retries_exhausted';

/** A dependency whose failures fraudstream_errors_total counts. */
export type ErrorComponent = 'redis' | 'kafka' | 'telemetry' | 'model';

/** A model's role: the one deciding, or one scored in shadow beside it. */
export type ModelRole = 'champion' | 'challenger';

/**
 * Distinct values a free-form label (reason, code) may take per metric before further ones are
 * counted as `other`: a bug that puts an id or a message into a reason must not explode the
 * number of series Prometheus stores.
 */
export const MAX_LABEL_VALUES = 64;

/** The typed record methods the pipeline calls; every transaction, sampled or not. */
export interface FraudstreamMetrics {
  /** Record timestamp to verdict acknowledged, ms. Negative (clock skew) counts as 0. */
  recordEndToEnd(ms: number): void;
  /** Time one transaction spent in one stage, ms (the tracer's stage helpers call this). */
  recordStage(stage: PipelineStage, ms: number): void;
  /** Records taken off an input topic. */
  countConsumed(topic: string, count?: number): void;
  /** `count` verdicts (default 1) of one decision and model, acknowledged by Kafka. */
  countVerdict(decision: VerdictDecision, modelVersion: string, count?: number): void;
  /** A transaction handed to the retry queue; `reason` is an error code. */
  countRetry(reason: string): void;
  /** A chunk of labels tried again in place after a retriable failure; `reason` is an error code. */
  countLabelRetry(reason: string): void;
  /** A record written to the dead-letter topic; `reason` is its machine-readable reason. */
  countDeadLetter(reason: string, cause: DeadLetterCause): void;
  /** A retry job found stalled (its lock expired: its worker died or froze) and taken back. */
  countRetryJobStalled(): void;
  /** A retry job BullMQ failed for good; `reason` is the code its dead letter gets. */
  countRetryJobFailed(reason: string): void;
  /** Redelivered transactions the delivery ledger found already answered (no second verdict). */
  countRedeliveriesSkipped(count: number): void;
  /** Lag of a partition this process consumes (kafkajs: `Number(batch.offsetLag())`). */
  setConsumerLag(topic: string, partition: number, lag: number): void;
  /** The partition was revoked: report 0 from here on (another process reports it now). */
  clearConsumerLag(topic: string, partition: number): void;
  /** The model version in use for `role`; the previous one of that role drops to 0. */
  setModelVersion(version: string, role?: ModelRole): void;
  /** A failed call to a dependency; `code` is an error code, never a message. */
  countError(component: ErrorComponent, code: string): void;
}

/** Test and wiring hooks of {@link initMetrics}; none of them come from the environment. */
export interface MetricsHooks {
  /** Replaces the OTLP metric exporter when metricsOtlpEnabled (tests: InMemoryMetricExporter). */
  readonly metricExporter?: PushMetricExporter;
}

/** A running metrics setup. */
export interface MetricsHandle {
  readonly metrics: FraudstreamMetrics;
  /** The provider behind /metrics, for the tracing SDK's own span-processor metrics. */
  readonly meterProvider: MeterProvider;
  /** The current values in the Prometheus text format. */
  renderMetrics(): Promise<string>;
  /** Serves GET /metrics for the health server: 200 with the text, 500 if collection failed. Never rejects. */
  handleMetricsRequest(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Pushes to OTLP now (when enabled). */
  forceFlush(): Promise<void>;
  /** Final push and stop; safe to call twice. */
  shutdown(): Promise<void>;
}

/** Counts distinct values per label and folds the excess into `other`. */
class LabelGuard {
  private readonly seen = new Set<string>();

  /** The value itself while fewer than {@link MAX_LABEL_VALUES} were seen, else `other`. */
  value(raw: string): string {
    const v = raw === '' ? 'unknown' : raw;
    if (this.seen.has(v)) return v;
    if (this.seen.size >= MAX_LABEL_VALUES) return 'other';
    this.seen.add(v);
    return v;
  }
}

class Instruments implements FraudstreamMetrics {
  private readonly e2e: Histogram;
  private readonly stage: Histogram;
  private readonly consumed: Counter;
  private readonly verdicts: Counter;
  private readonly retries: Counter;
  private readonly labelRetries: Counter;
  private readonly deadLetters: Counter;
  private readonly retryJobsStalled: Counter;
  private readonly retryJobsFailed: Counter;
  private readonly redeliveriesSkipped: Counter;
  private readonly errors: Counter;
  private readonly stageAttrs = new Map<string, Attributes>();
  private readonly lag = new Map<string, { attrs: Attributes; value: number }>();
  private readonly models = new Map<
    string,
    { attrs: Attributes; role: ModelRole; value: number }
  >();
  private readonly guards = new Map<string, LabelGuard>();

  constructor(meter: Meter) {
    this.e2e = meter.createHistogram(METRIC.e2eLatency, {
      unit: 'ms',
      description: 'Record timestamp to verdict acknowledged by Kafka, per transaction.',
      advice: { explicitBucketBoundaries: [...E2E_LATENCY_BUCKETS_MS] },
    });
    this.stage = meter.createHistogram(METRIC.stageDuration, {
      unit: 'ms',
      description: 'Time one transaction spent in one pipeline stage.',
      advice: { explicitBucketBoundaries: [...STAGE_DURATION_BUCKETS_MS] },
    });
    this.consumed = meter.createCounter(METRIC.consumed, {
      description: 'Records taken off the input topic.',
    });
    this.verdicts = meter.createCounter(METRIC.verdicts, {
      description: 'Verdicts acknowledged by Kafka, by decision and model version.',
    });
    this.retries = meter.createCounter(METRIC.retries, {
      description: 'Transactions handed to the retry queue, by reason.',
    });
    this.labelRetries = meter.createCounter(METRIC.labelRetries, {
      description: 'Label chunks tried again in place after a retriable failure, by reason.',
    });
    this.deadLetters = meter.createCounter(METRIC.deadLetters, {
      description: 'Records written to the dead-letter topic, by reason and cause.',
    });
    this.retryJobsStalled = meter.createCounter(METRIC.retryJobsStalled, {
      description: 'Retry jobs whose lock expired (worker died or froze) and were taken back.',
    });
    this.retryJobsFailed = meter.createCounter(METRIC.retryJobsFailed, {
      description: 'Retry jobs BullMQ failed for good (then dead-lettered), by reason.',
    });
    this.redeliveriesSkipped = meter.createCounter(METRIC.redeliveriesSkipped, {
      description:
        'Redelivered transactions already answered on Kafka, acknowledged without a second verdict.',
    });
    this.errors = meter.createCounter(METRIC.errors, {
      description: 'Failed calls to Redis, Kafka or the telemetry backend, by error code.',
    });
    meter
      .createObservableGauge(METRIC.consumerLag, {
        unit: '{message}',
        description:
          'High watermark minus the next offset to process, per partition this process consumes.',
      })
      .addCallback((result) => {
        for (const { attrs, value } of this.lag.values()) result.observe(value, attrs);
      });
    meter
      .createObservableGauge(METRIC.modelInfo, {
        description:
          '1 for each model version in use (label role), 0 for one replaced since start.',
      })
      .addCallback((result) => {
        for (const { attrs, value } of this.models.values()) result.observe(value, attrs);
      });
  }

  recordEndToEnd(ms: number): void {
    if (Number.isNaN(ms)) return;
    this.e2e.record(Math.max(0, ms));
  }

  recordStage(stage: PipelineStage, ms: number): void {
    if (Number.isNaN(ms)) return;
    let attrs = this.stageAttrs.get(stage);
    if (attrs === undefined) {
      attrs = { [LABEL_STAGE]: stage };
      this.stageAttrs.set(stage, attrs);
    }
    this.stage.record(Math.max(0, ms), attrs);
  }

  countConsumed(topic: string, count = 1): void {
    this.consumed.add(count, { [LABEL_TOPIC]: this.guard('topic', topic) });
  }

  countVerdict(decision: VerdictDecision, modelVersion: string, count = 1): void {
    this.verdicts.add(count, {
      [LABEL_DECISION]: decision,
      [LABEL_MODEL_VERSION]: this.guard('model_version', modelVersion),
    });
  }

  countRetry(reason: string): void {
    this.retries.add(1, { [LABEL_REASON]: this.guard('retry_reason', reason) });
  }

  countLabelRetry(reason: string): void {
    this.labelRetries.add(1, { [LABEL_REASON]: this.guard('label_retry_reason', reason) });
  }

  countDeadLetter(reason: string, cause: DeadLetterCause): void {
    this.deadLetters.add(1, {
      [LABEL_REASON]: this.guard('dead_letter_reason', reason),
      [LABEL_CAUSE]: cause,
    });
  }

  countRetryJobStalled(): void {
    this.retryJobsStalled.add(1);
  }

  countRetryJobFailed(reason: string): void {
    this.retryJobsFailed.add(1, { [LABEL_REASON]: this.guard('retry_failed_reason', reason) });
  }
  countRedeliveriesSkipped(count: number): void {
    this.redeliveriesSkipped.add(count);
  }

  setConsumerLag(topic: string, partition: number, lag: number): void {
    if (!Number.isFinite(lag)) return;
    const key = `${topic}\u0000${partition}`;
    const entry = this.lag.get(key);
    if (entry !== undefined) entry.value = Math.max(0, lag);
    else {
      this.lag.set(key, {
        attrs: { [LABEL_TOPIC]: topic, [LABEL_PARTITION]: String(partition) },
        value: Math.max(0, lag),
      });
    }
  }

  clearConsumerLag(topic: string, partition: number): void {
    // The SDK keeps exporting a series once seen (cumulative temporality), so a revoked
    // partition cannot vanish; 0 keeps `sum`/`max by (partition)` right across the fleet.
    const entry = this.lag.get(`${topic}\u0000${partition}`);
    if (entry !== undefined) entry.value = 0;
  }

  setModelVersion(version: string, role: ModelRole = 'champion'): void {
    for (const entry of this.models.values()) if (entry.role === role) entry.value = 0;
    const v = this.guard('model_version', version);
    const key = `${role}\u0000${v}`;
    const entry = this.models.get(key);
    if (entry !== undefined) entry.value = 1;
    else
      this.models.set(key, {
        attrs: { [LABEL_MODEL_VERSION]: v, [LABEL_MODEL_ROLE]: role },
        role,
        value: 1,
      });
  }

  countError(component: ErrorComponent, code: string): void {
    this.errors.add(1, {
      [LABEL_COMPONENT]: component,
      [LABEL_CODE]: this.guard(`code:${component}`, code),
    });
  }

  private guard(label: string, value: string): string {
    let guard = this.guards.get(label);
    if (guard === undefined) {
      guard = new LabelGuard();
      this.guards.set(label, guard);
    }
    return guard.value(value);
  }
}

/**
 * Starts metrics: a MeterProvider with a Prometheus reader (no server of its own: the worker's
 * health server serves {@link MetricsHandle.handleMetricsRequest} at /metrics) and, when
 * `metricsOtlpEnabled`, a periodic OTLP/HTTP (protobuf) push to `${otlpEndpoint}/v1/metrics`.
 * Metrics never depend on trace sampling: every transaction is counted.
 */
export function initMetrics(
  options: TelemetryOptions = {},
  hooks: MetricsHooks = {},
): MetricsHandle {
  const o = resolveTelemetryOptions(options);
  // withoutScopeInfo: no otel_scope_* label on every series; there is one scope.
  const prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  const readers: IMetricReader[] = [prometheus];
  if (o.metricsOtlpEnabled) {
    const exporter =
      hooks.metricExporter ??
      createOtlpMetricExporter(`${o.otlpEndpoint}/v1/metrics`, o.otlpTimeoutMs, { ca: o.otlpCa });
    readers.push(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: o.metricsExportIntervalMs,
        exportTimeoutMillis: Math.min(o.otlpTimeoutMs, o.metricsExportIntervalMs),
      }),
    );
  }
  const provider = new MeterProvider({ resource: telemetryResource(o), readers });
  const metrics = new Instruments(provider.getMeter(METER_NAME, o.serviceVersion));

  const renderMetrics = async (): Promise<string> => {
    const { resourceMetrics, errors } = await prometheus.collect();
    if (errors.length > 0) metrics.countError('telemetry', 'FS_METRICS_COLLECT');
    return serializer.serialize(resourceMetrics);
  };

  let stopping: Promise<void> | undefined;
  return {
    metrics,
    meterProvider: provider,
    renderMetrics,
    async handleMetricsRequest(_request, response) {
      try {
        const body = await renderMetrics();
        response.statusCode = 200;
        response.setHeader('content-type', PROMETHEUS_CONTENT_TYPE);
        response.end(body);
      } catch (error: unknown) {
        response.statusCode = 500;
        response.setHeader('content-type', 'text/plain; charset=utf-8');
        response.end(
          `# metrics collection failed: ${error instanceof Error ? error.name : 'unknown'}\n`,
        );
      }
    },
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopping ??= provider.shutdown();
      return stopping;
    },
  };
}
