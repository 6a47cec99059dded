// The label consumer on a retriable failure that is not Redis's: a bad label's dead letter
// cannot be produced because the dead-letter topic is gone (deleted for real on the broker). The
// consumer must try the same labels again with backoff, never crash or drop them, and dead-letter
// the bad one once the topic is back.
import type { FraudLabel } from '@fraudstream/schemas';
import Redis from 'ioredis';
import { RecordCollector } from '../support/collector';
import { testKafka, testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { waitFor } from '../support/services';
import { TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';
import { WorkerProcess } from '../support/worker-process';

/** The sum of a counter's samples at /metrics whose labels contain `labels`. */
async function counter(port: number, series: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${series}{`) && l.includes(labels))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('scoring worker: label failures that are not Redis', () => {
  let store: TestModelStore;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('retries a label whose dead letter cannot be produced, then dead-letters it, and never stops consuming', async () => {
    const fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 2 });
    const groups: string[] = [];
    cleanups.push(() => fixture.cleanup(groups));
    const worker = new WorkerProcess('worker', fixture.env({ FS_RETRY_MAX_DELAY_MS: '400' }));
    cleanups.push(() => worker.stop());
    await worker.ready();
    const port = await worker.healthPort();

    const admin = testKafka().admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await admin.deleteTopics({ topics: [fixture.topics.deadLetters] });

    // One key: the bad record and a good label after it are in the same partition and chunk.
    const encoder = await new TransactionEncoder().prepare();
    const good: FraudLabel = {
      transaction_id: `${fixture.id}-tx`,
      customer_id: `${fixture.id}-c`,
      terminal_id: `${fixture.id}-t`,
      is_fraud: true,
      event_time: Date.UTC(2018, 5, 1),
      labelled_at: Date.UTC(2018, 5, 2),
      source: 'ANALYST_REVIEW',
      fraud_scenario: 1,
    };
    const producer = await testProducer();
    cleanups.push(() => producer.disconnect());
    await producer.send({
      topic: fixture.topics.labels,
      acks: -1,
      messages: [
        { key: good.customer_id, value: Buffer.from('not a FraudLabel record') },
        { key: good.customer_id, value: encoder.avro.encodeSync('FraudLabel', good) },
      ],
    });

    const retries = (): Promise<number> =>
      counter(port, 'fraudstream_label_retries_total', 'reason="FS_PRODUCE_FAILED"');
    await waitFor('two retries of the label chunk', async () =>
      (await retries()) >= 2 ? true : undefined,
    );

    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: fixture.topics.deadLetters, numPartitions: 2 }],
    });
    const collector = await RecordCollector.start(fixture.topics);
    groups.push(collector.groupId);
    cleanups.push(() => collector.stop());
    await collector.waitForDeadLetters(1, 90_000);

    expect(collector.deadLetters.map((d) => d.reason_code)).toEqual(['FS_DECODE_MAGIC_BYTE']);
    expect(collector.deadLetters[0]?.source_topic).toBe(fixture.topics.labels);
    expect(
      await counter(port, 'fraudstream_dead_letters_total', 'reason="FS_DECODE_MAGIC_BYTE"'),
    ).toBe(1);
    // The good label beside it was applied, once for all the attempts (idempotent).
    const redis = new Redis(fixture.redisUrl);
    try {
      expect(await redis.exists(`${fixture.featurePrefix}l:${good.transaction_id}`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    // The consumer never crashed nor stopped: the same process is still running and ready.
    const exit = await Promise.race([worker.exited, Promise.resolve(undefined)]);
    expect(exit).toBeUndefined();
    expect(worker.logs.filter((l) => /crash/i.test(String(l.msg)))).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(worker.logs.some((l) => String(l.msg).startsWith('applying labels failed'))).toBe(true);
  });
});
