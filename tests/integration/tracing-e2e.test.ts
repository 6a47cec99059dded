// One trace per transaction through the real thing: transactions produced with producer spans
// (the loadgen hook), consumed and scored by a real worker (in-process, real Kafka, Redis and
// model), verdicts on the decisions topic; then the trace read back from the real Jaeger by
// transaction id. Needs `bash deploy/local/stack.sh up --with jaeger` and a committed model
// (models/artifacts/CURRENT, or FS_TEST_MODEL_STORE); fails without them.
import {
  type ScoringWorker,
  type Telemetry,
  type TraceSpanView,
  type TraceView,
} from '@fraudstream/workers';
import type { Producer } from 'kafkajs';
import { RecordCollector } from '../support/collector';
import { startInProcessWorker } from '../support/in-process-worker';
import {
  requireJaeger,
  sendTraced,
  tracedService,
  waitForTransactionTrace,
} from '../support/jaeger';
import { testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { simulatedStream, TransactionEncoder, type TestTransaction } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

function only(view: TraceView, name: string): TraceSpanView {
  const found = view.spans.filter((s) => s.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one "${name}" span, found ${found.length}: ${view.spans.map((s) => s.name).join(', ')}`,
    );
  }
  return found[0] as TraceSpanView;
}

describe('tracing end to end: producer → Kafka → worker → decisions', () => {
  let producerTelemetry: Telemetry;
  let workerTelemetry: Telemetry;
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  let producer: Producer;
  let stream: TestTransaction[];

  beforeAll(async () => {
    await requireJaeger();
    producerTelemetry = tracedService('fraudstream-test-producer');
    workerTelemetry = tracedService('fraudstream-test-worker');
    store = await TestModelStore.create(['champion-v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 2 });
    worker = await startInProcessWorker(fixture.env(), { telemetry: workerTelemetry });
    collector = await RecordCollector.start(fixture.topics);
    producer = await testProducer();
    const encoder = await new TransactionEncoder().prepare();
    stream = simulatedStream(10, fixture.id);

    // The producer side exactly as loadgen does it with the CLI's tracer.
    await sendTraced(
      producer,
      producerTelemetry.tracer,
      encoder,
      fixture.topics.transactions,
      stream,
    );
    await collector.waitForVerdicts(stream.map(({ tx }) => tx.transaction_id));
    await producerTelemetry.forceFlush();
    await workerTelemetry.forceFlush();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await collector?.stop();
    await worker?.stop('test done');
    await fixture?.cleanup([collector?.groupId ?? '']);
    await store?.destroy();
    await workerTelemetry?.shutdown();
    await producerTelemetry?.shutdown();
  });

  it('continues each producer trace through the worker stages to the verdict', async () => {
    const first = stream[0];
    if (first === undefined) throw new Error('empty stream');
    const transactionId = first.tx.transaction_id;
    const view = await waitForTransactionTrace(transactionId, 6);

    expect(view.services).toEqual(['fraudstream-test-producer', 'fraudstream-test-worker']);
    const send = only(view, `send ${fixture.topics.transactions}`);
    const processSpan = only(view, `process ${fixture.topics.transactions}`);
    expect(send.parentSpanId).toBeUndefined();
    expect(processSpan.parentSpanId).toBe(send.spanId);
    expect(processSpan.attributes['fraudstream.transaction_id']).toBe(transactionId);
    expect(processSpan.attributes['messaging.consumer.group.name']).toBe(fixture.consumerGroup);

    const verdict = collector.verdicts.find((v) => v.verdict.transaction_id === transactionId);
    expect(processSpan.attributes['fraudstream.decision']).toBe(verdict?.verdict.decision);
    expect(processSpan.attributes['fraudstream.model_version']).toBe(
      verdict?.verdict.model_version,
    );

    for (const stage of ['decode', 'features', 'inference']) {
      expect({ stage, parent: only(view, stage).parentSpanId }).toEqual({
        stage,
        parent: processSpan.spanId,
      });
    }
    const produce = only(view, `send ${fixture.topics.decisions}`);
    expect(produce.parentSpanId).toBe(processSpan.spanId);
    // The verdict on the decisions topic carries the produce span's context on.
    expect(verdict?.headers.traceparent).toBe(`00-${view.traceId}-${produce.spanId}-01`);
  });

  it('gives every transaction its own trace', async () => {
    const traceIds = new Set<string>();
    for (const { tx } of stream.slice(0, 5)) {
      traceIds.add((await waitForTransactionTrace(tx.transaction_id, 6)).traceId);
    }
    expect(traceIds.size).toBe(5);
  });
});
