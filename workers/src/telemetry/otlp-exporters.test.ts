// The SDK's OTLP exporters, run for real under jest (jest.preset.js compiles the import() of
// node:http in @opentelemetry/otlp-exporter-base to require(); without that every export here
// fails with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  createOtlpMetricExporter,
  createOtlpSpanExporter,
  OtlpExportError,
} from './otlp-exporters';
import { initTelemetry } from './telemetry';
import { initTracing } from './tracing';

/** One finished span to export. */
async function oneSpan(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const tracing = initTracing({ traceSampleRatio: 1 }, { spanExporter: memory });
  tracing.tracer.startSendSpan({ topic: 'transactions', transactionId: 'tx-1' }).end();
  await tracing.forceFlush();
  const spans = memory.getFinishedSpans(); // before shutdown, which empties the exporter
  await tracing.shutdown();
  return spans;
}

/** One collected set of metrics with a counter at 3. */
async function someMetrics(): Promise<ResourceMetrics> {
  const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: memory,
    exportIntervalMillis: 60_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  provider.getMeter('test').createCounter('fraudstream_test_total').add(3);
  await provider.forceFlush();
  const [collected] = memory.getMetrics();
  await provider.shutdown();
  if (collected === undefined) throw new Error('no metrics collected');
  return collected;
}

describe('OTLP exporters', () => {
  let server: Server;
  let base = '';
  /** Status of each next answer, in order (0: never answer); 200 once they are used up. */
  let statuses: number[] = [];
  const received: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        const status = statuses.shift() ?? 200;
        if (status === 0) return;
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    statuses = [];
    received.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections(); // the requests left unanswered on purpose
    await new Promise((resolve) => server.close(resolve));
  });

  const exportSpans = (url: string, spans: ReadableSpan[], timeoutMs = 2000) =>
    new Promise<ExportResult>((resolve) => {
      const exporter = createOtlpSpanExporter(url, timeoutMs);
      exporter.export(spans, (result) => {
        void exporter.shutdown().then(() => resolve(result));
      });
    });

  it('posts the spans as OTLP protobuf', async () => {
    const result = await exportSpans(`${base}/v1/traces`, await oneSpan());
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.path).toBe('/v1/traces');
    expect(request?.headers['content-type']).toBe('application/x-protobuf');
    // The protobuf carries the span name and the transaction id as strings.
    expect(request?.body.includes(Buffer.from('send transactions'))).toBe(true);
    expect(request?.body.includes(Buffer.from('tx-1'))).toBe(true);
  });

  it('retries a 503 and succeeds when the receiver recovers', async () => {
    statuses = [503];
    const result = await exportSpans(`${base}/v1/traces`, await oneSpan(), 5000);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(received).toHaveLength(2);
  });

  it('fails with OTLP_HTTP_<status> on a non-retryable answer, without retrying', async () => {
    statuses = [400];
    const result = await exportSpans(`${base}/v1/traces`, await oneSpan());
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(OtlpExportError);
    expect(result.error).toMatchObject({ code: 'OTLP_HTTP_400' });
    expect(received).toHaveLength(1);
  });

  it('fails with the socket error code when nothing listens', async () => {
    // Retried with backoff until the 1.5 s deadline, then the last error is reported.
    const result = await exportSpans('http://127.0.0.1:1/v1/traces', await oneSpan(), 1500);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ name: 'OtlpExportError', code: 'ECONNREFUSED' });
  });

  it('fails with OTLP_TIMEOUT when the receiver does not answer in time', async () => {
    statuses = [0, 0];
    const result = await exportSpans(`${base}/v1/traces`, await oneSpan(), 300);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ name: 'OtlpExportError', code: 'OTLP_TIMEOUT' });
  });

  it('posts metrics as OTLP protobuf with cumulative temporality', async () => {
    const exporter = createOtlpMetricExporter(`${base}/v1/metrics`, 2000);
    expect(exporter.selectAggregationTemporality?.(InstrumentType.COUNTER)).toBe(
      AggregationTemporality.CUMULATIVE,
    );
    const metrics = await someMetrics();
    const result = await new Promise<ExportResult>((resolve) => exporter.export(metrics, resolve));
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const [request] = received;
    expect(request?.path).toBe('/v1/metrics');
    expect(request?.headers['content-type']).toBe('application/x-protobuf');
    expect(request?.body.includes(Buffer.from('fraudstream_test_total'))).toBe(true);
  });

  it('feeds the exporter self-metrics of /metrics when initTelemetry exports for real', async () => {
    const telemetry = initTelemetry({ traceSampleRatio: 1, otlpEndpoint: base });
    for (let i = 0; i < 3; i++) telemetry.tracer.startSendSpan({ topic: 'transactions' }).end();
    await telemetry.forceFlush();
    const text = await telemetry.renderMetrics();
    await telemetry.shutdown();
    expect(received.map((r) => r.path)).toContain('/v1/traces');
    const exported = text
      .split('\n')
      .filter((l) => l.startsWith('otel_sdk_exporter_span_exported_total{'))
      .filter((l) => !l.includes('error_type='))
      .map((l) => Number(l.split(' ').pop()));
    expect(exported).toEqual([3]);
  });
});
