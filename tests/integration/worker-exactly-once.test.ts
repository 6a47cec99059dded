// FS_EXACTLY_ONCE=true: the same pipeline in Kafka transactions; a read_committed consumer sees
// exactly one verdict per transaction, and the dead letters go through the transaction too.
import type { ScoringWorker } from '@fraudstream/workers';
import { RecordCollector } from '../support/collector';
import { startInProcessWorker } from '../support/in-process-worker';
import { testKafka, testProducer, waitForCommittedEnd } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { produceTransactions, simulatedStream, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

describe('scoring worker: exactly-once mode', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 3 });
    worker = await startInProcessWorker(
      fixture.env({
        FS_EXACTLY_ONCE: 'true',
        FS_TRANSACTIONAL_ID_PREFIX: fixture.consumerGroup,
        FS_MAX_BATCH_SIZE: '50',
      }),
    );
    collector = await RecordCollector.start(fixture.topics, true);
  });

  afterAll(async () => {
    await collector?.stop();
    await worker?.stop('test done');
    await fixture?.cleanup([collector?.groupId ?? '']);
    await store?.destroy();
  });

  it('commits verdicts, dead letters and offsets in one transaction per chunk', async () => {
    const stream = simulatedStream(300, fixture.id).map((s) => s.tx);
    const producer = await testProducer();
    await produceTransactions(
      producer,
      fixture.topics.transactions,
      stream,
      await new TransactionEncoder().prepare(),
    );
    await producer.send({
      topic: fixture.topics.transactions,
      messages: [{ key: 'x', value: Buffer.from('garbage'), partition: 0 }],
    });
    await producer.disconnect();
    await collector.waitForVerdicts(stream.map((t) => t.transaction_id));
    await collector.waitForDeadLetters(1);
    expect(collector.verdicts).toHaveLength(stream.length);
    expect(collector.deadLetters.map((d) => d.reason_code)).toEqual(['FS_DECODE_MAGIC_BYTE']);
    // The offsets went in the transactions too: the group's committed offsets reach the end.
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await waitForCommittedEnd(admin, fixture.consumerGroup, fixture.topics.transactions);
    } finally {
      await admin.disconnect();
    }
  });
});
