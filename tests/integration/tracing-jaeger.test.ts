// One trace per transaction, end to end, in the real Jaeger: spans made with the telemetry API
// exactly the way the producer (loadgen), the worker and a retry make them, exported over
// OTLP/HTTP, read back through Jaeger's query API by transaction id. Needs
// `bash deploy/local/stack.sh up --with jaeger`; fails (does not skip) without it.
import { randomUUID } from 'node:crypto';
import {
  extractTraceContext,
  formatTraceBreakdown,
  stageTotals,
  traceHeadersOf,
  type Telemetry,
  type TraceSpanView,
  type TraceView,
} from '@fraudstream/workers';
import { traceCommand } from '@fraudstream/workers/cli';
import {
  hashedId,
  jaegerTraceSpans,
  JAEGER_URL,
  requireJaeger,
  tracedService,
  waitForTransactionTrace,
} from '../support/jaeger';

/** Headers as a Kafka consumer gets them back: every value a Buffer. */
function asConsumed(headers: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
}

function span(
  view: TraceView,
  name: string,
  where: (s: TraceSpanView) => boolean = () => true,
): TraceSpanView {
  const found = view.spans.filter((s) => s.name === name && where(s));
  if (found.length !== 1)
    throw new Error(
      `expected one "${name}" span, found ${found.length} in ${view.spans.map((s) => s.name).join(', ')}`,
    );
  return found[0] as TraceSpanView;
}

