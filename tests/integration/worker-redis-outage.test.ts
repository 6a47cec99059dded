// Redis stopped for a few seconds in the middle of a stream: the worker pauses its partitions,
// probes, resumes by itself when Redis is back, and loses nothing.
import type { ScoringWorker } from '@fraudstream/workers';
import { RecordCollector } from '../support/collector';
import { customerCounts, expectedCounts } from '../support/feature-state';
import { startInProcessWorker, type CapturedLog } from '../support/in-process-worker';
import { testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { TestRedisServer } from '../support/redis-server';
import { sleep, waitFor } from '../support/services';
import { produceTransactions, simulatedStream, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

describe('scoring worker: Redis outage', () => {
  let store: TestModelStore;
  let redis: TestRedisServer;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  const logs: CapturedLog[] = [];

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    redis = await TestRedisServer.start();
    fixture = await WorkerFixture.create({ modelDir: store.dir, redisUrl: redis.url });
    worker = await startInProcessWorker(fixture.env({ FS_MAX_BATCH_SIZE: '50' }), {}, logs);
    collector = await RecordCollector.start(fixture.topics);
  });

  afterAll(async () => {
    await collector?.stop();
    await worker?.stop('test done');
    await fixture?.cleanup([collector?.groupId ?? '']);
    await redis?.destroy();
    await store?.destroy();
  });

  it('pauses while Redis is down, resumes by itself, and scores every transaction once', async () => {
    const stream = simulatedStream(600, fixture.id).map((s) => s.tx);
    const before = stream.slice(0, 300);
    const during = stream.slice(300);
    const encoder = await new TransactionEncoder().prepare();
    const producer = await testProducer();
    await produceTransactions(producer, fixture.topics.transactions, before, encoder);
    await collector.waitForVerdicts(before.slice(0, 50).map((t) => t.transaction_id));

    await redis.down();
    await produceTransactions(producer, fixture.topics.transactions, during, encoder);
    await waitFor('the worker to pause', () =>
      logs.find((l) => l.msg === 'Redis unavailable: pausing consumption until it accepts writes'),
    );
    await sleep(3_000);
    const scoredWhileDown = collector.verdictIds().size;
    await redis.up();

    await collector.waitForVerdicts(stream.map((t) => t.transaction_id));
    await producer.disconnect();
    expect(logs.some((l) => l.msg === 'Redis is back: resuming consumption')).toBe(true);
    // Nothing was scored without Redis: the records waited in Kafka.
    expect(scoredWhileDown).toBeLessThan(stream.length);
    expect(collector.verdicts.every((v) => !v.verdict.degraded)).toBe(true);
    expect(collector.deadLetters).toEqual([]);
    const expected = expectedCounts(stream);
    expect(await customerCounts(redis.url, fixture.featurePrefix, expected.keys())).toEqual(
      expected,
    );
  });
});
