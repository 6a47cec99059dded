// At-least-once redelivery against the real services: a worker answers a stream and stops, the
// group's committed offsets are rewound to the start (what a crash before the commits leaves),
// and the next worker reads the whole stream again. With the delivery ledger it answers none of
// it a second time; with the ledger off (FS_DELIVERY_LEDGER_TTL_MS=0) it answers all of it
// again, so the ledger, not luck, is what kept the duplicates out.
import { RecordCollector } from '../support/collector';
import { testKafka, testProducer, waitForCommittedEnd } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { waitFor } from '../support/services';
import { produceTransactions, simulatedStream, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';
import { WorkerProcess } from '../support/worker-process';

describe('delivery ledger', () => {
  let store: TestModelStore;
  const running: WorkerProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((w) => w.stop()));
    for (const c of cleanups.splice(0)) await c();
  });

  afterAll(async () => {
    await store?.destroy();
  });

  /** Answers `count` transactions, stops cleanly, rewinds the group, and answers them again. */
  async function redeliverAll(
    count: number,
    env: Record<string, string>,
  ): Promise<{ ids: string[]; collector: RecordCollector }> {
    const fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 4 });
    const collector = await RecordCollector.start(fixture.topics);
    cleanups.push(async () => {
      await collector.stop();
      await fixture.cleanup([collector.groupId]);
    });
    const workerEnv = fixture.env(env);
    const first = new WorkerProcess('worker-1', workerEnv);
    running.push(first);
    await first.ready();
    const stream = simulatedStream(count, fixture.id).map((s) => s.tx);
    const ids = stream.map((t) => t.transaction_id);
    const producer = await testProducer();
    try {
      await produceTransactions(
        producer,
        fixture.topics.transactions,
        stream,
        await new TransactionEncoder().prepare(),
      );
    } finally {
      await producer.disconnect();
    }
    await collector.waitForVerdicts(ids);
    first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(collector.verdicts).toHaveLength(count);

    const admin = testKafka().admin();
    await admin.connect();
    try {
      await admin.resetOffsets({
        groupId: fixture.consumerGroup,
        topic: fixture.topics.transactions,
        earliest: true,
      });
      const second = new WorkerProcess('worker-2', workerEnv);
      running.push(second);
      await second.ready();
      await waitForCommittedEnd(admin, fixture.consumerGroup, fixture.topics.transactions);
      // Verdicts are acknowledged before their offsets commit: every one the second worker
      // produced is on the topic now. Wait until the collector has read them all.
      const written = (await admin.fetchTopicOffsets(fixture.topics.decisions)).reduce(
        (n, p) => n + Number(p.high),
        0,
      );
      await waitFor(`the collector to read the ${written} verdicts`, () =>
        collector.verdicts.length >= written ? true : undefined,
      );
    } finally {
      await admin.disconnect();
    }
    return { ids, collector };
  }

  it('a rewound group reads the whole stream again and answers none of it twice', async () => {
    const { ids, collector } = await redeliverAll(600, {});
    expect(collector.deadLetters).toEqual([]);
    expect(collector.verdicts.map((v) => v.verdict.transaction_id).sort()).toEqual([...ids].sort());
  });

  it('with the ledger off, the same rewind answers every transaction again, identically', async () => {
    const { ids, collector } = await redeliverAll(200, { FS_DELIVERY_LEDGER_TTL_MS: '0' });
    const decisions = new Map<string, Set<string>>();
    for (const { verdict } of collector.verdicts) {
      const seen = decisions.get(verdict.transaction_id) ?? new Set<string>();
      seen.add(`${verdict.decision} ${verdict.score}`);
      decisions.set(verdict.transaction_id, seen);
    }
    expect(collector.verdicts).toHaveLength(2 * ids.length);
    expect([...decisions.values()].every((s) => s.size === 1)).toBe(true);
  });
});
