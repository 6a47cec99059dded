// The trace of a retried transaction through the real worker and BullMQ: the features stage
// fails transiently for chosen transaction ids (fault injection through the worker's stage
// wrappers), the retry processor takes them up from the real BullMQ queue, and the traces are
// read back from the real Jaeger by transaction id: every attempt in the producer's trace (the
// retries under the failed Kafka attempt, whose context the job keeps), with its attempt number
// and stage spans, then the verdict's or the dead letter's send span.
// Needs `bash deploy/local/stack.sh up --with jaeger` and a model (as tracing-e2e.test.ts).
import {
  type ScoringWorker,
  type Telemetry,
  type TraceSpanView,
  type TraceView,
} from '@fraudstream/workers';
import type { Producer } from 'kafkajs';
import { RecordCollector } from '../support/collector';
import { FeatureFaults } from '../support/faults';
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

/** Retries after the Kafka attempt: an exhausted record is tried 1 + 2 times. */
const RETRY_ATTEMPTS = 2;

function spansNamed(view: TraceView, name: string): TraceSpanView[] {
  return view.spans.filter((s) => s.name === name);
}

function one(spans: readonly TraceSpanView[], what: string): TraceSpanView {
  if (spans.length !== 1) throw new Error(`expected one ${what}, found ${spans.length}`);
  return spans[0] as TraceSpanView;
}

/** The transaction span of `attempt`. */
function attemptSpan(view: TraceView, topic: string, attempt: number): TraceSpanView {
  return one(
    spansNamed(view, `process ${topic}`).filter(
      (s) => s.attributes['fraudstream.attempt'] === attempt,
    ),
    `process span of attempt ${attempt} in ${view.spans.map((s) => s.name).join(', ')}`,
  );
}

/** Names of the spans whose parent is `parent`, sorted. */
function childrenOf(view: TraceView, parent: TraceSpanView): string[] {
  return view.spans
    .filter((s) => s.parentSpanId === parent.spanId)
    .map((s) => s.name)
    .sort();
}

