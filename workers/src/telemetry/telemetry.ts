import type { IncomingMessage, ServerResponse } from 'node:http';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  resolveTelemetryOptions,
  type ResolvedTelemetryOptions,
  type TelemetryOptions,
} from './config';
import { initMetrics, type FraudstreamMetrics } from './metrics';
import { errorType, type FraudstreamTracer } from './spans';
import { initTracing } from './tracing';

/** Test and wiring hooks of {@link initTelemetry}; none of them come from the environment. */
export interface TelemetryHooks {
  /** Replaces the OTLP span exporter (tests: InMemorySpanExporter). */
  readonly spanExporter?: SpanExporter;
  /** Replaces the OTLP metric exporter when metrics OTLP is enabled (tests: InMemoryMetricExporter). */
  readonly metricExporter?: PushMetricExporter;
  /**
   * Export and collection failures of the background exporters (they never throw into the
   * pipeline). Each is also counted as fraudstream_errors_total{component="telemetry"}.
   * Pass the worker's logger here. @defaultValue ignore (the counter still moves)
   */
  readonly onError?: (error: unknown) => void;
}

/** Tracing and metrics of one process. */
export interface Telemetry {
  /** Span helpers (send, batch, transaction, stage, Redis). */
  readonly tracer: FraudstreamTracer;
  /** Typed metric record methods. */
  readonly metrics: FraudstreamMetrics;
  /** The options in force, defaults applied. */
  readonly options: ResolvedTelemetryOptions;
  /** Current metrics in the Prometheus text format. */
  renderMetrics(): Promise<string>;
  /** GET /metrics handler for the health server; never rejects. */
  handleMetricsRequest(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Exports pending spans (and pushes metrics when OTLP metrics are on) now. */
  forceFlush(): Promise<void>;
  /** Flushes and stops both; safe to call twice; never rejects (failures go to `onError`). */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing and metrics for this process. Call it first thing in `main`, before the
 * Kafka consumer starts, and `await telemetry.shutdown()` last on the way out (after the
 * consumer disconnected) so the final spans are exported. Stage helpers of the tracer record
 * the stage-duration metric themselves.
 */
export function initTelemetry(
  options: TelemetryOptions = {},
  hooks: TelemetryHooks = {},
): Telemetry {
  const resolved = resolveTelemetryOptions(options);
  const metricsHandle = initMetrics(resolved, { metricExporter: hooks.metricExporter });
  const { metrics } = metricsHandle;
  const tracing = initTracing(resolved, {
    spanExporter: hooks.spanExporter,
    selfObservability: metricsHandle.meterProvider,
    onStage: (stage, ms, transactions) => {
      for (let i = 0; i < transactions; i++) metrics.recordStage(stage, ms);
    },
  });
  // One handler for every background exporter (style.md: background loops report, never throw).
  setGlobalErrorHandler((error) => {
    metrics.countError('telemetry', errorType(error));
    hooks.onError?.(error);
  });

  let stopping: Promise<void> | undefined;
  return {
    tracer: tracing.tracer,
    metrics,
    options: resolved,
    renderMetrics: () => metricsHandle.renderMetrics(),
    handleMetricsRequest: (request, response) =>
      metricsHandle.handleMetricsRequest(request, response),
    async forceFlush() {
      await Promise.all([tracing.forceFlush(), metricsHandle.forceFlush()]);
    },
    shutdown() {
      stopping ??= (async () => {
        const results = await Promise.allSettled([tracing.shutdown(), metricsHandle.shutdown()]);
        // A backend that is down must not fail the process's exit: report, do not throw.
        for (const r of results) if (r.status === 'rejected') hooks.onError?.(r.reason);
        setGlobalErrorHandler(loggingErrorHandler());
      })();
      return stopping;
    },
  };
}
