import { SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { IHeaders } from 'kafkajs';
import {
  ATTR_ERROR_TYPE,
  ATTR_FS_DECISION,
  ATTR_FS_MODEL_VERSION,
  ATTR_FS_STAGE,
  ATTR_FS_TRANSACTION_ID,
  ATTR_KAFKA_MESSAGE_KEY,
  ATTR_KAFKA_OFFSET,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM_NAME,
} from './attributes';
import { extractTraceContext, traceHeadersOf } from './kafka-context';
import type { PipelineStage } from './types';
import { initTracing, type TracingHandle } from './tracing';

/** Headers as kafkajs hands them to a consumer: every value a Buffer. */
function consumed(headers: Record<string, string>): IHeaders {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
}

function only(
  spans: ReadableSpan[],
  name: string,
  filter: (s: ReadableSpan) => boolean = () => true,
): ReadableSpan {
  const found = spans.filter((s) => s.name === name && filter(s));
  if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}`);
  return found[0] as ReadableSpan;
}

describe('FraudstreamTracer', () => {
  let exporter: InMemorySpanExporter;
  let tracing: TracingHandle;
  let stages: [PipelineStage, number][];

  function start(traceSampleRatio: number, tracingEnabled = true): TracingHandle {
    exporter = new InMemorySpanExporter();
    stages = [];
    tracing = initTracing(
      { traceSampleRatio, tracingEnabled, serviceName: 'test' },
      { spanExporter: exporter, onStage: (stage, _ms, n) => stages.push([stage, n]) },
    );
    return tracing;
  }

  afterEach(async () => {
    await tracing.shutdown();
  });

  it('builds one trace per transaction across Kafka, with a linked batch trace beside it', async () => {
    const { tracer } = start(1);
    // Producer (loadgen): the send span starts the trace; its headers go on the record.
    const send = tracer.startSendSpan({
      topic: 'transactions',
      key: 'cust-1',
      transactionId: 'tx-1',
    });
    send.end({ partition: 3 });
    const record = { offset: '42', key: Buffer.from('cust-1'), headers: consumed(send.headers) };
    const untraced = { offset: '43', key: Buffer.from('cust-2'), headers: {} };

    // Worker: batch span, transaction span, stages.
    const batch = tracer.startBatchSpan(
      { topic: 'transactions', partition: 3, messages: [record, untraced] },
      { consumerGroup: 'scorers' },
    );
    const recordContext = batch.recordContexts[0];
    if (recordContext === undefined) throw new Error('no record context');
    const tx = tracer.startTransactionSpan(recordContext, {
      topic: 'transactions',
      partition: 3,
      offset: record.offset,
      key: record.key,
      consumerGroup: 'scorers',
      batch,
    });
    await tracer.withStageSpan('decode', () => tx.setTransactionId('tx-1'), { parent: tx });
    await tracer.withBatchStage('features', { batch, transactions: [tx] }, () =>
      tracer.withRedisSpan('PIPELINE', () => Promise.resolve('ok'), { commandCount: 4 }),
    );
    await tracer.withBatchStage('inference', { batch, transactions: [tx] }, () => [0.91]);
    let verdictHeaders: Record<string, string> = {};
    await tracer.withBatchStage(
      'produce',
      { batch, transactions: [tx], destination: 'decisions' },
      (contexts) => {
        verdictHeaders = traceHeadersOf(contexts[0] ?? tx.context);
      },
    );
    tx.setVerdict({ decision: 'DECLINE', score: 0.91, modelVersion: 'v7' });
    tx.end();
    batch.end();
    await tracing.forceFlush();
    const spans = exporter.getFinishedSpans();

    const sendSpan = only(spans, 'send transactions');
    const traceId = sendSpan.spanContext().traceId;
    const txSpan = only(spans, 'process transactions', (s) => s.spanContext().traceId === traceId);
    const batchSpan = only(
      spans,
      'process transactions',
      (s) => s.spanContext().traceId !== traceId,
    );

    // The transaction continues the producer's trace.
    expect(sendSpan.kind).toBe(SpanKind.PRODUCER);
    expect(txSpan.kind).toBe(SpanKind.CONSUMER);
    expect(txSpan.parentSpanContext?.spanId).toBe(sendSpan.spanContext().spanId);
    expect(txSpan.attributes).toMatchObject({
      [ATTR_MESSAGING_SYSTEM_NAME]: 'kafka',
      [ATTR_MESSAGING_DESTINATION_NAME]: 'transactions',
      [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: '3',
      [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
      [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: 'scorers',
      [ATTR_KAFKA_OFFSET]: 42,
      [ATTR_FS_TRANSACTION_ID]: 'tx-1',
      [ATTR_FS_DECISION]: 'DECLINE',
      [ATTR_FS_MODEL_VERSION]: 'v7',
    });
    // The customer id is hashed by default (span-ids.test.ts checks the hash); the transaction id
    // above is raw.
    expect(txSpan.attributes[ATTR_KAFKA_MESSAGE_KEY]).toMatch(/^[0-9a-f]{64}$/);
    expect(sendSpan.attributes).toMatchObject({
      [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
      [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: '3',
      [ATTR_FS_TRANSACTION_ID]: 'tx-1',
    });

    // The batch span is its own trace, linked to the sampled record only, and linked back.
    expect(batchSpan.parentSpanContext).toBeUndefined();
    expect(batchSpan.attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT]).toBe(2);
    expect(batchSpan.links.map((l) => l.context.spanId)).toEqual([sendSpan.spanContext().spanId]);
    expect(batchSpan.links[0]?.attributes?.[ATTR_KAFKA_OFFSET]).toBe(42);
    expect(txSpan.links.map((l) => l.context.spanId)).toEqual([batchSpan.spanContext().spanId]);

    // Stage spans: children of the transaction, each linked to the batch-level stage span.
    const stageNames = ['decode', 'features', 'inference', 'send decisions'];
    for (const name of stageNames) {
      const stage = only(spans, name, (s) => s.spanContext().traceId === traceId);
      expect(stage.parentSpanContext?.spanId).toBe(txSpan.spanContext().spanId);
    }
    const txFeatures = only(spans, 'features', (s) => s.spanContext().traceId === traceId);
    const batchFeatures = only(spans, 'features', (s) => s.spanContext().traceId !== traceId);
    expect(batchFeatures.parentSpanContext?.spanId).toBe(batchSpan.spanContext().spanId);
    expect(txFeatures.links.map((l) => l.context.spanId)).toEqual([
      batchFeatures.spanContext().spanId,
    ]);
    // Redis work of the batch nests under the batch-level stage span.
    const redis = only(spans, 'PIPELINE');
    expect(redis.kind).toBe(SpanKind.CLIENT);
    expect(redis.parentSpanContext?.spanId).toBe(batchFeatures.spanContext().spanId);

    // The verdict carries the produce (send decisions) span's context on.
    const produce = only(spans, 'send decisions', (s) => s.spanContext().traceId === traceId);
    expect(produce.kind).toBe(SpanKind.PRODUCER);
    expect(produce.attributes[ATTR_FS_STAGE]).toBe('produce');
    expect(produce.attributes[ATTR_MESSAGING_DESTINATION_NAME]).toBe('decisions');
    const downstream = trace.getSpanContext(extractTraceContext(consumed(verdictHeaders)));
    expect(downstream?.traceId).toBe(traceId);
    expect(downstream?.spanId).toBe(produce.spanContext().spanId);

    expect(stages).toEqual([
      ['decode', 1],
      ['features', 1],
      ['inference', 1],
      ['produce', 1],
    ]);
  });

  it('marks a failed stage with error.type and no message, and rethrows', async () => {
    const { tracer } = start(1);
    const failure = Object.assign(new Error('card 4111 1111 1111 1111 broke'), {
      code: 'FS_FEATURES_FAILED',
    });
    const tx = tracer.startTransactionSpan(extractTraceContext(undefined), {
      topic: 'transactions',
      partition: 0,
      offset: '1',
    });
    await expect(
      tracer.withStageSpan('features', () => Promise.reject(failure), { parent: tx }),
    ).rejects.toBe(failure);
    tx.end(failure);
    await tracing.forceFlush();
    const features = only(exporter.getFinishedSpans(), 'features');
    expect(features.status).toEqual({ code: SpanStatusCode.ERROR, message: 'FS_FEATURES_FAILED' });
    expect(features.attributes[ATTR_ERROR_TYPE]).toBe('FS_FEATURES_FAILED');
    expect(features.events).toEqual([]);
    expect(
      JSON.stringify(exporter.getFinishedSpans().map((s) => [s.attributes, s.status])),
    ).not.toContain('4111');
    expect(stages).toEqual([['features', 1]]);
  });

  it('follows the producer: sampled records are traced at ratio 0, unsampled ones are not', async () => {
    const { tracer } = start(0);
    const sampled = consumed({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const unsampled = consumed({
      traceparent: '00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
    });
    const batch = tracer.startBatchSpan({
      topic: 'transactions',
      partition: 0,
      messages: [
        { offset: '1', headers: sampled },
        { offset: '2', headers: unsampled },
        { offset: '3', headers: {} },
      ],
    });
    const txs = batch.recordContexts.map((ctx, i) =>
      tracer.startTransactionSpan(ctx, {
        topic: 'transactions',
        partition: 0,
        offset: String(i + 1),
        batch,
      }),
    );
    expect(batch.span.isRecording()).toBe(true);
    expect(txs.map((t) => t.span.isRecording())).toEqual([true, false, false]);
    let produced: Record<string, string>[] = [];
    await tracer.withBatchStage(
      'produce',
      { batch, transactions: txs, destination: 'decisions' },
      (ctxs) => {
        produced = ctxs.map(traceHeadersOf);
      },
    );
    for (const t of txs) t.end();
    batch.end();
    await tracing.forceFlush();
    const names = exporter
      .getFinishedSpans()
      .map((s) => s.name)
      .sort();
    expect(names).toEqual([
      'process transactions',
      'process transactions',
      'produce',
      'send decisions',
    ]);
    // The unsampled record's trace id still travels on, flagged unsampled.
    expect(produced[1]?.traceparent).toMatch(
      /^00-5bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/,
    );
    expect(stages).toEqual([['produce', 3]]);
  });

  it('with tracing disabled records nothing but hands the producer trace context through', async () => {
    const { tracer } = start(1, false);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const tx = tracer.startTransactionSpan(extractTraceContext(consumed({ traceparent })), {
      topic: 'transactions',
      partition: 0,
      offset: '7',
    });
    let out: Record<string, string> = {};
    await tracer.withStageSpan('produce', (ctx) => (out = traceHeadersOf(ctx)), {
      parent: tx,
      destination: 'decisions',
    });
    tx.end();
    await tracing.forceFlush();
    expect(tracing.enabled).toBe(false);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(out.traceparent).toBe(traceparent);
    expect(trace.getSpanContext(tx.context)?.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(stages).toEqual([['produce', 1]]);
  });

  it('keeps the active context inside stage functions, across awaits', async () => {
    const { tracer } = start(1);
    const tx = tracer.startTransactionSpan(extractTraceContext(undefined), {
      topic: 'transactions',
      partition: 0,
      offset: '1',
    });
    const seen = await tracer.withStageSpan(
      'inference',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return trace.getActiveSpan()?.spanContext().spanId;
      },
      { parent: tx },
    );
    tx.end();
    await tracing.forceFlush();
    expect(seen).toBe(only(exporter.getFinishedSpans(), 'inference').spanContext().spanId);
  });
});