describe('tracing a retried transaction: worker → BullMQ → retry processor → Jaeger', () => {
  let producerTelemetry: Telemetry;
  let workerTelemetry: Telemetry;
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  let producer: Producer;
  let stream: TestTransaction[];
  const faults = new FeatureFaults();
  let flaky = '';
  let broken = '';

  beforeAll(async () => {
    await requireJaeger();
    producerTelemetry = tracedService('fraudstream-test-producer');
    workerTelemetry = tracedService('fraudstream-test-worker');
    store = await TestModelStore.create(['champion-v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 2 });
    stream = simulatedStream(6, fixture.id, 23);
    flaky = stream[1]?.tx.transaction_id ?? '';
    broken = stream[4]?.tx.transaction_id ?? '';
    // Fails on the Kafka attempt only; the first retry scores it.
    faults.fail(flaky, 1);
    // Fails every attempt: dead-lettered once the retries ran out.
    faults.fail(broken, Infinity);
    worker = await startInProcessWorker(
      fixture.env({ FS_RETRY_ATTEMPTS: String(RETRY_ATTEMPTS) }),
      { telemetry: workerTelemetry, stageWrappers: { features: faults.wrap } },
    );
    collector = await RecordCollector.start(fixture.topics);
    producer = await testProducer();
    const encoder = await new TransactionEncoder().prepare();

    // The producer side as loadgen does it: a send span per transaction, its context in headers.
    await sendTraced(
      producer,
      producerTelemetry.tracer,
      encoder,
      fixture.topics.transactions,
      stream,
    );
    await collector.waitForVerdicts(
      stream.map(({ tx }) => tx.transaction_id).filter((id) => id !== broken),
    );
    await collector.waitForDeadLetters(1);
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

  it('shows the failed Kafka attempt and the retry that scored it in one trace', async () => {
    const topic = fixture.topics.transactions;
    // send + attempt 1 (decode, features) + attempt 2 (decode, features, inference, send verdict)
    const view = await waitForTransactionTrace(flaky, 9);
    expect(faults.attempts.get(flaky)).toBe(2);
    expect(view.services).toEqual(['fraudstream-test-producer', 'fraudstream-test-worker']);

    const send = one(spansNamed(view, `send ${topic}`), 'producer span');
    expect(send.service).toBe('fraudstream-test-producer');
    expect(send.parentSpanId).toBeUndefined();

    const first = attemptSpan(view, topic, 1);
    expect(first.parentSpanId).toBe(send.spanId);
    expect(first.error).toBe(true);
    expect(first.attributes).toMatchObject({
      'fraudstream.transaction_id': flaky,
      'error.type': 'FS_FEATURES_FAILED',
      'fraudstream.retry.reason': 'FS_FEATURES_FAILED',
      'messaging.consumer.group.name': fixture.consumerGroup,
    });
    // Its stages, and the retry it led to.
    expect(childrenOf(view, first)).toEqual(['decode', 'features', `process ${topic}`]);
    const failedStage = spansNamed(view, 'features').filter((s) => s.parentSpanId === first.spanId);
    expect(one(failedStage, 'features span of attempt 1').error).toBe(true);

    // The retry continues from the failed attempt, whose context its BullMQ job kept.
    const retry = attemptSpan(view, topic, 2);
    expect(retry.parentSpanId).toBe(first.spanId);
    expect(retry.error).toBe(false);
    const verdict = collector.verdicts.find((v) => v.verdict.transaction_id === flaky);
    expect(retry.attributes).toMatchObject({
      'fraudstream.transaction_id': flaky,
      'fraudstream.decision': verdict?.verdict.decision,
      'fraudstream.model_version': verdict?.verdict.model_version,
    });
    expect(childrenOf(view, retry)).toEqual(
      ['decode', 'features', 'inference', `send ${fixture.topics.decisions}`].sort(),
    );
    const produce = one(spansNamed(view, `send ${fixture.topics.decisions}`), 'verdict send span');
    expect(produce.parentSpanId).toBe(retry.spanId);
    expect(verdict?.headers.traceparent).toBe(`00-${view.traceId}-${produce.spanId}-01`);
    expect(collector.verdicts.filter((v) => v.verdict.transaction_id === flaky)).toHaveLength(1);
  });

  it('shows every attempt of an exhausted transaction, then its dead letter', async () => {
    const topic = fixture.topics.transactions;
    // send + 3 attempts × (process, decode, features) + send dead letter
    const view = await waitForTransactionTrace(broken, 11);
    expect(faults.attempts.get(broken)).toBe(1 + RETRY_ATTEMPTS);
    const send = one(spansNamed(view, `send ${topic}`), 'producer span');
    const attempts = [1, 2, 3].map((n) => attemptSpan(view, topic, n));
    // Every retry continues from the Kafka attempt (the job's context); all of them failed.
    expect(attempts.map((a) => [a.parentSpanId, a.error])).toEqual([
      [send.spanId, true],
      [attempts[0]?.spanId, true],
      [attempts[0]?.spanId, true],
    ]);
    // Each failed attempt names its transaction, not only the one that ends in a verdict.
    expect(attempts.map((a) => a.attributes['fraudstream.transaction_id'])).toEqual([
      broken,
      broken,
      broken,
    ]);
    const last = attempts[2] as TraceSpanView;
    const dlq = one(
      spansNamed(view, `send ${fixture.topics.deadLetters}`),
      'dead-letter send span',
    );
    expect(dlq.parentSpanId).toBe(last.spanId);
    expect(dlq.attributes).toMatchObject({
      'fraudstream.attempt': 1 + RETRY_ATTEMPTS,
      'fraudstream.dead_letter.reason': 'FS_RETRY_EXHAUSTED',
      'messaging.destination.name': fixture.topics.deadLetters,
    });
    expect(collector.deadLetters[0]).toMatchObject({
      reason_code: 'FS_RETRY_EXHAUSTED',
      attempt_count: 1 + RETRY_ATTEMPTS,
    });
  });
});