describe('tracing across Kafka into Jaeger', () => {
  let producer: Telemetry;
  let worker: Telemetry;
  const transactionId = `tx-${randomUUID()}`;
  let batchTraceId = '';
  let verdictTraceparent = '';

  beforeAll(async () => {
    await requireJaeger();
    producer = tracedService('fraudstream-test-producer');
    worker = tracedService('fraudstream-test-worker');

    // Producer: the send span starts the trace; its context goes into the record headers.
    const send = producer.tracer.startSendSpan({
      topic: 'transactions',
      key: 'cust-1',
      transactionId,
    });
    const record = { offset: '41', key: Buffer.from('cust-1'), headers: asConsumed(send.headers) };
    send.end({ partition: 2 });

    // Worker, first attempt: batch span linked to the record, transaction span continuing the
    // producer's trace, the four stages, the verdict's send span; then a transient failure.
    const { tracer } = worker;
    const batch = tracer.startBatchSpan(
      { topic: 'transactions', partition: 2, messages: [record] },
      { consumerGroup: 'fraudstream-test' },
    );
    batchTraceId = batch.span.spanContext().traceId;
    const recordContext = batch.recordContexts[0];
    if (recordContext === undefined) throw new Error('no record context');
    const tx = tracer.startTransactionSpan(recordContext, {
      topic: 'transactions',
      partition: 2,
      offset: record.offset,
      key: record.key,
      consumerGroup: 'fraudstream-test',
      batch,
    });
    const transactions = [tx];
    await tracer.withBatchStage('decode', { batch, transactions }, () =>
      tx.setTransactionId(transactionId),
    );
    await tracer.withBatchStage('features', { batch, transactions }, () =>
      tracer.withRedisSpan('PIPELINE', () => new Promise((r) => setTimeout(r, 3)), {
        commandCount: 6,
      }),
    );
    await tracer.withBatchStage(
      'inference',
      { batch, transactions },
      () => new Promise((r) => setTimeout(r, 2)),
    );
    await tracer.withBatchStage(
      'produce',
      { batch, transactions, destination: 'decisions' },
      (contexts) => {
        verdictTraceparent = traceHeadersOf(contexts[0] ?? tx.context).traceparent ?? '';
      },
    );
    tx.setVerdict({ decision: 'REVIEW', score: 0.61, modelVersion: 'test-v1' });
    const failure = Object.assign(new Error('produce timed out'), { code: 'FS_PRODUCE_FAILED' });
    tx.end(failure);
    batch.end();

    // Retry: the job carries the transaction's context (JSON, as BullMQ stores it); the second
    // attempt continues the same trace and, attempts exhausted, dead-letters it.
    const job = JSON.parse(JSON.stringify({ trace: traceHeadersOf(tx.context) })) as {
      trace: Record<string, string>;
    };
    const retry = tracer.startTransactionSpan(extractTraceContext(job.trace), {
      topic: 'transactions',
      partition: 2,
      offset: record.offset,
      transactionId,
      attempt: 2,
    });
    const dlq = tracer.startSendSpan({ topic: 'transactions-dlq', transactionId, parent: retry });
    dlq.end();
    retry.end(Object.assign(new Error('exhausted'), { code: 'FS_RETRY_EXHAUSTED' }));

    await producer.forceFlush();
    await worker.forceFlush();
  });

  afterAll(async () => {
    await worker?.shutdown();
    await producer?.shutdown();
  });

  it('shows the transaction as one trace: producer, worker stages, verdict, retry, dead letter', async () => {
    const view = await waitForTransactionTrace(transactionId, 8);
    expect(view.spans).toHaveLength(8);
    expect(view.services).toEqual(['fraudstream-test-producer', 'fraudstream-test-worker']);

    const send = span(view, 'send transactions');
    expect(send.parentSpanId).toBeUndefined();
    expect(send.service).toBe('fraudstream-test-producer');
    expect(send.kind).toBe('producer');

    const first = span(
      view,
      'process transactions',
      (s) => s.attributes['fraudstream.attempt'] === 1,
    );
    expect(first.parentSpanId).toBe(send.spanId);
    expect(first.kind).toBe('consumer');
    expect(first.attributes).toMatchObject({
      'messaging.system.name': 'kafka',
      'messaging.destination.name': 'transactions',
      'messaging.destination.partition.id': '2',
      'messaging.consumer.group.name': 'fraudstream-test',
      'kafka.offset': 41,
      // The customer id is keyed-hashed on spans; the transaction id stays raw.
      'kafka.message.key': hashedId('cust-1'),
      'fraudstream.transaction_id': transactionId,
      'fraudstream.decision': 'REVIEW',
      'fraudstream.model_version': 'test-v1',
      'error.type': 'FS_PRODUCE_FAILED',
    });
    for (const stage of ['decode', 'features', 'inference', 'send decisions']) {
      expect({ stage, parent: span(view, stage).parentSpanId }).toEqual({
        stage,
        parent: first.spanId,
      });
    }
    expect(span(view, 'send decisions').attributes['fraudstream.stage']).toBe('produce');
    // The verdict's headers carry the produce span's context on to the decisions topic.
    expect(verdictTraceparent).toBe(`00-${view.traceId}-${span(view, 'send decisions').spanId}-01`);

    const retry = span(
      view,
      'process transactions',
      (s) => s.attributes['fraudstream.attempt'] === 2,
    );
    expect(retry.parentSpanId).toBe(first.spanId);
    expect(span(view, 'send transactions-dlq').parentSpanId).toBe(retry.spanId);
    expect(retry.error).toBe(true);
  });

  it('keeps the batch in its own trace, linked to the record and holding the Redis round trip', async () => {
    const view = await waitForTransactionTrace(transactionId, 8);
    expect(batchTraceId).not.toBe(view.traceId);
    const batchSpans = await jaegerTraceSpans(batchTraceId);
    const names = batchSpans.map((s) => s.operationName).sort();
    expect(names).toEqual([
      'PIPELINE',
      'decode',
      'features',
      'inference',
      'process transactions',
      'produce',
    ]);
    const root = batchSpans.find((s) => s.operationName === 'process transactions');
    const link = root?.references.find((r) => r.traceID === view.traceId);
    expect(link?.spanID).toBe(span(view, 'send transactions').spanId);
    const features = batchSpans.find((s) => s.operationName === 'features');
    const redis = batchSpans.find((s) => s.operationName === 'PIPELINE');
    expect(redis?.references.find((r) => r.refType === 'CHILD_OF')?.spanID).toBe(features?.spanID);
  });

  it('prints the stage-by-stage breakdown, as `fraudstream trace` does', async () => {
    const view = await waitForTransactionTrace(transactionId, 8);
    expect(stageTotals(view).map((s) => s.stage)).toEqual([
      'decode',
      'features',
      'inference',
      'produce',
    ]);
    const text = formatTraceBreakdown(view, transactionId);
    expect(text).toContain(`trace ${view.traceId}  transaction ${transactionId}: 8 spans`);
    expect(text).toMatch(/fraudstream-test-worker\s+└─ process transactions .*decision=REVIEW/);
    expect(text).toMatch(
      /stages: decode [\d.]+ ms \| features [\d.]+ ms \| inference [\d.]+ ms \| produce [\d.]+ ms/,
    );
    console.log(text);

    const printed: string[] = [];
    const log = jest
      .spyOn(console, 'log')
      .mockImplementation((line: unknown) => void printed.push(String(line)));
    try {
      await expect(traceCommand.run([transactionId, '--jaeger-url', JAEGER_URL])).resolves.toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(printed.join('\n')).toContain('send transactions-dlq');
  });

  it('says FS_TRACE_NOT_FOUND for a transaction Jaeger has never seen', async () => {
    await expect(
      traceCommand.run([`tx-${randomUUID()}`, '--jaeger-url', JAEGER_URL]),
    ).rejects.toMatchObject({
      code: 'FS_TRACE_NOT_FOUND',
    });
  });
});
