// Transient failures go to the BullMQ retry queue and back through the same pipeline; when the
// attempts run out the record is dead-lettered with FS_RETRY_EXHAUSTED.
import type { ScoringWorker } from '@fraudstream/workers';
import { RecordCollector } from '../support/collector';
import { FeatureFaults } from '../support/faults';
import { startInProcessWorker } from '../support/in-process-worker';
import { TestModelStore } from '../support/model-store';
import { sendTransactions, simulatedStream, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

const RETRY_ATTEMPTS = 3;

describe('scoring worker: retries', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  const faults = new FeatureFaults();

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 2 });
    worker = await startInProcessWorker(
      fixture.env({ FS_RETRY_ATTEMPTS: String(RETRY_ATTEMPTS) }),
      {
        stageWrappers: { features: faults.wrap },
      },
    );
    collector = await RecordCollector.start(fixture.topics);
  });

  afterAll(async () => {
    await collector?.stop();
    await worker?.stop('test done');
    await fixture?.cleanup([collector?.groupId ?? '']);
    await store?.destroy();
  });

  it('retries an injected transient failure until it succeeds', async () => {
    const stream = simulatedStream(40, fixture.id).map((s) => s.tx);
    const flaky = stream[10]?.transaction_id ?? '';
    faults.fail(flaky, 2);
    await sendTransactions(fixture.topics.transactions, stream);

    await collector.waitForVerdicts(stream.map((t) => t.transaction_id));
    // The Kafka attempt and the first retry failed; the second retry succeeded.
    expect(faults.attempts.get(flaky)).toBe(3);
    expect(collector.verdicts.filter((v) => v.verdict.transaction_id === flaky)).toHaveLength(1);
    expect(collector.deadLetters).toEqual([]);
  });

  it('dead-letters a persistent failure after the configured attempts, and scores the rest', async () => {
    const stream = simulatedStream(80, fixture.id, 11)
      .slice(40)
      .map((s) => s.tx);
    const broken = stream[5]?.transaction_id ?? '';
    faults.fail(broken, Infinity);
    await sendTransactions(fixture.topics.transactions, stream);

    await collector.waitForDeadLetters(1);
    await collector.waitForVerdicts(
      stream.filter((t) => t.transaction_id !== broken).map((t) => t.transaction_id),
    );
    const [dead] = collector.deadLetters;
    expect(dead).toMatchObject({
      reason_code: 'FS_RETRY_EXHAUSTED',
      source_topic: fixture.topics.transactions,
      attempt_count: 1 + RETRY_ATTEMPTS,
    });
    expect(dead?.reason_message).toContain('FS_FEATURES_FAILED');
    const original = stream.find((t) => t.transaction_id === broken);
    const encoder = await new TransactionEncoder().prepare();
    expect(dead?.original_value).toEqual(original && encoder.encode(original));
    expect(faults.attempts.get(broken)).toBe(1 + RETRY_ATTEMPTS);
    expect(collector.verdictIds().has(broken)).toBe(false);
  });
});
