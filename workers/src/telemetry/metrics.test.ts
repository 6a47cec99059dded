import type { IncomingMessage, ServerResponse } from 'node:http';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { E2E_LATENCY_BUCKETS_MS, PROMETHEUS_SERIES } from './metric-names';
import {
  initMetrics,
  MAX_LABEL_VALUES,
  PROMETHEUS_CONTENT_TYPE,
  type MetricsHandle,
} from './metrics';

/** The samples of one series in Prometheus text, as `{labels} value` strings. */
function samples(text: string, series: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${series}{`) || l.startsWith(`${series} `))
    .map((l) => l.slice(series.length));
}

describe('initMetrics', () => {
  let handle: MetricsHandle;
  afterEach(async () => {
    await handle.shutdown();
  });

  it('exposes every fraudstream series under the names the dashboard and alerts use', async () => {
    handle = initMetrics({ serviceName: 'test' });
    const m = handle.metrics;
    m.recordEndToEnd(42);
    m.recordStage('features', 3.5);
    m.countConsumed('transactions', 2);
    m.countVerdict('DECLINE', 'v7');
    m.countVerdict('APPROVE', 'v7', 3);
    m.countVerdict('APPROVE', 'v7', 2);
    m.countRetry('FS_REDIS_TIMEOUT');
    m.countLabelRetry('FS_PRODUCE_FAILED');
    m.countDeadLetter('FS_DECODE_MAGIC_BYTE', 'bad_input');
    m.countRetryJobStalled();
    m.countRetryJobStalled();
    m.countRetryJobFailed('FS_RETRY_STALLED');
    m.countRedeliveriesSkipped(2);
    m.setConsumerLag('transactions', 3, 120);
    m.setModelVersion('v7');
    m.countError('redis', 'ECONNREFUSED');
    const text = await handle.renderMetrics();
    for (const series of Object.values(PROMETHEUS_SERIES)) {
      expect({ series, found: samples(text, series).length > 0 }).toEqual({ series, found: true });
    }
    expect(samples(text, PROMETHEUS_SERIES.verdicts).sort()).toEqual([
      '{decision="APPROVE",model_version="v7"} 5',
      '{decision="DECLINE",model_version="v7"} 1',
    ]);
    expect(samples(text, PROMETHEUS_SERIES.deadLetters)).toEqual([
      '{reason="FS_DECODE_MAGIC_BYTE",cause="bad_input"} 1',
    ]);
    expect(samples(text, PROMETHEUS_SERIES.labelRetries)).toEqual([
      '{reason="FS_PRODUCE_FAILED"} 1',
    ]);
    expect(samples(text, PROMETHEUS_SERIES.retryJobsStalled)).toEqual([' 2']);
    expect(samples(text, PROMETHEUS_SERIES.retryJobsFailed)).toEqual([
      '{reason="FS_RETRY_STALLED"} 1',
    ]);
    expect(samples(text, PROMETHEUS_SERIES.consumerLag)).toEqual([
      '{topic="transactions",partition="3"} 120',
    ]);
    expect(samples(text, PROMETHEUS_SERIES.consumed)).toEqual(['{topic="transactions"} 2']);
    expect(samples(text, PROMETHEUS_SERIES.errors)).toEqual([
      '{component="redis",code="ECONNREFUSED"} 1',
    ]);
    expect(samples(text, PROMETHEUS_SERIES.stageDurationCount)).toEqual(['{stage="features"} 1']);
    // The service identity is on target_info, not on every series.
    expect(text).toMatch(/^target_info\{.*service_name="test".*\} 1$/m);
    expect(text).not.toContain('otel_scope_name');
  });

  it('has 1 ms latency buckets up to 20 ms and a bucket bound exactly at the 100 ms SLO', async () => {
    handle = initMetrics();
    handle.metrics.recordEndToEnd(99.5);
    handle.metrics.recordEndToEnd(100.5);
    const text = await handle.renderMetrics();
    const bounds = samples(text, PROMETHEUS_SERIES.e2eLatencyBucket).map(
      (s) => /le="([^"]+)"/.exec(s)?.[1],
    );
    expect(bounds).toEqual([...E2E_LATENCY_BUCKETS_MS.map(String), '+Inf']);
    expect(bounds.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    expect(samples(text, PROMETHEUS_SERIES.e2eLatencyBucket)).toContain('{le="100"} 1');
    expect(samples(text, PROMETHEUS_SERIES.e2eLatencyBucket)).toContain('{le="150"} 2');
  });

  it('has sub-millisecond buckets for stages', async () => {
    handle = initMetrics();
    handle.metrics.recordStage('decode', 0.05);
    const text = await handle.renderMetrics();
    expect(samples(text, PROMETHEUS_SERIES.stageDurationBucket)).toContain(
      '{stage="decode",le="0.1"} 1',
    );
  });

  it('counts clock skew as 0 ms and ignores NaN', async () => {
    handle = initMetrics();
    handle.metrics.recordEndToEnd(-5);
    handle.metrics.recordEndToEnd(Number.NaN);
    const text = await handle.renderMetrics();
    expect(samples(text, PROMETHEUS_SERIES.e2eLatencyCount)).toEqual([' 1']);
    expect(samples(text, PROMETHEUS_SERIES.e2eLatencySum)).toEqual([' 0']);
  });

  it('reports a replaced model as 0 and a revoked partition as 0 lag', async () => {
    handle = initMetrics();
    const m = handle.metrics;
    m.setModelVersion('v1');
    m.setModelVersion('v9', 'challenger');
    m.setModelVersion('v2');
    m.setConsumerLag('transactions', 0, 50);
    m.clearConsumerLag('transactions', 0);
    const text = await handle.renderMetrics();
    expect(samples(text, PROMETHEUS_SERIES.modelInfo).sort()).toEqual([
      '{model_version="v1",role="champion"} 0',
      '{model_version="v2",role="champion"} 1',
      '{model_version="v9",role="challenger"} 1',
    ]);
    expect(samples(text, PROMETHEUS_SERIES.consumerLag)).toEqual([
      '{topic="transactions",partition="0"} 0',
    ]);
  });

  it(`folds reason values beyond ${MAX_LABEL_VALUES} into "other"`, async () => {
    handle = initMetrics();
    for (let i = 0; i < MAX_LABEL_VALUES + 10; i++) handle.metrics.countRetry(`reason-${i}`);
    const retries = samples(await handle.renderMetrics(), PROMETHEUS_SERIES.retries);
    expect(retries).toHaveLength(MAX_LABEL_VALUES + 1);
    expect(retries).toContain('{reason="other"} 10');
  });

  it('serves /metrics with the Prometheus text content type', async () => {
    handle = initMetrics();
    handle.metrics.countRetry('x');
    const res = fakeResponse();
    await handle.handleMetricsRequest({} as IncomingMessage, res.response);
    expect(res.status()).toBe(200);
    expect(res.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(res.body()).toContain('fraudstream_retries_total{reason="x"} 1');
  });

  it('answers 500 instead of throwing once shut down', async () => {
    handle = initMetrics();
    await handle.shutdown();
    const res = fakeResponse();
    await expect(
      handle.handleMetricsRequest({} as IncomingMessage, res.response),
    ).resolves.toBeUndefined();
    expect(res.status()).toBe(500);
  });

  it('pushes the same metrics over OTLP when enabled', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    handle = initMetrics(
      { metricsOtlpEnabled: true, metricsExportIntervalMs: 60_000 },
      { metricExporter: exporter },
    );
    handle.metrics.countVerdict('APPROVE', 'v1');
    await handle.forceFlush();
    const names = exporter
      .getMetrics()
      .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name)));
    expect(names).toContain('fraudstream_verdicts');
  });

  it('shuts down twice without error', async () => {
    handle = initMetrics();
    await handle.shutdown();
    await expect(handle.shutdown()).resolves.toBeUndefined();
  });
});

function fakeResponse() {
  let status = 0;
  let body = '';
  const headers: Record<string, string> = {};
  const response = {
    set statusCode(v: number) {
      status = v;
    },
    setHeader(k: string, v: string) {
      headers[k.toLowerCase()] = v;
    },
    end(b: string) {
      body = b;
    },
  } as unknown as ServerResponse;
  return { response, headers, status: () => status, body: () => body };
}
