import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
  type ISerializer,
} from '@opentelemetry/otlp-transformer';
import {
  AggregationTemporality,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** An OTLP/HTTP request that did not get a 2xx answer. */
export class OtlpExportError extends Error {
  override readonly name = 'OtlpExportError';

  /** `code` is `OTLP_HTTP_<status>` (or the socket error code), the label errors are counted by. */
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Posts OTLP protobuf payloads over HTTP(S) with a keep-alive agent.
 *
 * Why not @opentelemetry/exporter-*-otlp-proto: their transport loads `http` through a dynamic
 * `import()`, which jest's CommonJS runtime refuses without --experimental-vm-modules, so every
 * export from an in-process worker under test failed. Serialization is still the SDK's own
 * (ProtobufTraceSerializer / ProtobufMetricsSerializer); only the POST is ours. Batching and
 * one-export-at-a-time come from the BatchSpanProcessor / PeriodicExportingMetricReader; a
 * failed export is not retried (the batch is dropped and counted as a telemetry error).
 */
class OtlpHttpExporter<T> {
  private readonly agent: HttpAgent;
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly url: URL,
    private readonly serializer: ISerializer<T, unknown>,
    private readonly timeoutMs: number,
  ) {
    this.agent =
      url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, maxSockets: 2 })
        : new HttpAgent({ keepAlive: true, maxSockets: 2 });
  }

  export(items: T, resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const body = this.serializer.serializeRequest(items);
    if (body === undefined) {
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error('OTLP serialization failed'),
      });
      return;
    }
    const sent = this.post(body).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
    this.agent.destroy();
  }

  private post(body: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: {
            'content-type': 'application/x-protobuf',
            'content-length': body.byteLength,
          },
        },
        (res) => {
          // Drain the body so the keep-alive socket is reused.
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else {
              reject(
                new OtlpExportError(
                  `OTLP export to ${this.url.href} answered HTTP ${status}`,
                  `OTLP_HTTP_${status}`,
                ),
              );
            }
          });
        },
      );
      req.on('timeout', () => {
        req.destroy(
          new OtlpExportError(
            `OTLP export to ${this.url.href} timed out after ${this.timeoutMs} ms`,
            'OTLP_TIMEOUT',
          ),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** A span exporter posting OTLP/HTTP protobuf to `url` (…/v1/traces). */
export function createOtlpSpanExporter(url: string, timeoutMs: number): SpanExporter {
  return new OtlpHttpExporter<ReadableSpan[]>(new URL(url), ProtobufTraceSerializer, timeoutMs);
}

class OtlpHttpMetricExporter
  extends OtlpHttpExporter<ResourceMetrics>
  implements PushMetricExporter
{
  /** Cumulative, like the Prometheus side, so both views of a counter agree. */
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
}

/** A metric exporter posting OTLP/HTTP protobuf to `url` (…/v1/metrics), cumulative temporality. */
export function createOtlpMetricExporter(url: string, timeoutMs: number): PushMetricExporter {
  return new OtlpHttpMetricExporter(new URL(url), ProtobufMetricsSerializer, timeoutMs);
}
