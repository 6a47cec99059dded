import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { TraceSend } from '@fraudstream/loadgen';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_FS_TRANSACTION_ID, ATTR_KAFKA_MESSAGE_KEY } from './attributes';
import { extractTraceContext } from './kafka-context';
import { traceSendFor } from './producer-tracing';
import { initTracing } from './tracing';

describe('traceSendFor', () => {
  it('starts a send span per transaction whose headers carry it, and ends it on the ack', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing(
      { traceSampleRatio: 1, traceRawIds: true },
      { spanExporter: exporter },
    );
    // Typed as loadgen's own hook: this fails to compile if the two shapes drift apart.
    const traceSend: TraceSend = traceSendFor(tracing.tracer);
    const tx = { event_time: 0, terminal_id: 't', amount_minor: 1, currency: 'EUR' };
    const ok = traceSend({ ...tx, transaction_id: 'tx-1', customer_id: 'cust-1' }, 'transactions');
    const failed = traceSend(
      { ...tx, transaction_id: 'tx-2', customer_id: 'cust-2' },
      'transactions',
    );
    ok.end?.();
    failed.end?.(Object.assign(new Error('broker down'), { code: 'KAFKA_TIMEOUT' }));
    await tracing.forceFlush();
    const [first, second] = exporter.getFinishedSpans();
    await tracing.shutdown();

    expect(first?.name).toBe('send transactions');
    expect(first?.attributes).toMatchObject({
      [ATTR_FS_TRANSACTION_ID]: 'tx-1',
      [ATTR_KAFKA_MESSAGE_KEY]: 'cust-1',
    });
    expect(trace.getSpanContext(extractTraceContext(ok.headers))?.spanId).toBe(
      first?.spanContext().spanId,
    );
    expect(first?.status.code).toBe(SpanStatusCode.UNSET);
    expect(second?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'KAFKA_TIMEOUT' });
  });
});
