import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePorts, probeOtlp, scrapeMetrics, sumSamples } from './worker-metrics';

const TEXT = `# HELP fraudstream_errors_total Failed calls.
# TYPE fraudstream_errors_total counter
fraudstream_errors_total{component="telemetry",code="FS_OTLP_EXPORT"} 3
fraudstream_errors_total{component="telemetry",code="ECONNREFUSED"} 2
fraudstream_errors_total{component="redis",code="TIMEOUT"} 7
fraudstream_errors_total_other{component="telemetry"} 100
otel_sdk_processor_span_processed_total{otel_component_type="batching_span_processor",otel_component_name="batching_span_processor/0"} 512
otel_sdk_processor_span_processed_total{otel_component_type="batching_span_processor",otel_component_name="batching_span_processor/0",error_type="queue_full"} 40
`;

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('sumSamples', () => {
  it('sums the samples of one metric whose labels match', () => {
    expect(sumSamples(TEXT, 'fraudstream_errors_total', { component: 'telemetry' })).toBe(5);
    expect(sumSamples(TEXT, 'fraudstream_errors_total')).toBe(12);
    expect(
      sumSamples(TEXT, 'otel_sdk_processor_span_processed_total', { error_type: 'queue_full' }),
    ).toBe(40);
    expect(sumSamples(TEXT, 'otel_sdk_processor_span_processed_total', {}, ['error_type'])).toBe(
      512,
    );
    expect(sumSamples(TEXT, 'fraudstream_verdicts_total')).toBe(0);
  });
});

describe('worker endpoints', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  it('hands out distinct free ports', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const p of ports) expect(p).toBeGreaterThan(0);
  });

  it('scrapes /metrics, and says null for a worker that serves none', async () => {
    server = await listen((req, res) => {
      res.statusCode = req.url === '/metrics' ? 200 : 404;
      res.end(req.url === '/metrics' ? TEXT : '');
    });
    const { port } = server.address() as AddressInfo;
    expect(await scrapeMetrics(port)).toBe(TEXT);
    const [closed] = await freePorts(1);
    expect(await scrapeMetrics(closed ?? 1)).toBeNull();
  });

  it('probes an OTLP receiver with an empty export, and says why one does not answer', async () => {
    const seen: string[] = [];
    server = await listen((req, res) => {
      seen.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers['content-type'] ?? ''}`);
      res.statusCode = 200;
      res.end();
    });
    const { port } = server.address() as AddressInfo;
    expect(await probeOtlp(`http://127.0.0.1:${port}/`)).toBeNull();
    expect(seen).toEqual(['POST /v1/traces application/x-protobuf']);
    const [closed] = await freePorts(1);
    expect(await probeOtlp(`http://127.0.0.1:${closed ?? 1}`)).toBe('ECONNREFUSED');
  });
});
