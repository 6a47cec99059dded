import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createOtlpSpanExporter } from './otlp-http-exporter';
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

describe('createOtlpSpanExporter', () => {
  let server: Server;
  let base = '';
  let status = 200;
  const received: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const exportTo = (url: string, spans: ReadableSpan[]) =>
    new Promise<ExportResult>((resolve) => {
      const exporter = createOtlpSpanExporter(url, 2000);
      exporter.export(spans, (result) => {
        void exporter.shutdown().then(() => resolve(result));
      });
    });

  it('posts the spans as OTLP protobuf', async () => {
    status = 200;
    const spans = await oneSpan();
    expect(spans).toHaveLength(1);
    const result = await exportTo(`${base}/v1/traces`, spans);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const last = received[received.length - 1];
    expect(last?.path).toBe('/v1/traces');
    expect(last?.headers['content-type']).toBe('application/x-protobuf');
    // The protobuf carries the span name and the transaction id as strings.
    expect(last?.body.includes(Buffer.from('send transactions'))).toBe(true);
    expect(last?.body.includes(Buffer.from('tx-1'))).toBe(true);
  });

  it('fails with OTLP_HTTP_<status> on a non-2xx answer', async () => {
    status = 503;
    const result = await exportTo(`${base}/v1/traces`, await oneSpan());
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ code: 'OTLP_HTTP_503' });
  });

  it('fails with the socket error code when nothing listens', async () => {
    const result = await exportTo('http://127.0.0.1:1/v1/traces', await oneSpan());
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
