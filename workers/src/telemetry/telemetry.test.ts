import { ExportResultCode } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { extractTraceContext } from './kafka-context';
import { PROMETHEUS_SERIES } from './metric-names';
import { initTelemetry } from './telemetry';

function countOf(text: string, series: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series}{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('initTelemetry', () => {
  it('at sample ratio 0 records no spans but still every metric', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = initTelemetry({ traceSampleRatio: 0 }, { spanExporter: exporter });
    const { tracer, metrics } = telemetry;
    for (let i = 0; i < 5; i++) {
      const tx = tracer.startTransactionSpan(extractTraceContext({}), {
        topic: 'transactions',
        partition: 0,
        offset: String(i),
      });
      await tracer.withStageSpan('decode', () => undefined, { parent: tx });
      await tracer.withBatchStage('inference', { transactions: [tx] }, () => undefined);
      metrics.countVerdict('APPROVE', 'v1');
      metrics.recordEndToEnd(12);
      tx.end();
    }
    await telemetry.forceFlush();
    const text = await telemetry.renderMetrics();
    await telemetry.shutdown();

    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(countOf(text, PROMETHEUS_SERIES.verdicts, 'decision="APPROVE",model_version="v1"')).toBe(
      5,
    );
    expect(text).toContain(`${PROMETHEUS_SERIES.e2eLatencyCount} 5`);
    // Stage helpers feed the stage histogram themselves, sampled or not.
    expect(countOf(text, PROMETHEUS_SERIES.stageDurationCount, 'stage="decode"')).toBe(5);
    expect(countOf(text, PROMETHEUS_SERIES.stageDurationCount, 'stage="inference"')).toBe(5);
  });

  it('counts failed span exports as telemetry errors and reports them, without throwing', async () => {
    const failing: SpanExporter = {
      export: (_spans: ReadableSpan[], done) =>
        done({
          code: ExportResultCode.FAILED,
          error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
        }),
      shutdown: () => Promise.resolve(),
    };
    const reported: unknown[] = [];
    const telemetry = initTelemetry(
      { traceSampleRatio: 1 },
      { spanExporter: failing, onError: (e) => reported.push(e) },
    );
    telemetry.tracer.startSendSpan({ topic: 'transactions' }).end();
    // No forceFlush (that rejects to its caller): wait for the processor's own scheduled export.
    for (let i = 0; i < 100 && reported.length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    const text = await telemetry.renderMetrics();
    await telemetry.shutdown();
    expect(reported.length).toBeGreaterThan(0);
    expect(
      countOf(text, PROMETHEUS_SERIES.errors, 'component="telemetry",code="ECONNREFUSED"'),
    ).toBeGreaterThan(0);
  });

  it('shuts down twice, and never rejects', async () => {
    const telemetry = initTelemetry(
      { traceSampleRatio: 1 },
      { spanExporter: new InMemorySpanExporter() },
    );
    await telemetry.shutdown();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
  });

  it('counts spans the processor exported and the spans it dropped with a full queue', async () => {
    // An exporter that does not finish until released: the processor's queue (2,048 spans)
    // fills and drops the rest.
    let released = false;
    const pending: (() => void)[] = [];
    const stuck: SpanExporter = {
      export: (_spans, done) => {
        const finish = (): void => done({ code: ExportResultCode.SUCCESS });
        if (released) finish();
        else pending.push(finish);
      },
      shutdown: () => Promise.resolve(),
    };
    const telemetry = initTelemetry({ traceSampleRatio: 1 }, { spanExporter: stuck });
    for (let i = 0; i < 3000; i++) telemetry.tracer.tracer.startSpan(`s${i}`).end();
    const text = await telemetry.renderMetrics();
    released = true;
    for (const finish of pending) finish();
    await telemetry.shutdown();

    const dropped = text
      .split('\n')
      .filter((l) => l.startsWith('otel_sdk_processor_span_processed_total{'))
      .filter((l) => l.includes('error_type="queue_full"'))
      .map((l) => Number(l.split(' ').pop()));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toBeGreaterThan(0);
  });
});
