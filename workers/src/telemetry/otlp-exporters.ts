import type { AgentOptions } from 'node:https';
import { rootCertificates } from 'node:tls';
import { readSettingFile, redactText, redactUrl } from '@fraudstream/settings';
import type { MeterProvider } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  AggregationTemporality,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { TELEMETRY_SETTINGS } from './config';

/** An OTLP/HTTP export that failed (after the SDK exporter's own retries). */
export class OtlpExportError extends Error {
  override readonly name = 'OtlpExportError';

  /**
   * `code` is the label fraudstream_errors_total{component="telemetry"} counts the failure by:
   * `OTLP_HTTP_<status>` (a non-retryable answer), the socket error code (`ECONNREFUSED`, …),
   * `OTLP_TIMEOUT`, or `OTLP_EXPORT_FAILED` (retryable answers until the deadline, and the rest).
   */
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The label of an SDK exporter failure; see {@link OtlpExportError.code}. */
function failureCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  // The SDK's OTLPExporterError carries the HTTP status as a number; socket errors a string.
  if (typeof code === 'number') return `OTLP_HTTP_${code}`;
  if (typeof code === 'string' && code !== '') return code;
  // The SDK marks a request timeout only by its message ("Request timed out").
  if (/timed out/i.test(error.message)) return 'OTLP_TIMEOUT';
  return 'OTLP_EXPORT_FAILED';
}

/** The SDK's result, with a failure turned into an {@link OtlpExportError} naming `url`. */
function typedResult(url: string, result: ExportResult): ExportResult {
  if (result.error === undefined || result.error instanceof OtlpExportError) return result;
  const { error } = result;
  return {
    code: result.code,
    error: new OtlpExportError(
      `OTLP export to ${redactUrl(url)} failed: ${redactText(error.message)}`,
      failureCode(error),
      {
        cause: error,
      },
    ),
  };
}

/**
 * The SDK's OTLP/HTTP protobuf span exporter (keep-alive agent, retries of 429/502/503/504 and
 * connection errors with backoff until `timeoutMillis` has passed), whose failures carry a
 * stable error code: the global error handler counts them by `errorType(error)`, and the SDK's
 * own messages would count as `OTLPExporterError` or `Error` whatever went wrong.
 */
class TracesExporter extends OTLPTraceExporter {
  constructor(
    private readonly url: string,
    timeoutMillis: number,
    options: OtlpExporterOptions,
  ) {
    super({
      url,
      timeoutMillis,
      selfObsMeterProvider: options.selfObservability,
      httpAgentOptions: agentOptions(options.ca),
    });
  }

  override export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    super.export(spans, (result) => resultCallback(typedResult(this.url, result)));
  }
}

/** The SDK's OTLP/HTTP protobuf metric exporter, with the typed failures of {@link TracesExporter}. */
class MetricsExporter extends OTLPMetricExporter {
  constructor(
    private readonly url: string,
    timeoutMillis: number,
    options: OtlpExporterOptions,
  ) {
    // Cumulative, like the Prometheus side, so both views of a counter agree (and an
    // OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE in the environment cannot split them).
    super({
      url,
      timeoutMillis,
      temporalityPreference: AggregationTemporality.CUMULATIVE,
      httpAgentOptions: agentOptions(options.ca),
    });
  }

  override export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    super.export(metrics, (result) => resultCallback(typedResult(this.url, result)));
  }
}

/** Options of the OTLP exporters besides their URL and timeout. */
export interface OtlpExporterOptions {
  /**
   * PEM file of CAs an https:// receiver is verified against besides the system ones
   * (FS_OTLP_CA). @defaultValue the system CAs only
   */
  readonly ca?: string;
  /** Where the span exporter counts its own work (see {@link createOtlpSpanExporter}). */
  readonly selfObservability?: MeterProvider;
}

/**
 * The agent options of an exporter: keep-alive as the SDK's default, and with a CA file its
 * certificates added to Node's bundled ones (`ca` alone would replace them, and a receiver
 * behind a public CA would stop verifying). The file is read here, once, at start-up.
 */
function agentOptions(caFile: string | undefined): AgentOptions {
  if (caFile === undefined) return { keepAlive: true };
  const pem = readSettingFile(
    TELEMETRY_SETTINGS.otlpCa.name,
    caFile,
    'a readable PEM file of CA certificates',
    (text) => text.includes('-----BEGIN CERTIFICATE-----'),
  );
  return { keepAlive: true, ca: [...rootCertificates, pem] };
}

/**
 * A span exporter posting OTLP/HTTP protobuf to `url` (…/v1/traces). `timeoutMs` bounds one
 * export, retries included. With `selfObservability`, the exporter counts its own work there
 * (`otel_sdk_exporter_span_exported_total`, `…_inflight`, `otel_sdk_exporter_operation_duration`).
 * A bad `ca` file throws a ConfigError naming FS_OTLP_CA.
 */
export function createOtlpSpanExporter(
  url: string,
  timeoutMs: number,
  options: OtlpExporterOptions = {},
): SpanExporter {
  return new TracesExporter(url, timeoutMs, options);
}

/**
 * A metric exporter posting OTLP/HTTP protobuf to `url` (…/v1/metrics), cumulative temporality;
 * `options.ca` as for {@link createOtlpSpanExporter}.
 */
export function createOtlpMetricExporter(
  url: string,
  timeoutMs: number,
  options: OtlpExporterOptions = {},
): PushMetricExporter {
  return new MetricsExporter(url, timeoutMs, options);
}
