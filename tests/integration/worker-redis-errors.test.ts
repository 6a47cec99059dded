// Redis up but refusing writes (out of memory, a read-only replica) in the middle of a stream of
// transactions and labels: the worker pauses both consumers instead of dead-lettering or
// crashing, is not ready while paused, resumes by itself once Redis takes writes again, and
// loses nothing (issue #17: an OOM used to kill the label consumer of every worker in turn).
import type { FraudLabel } from '@fraudstream/schemas';
import type { ScoringWorker } from '@fraudstream/workers';
import Redis from 'ioredis';
import type { Producer } from 'kafkajs';
import { RecordCollector } from '../support/collector';
import { customerCounts, expectedCounts, terminalFraudCounts } from '../support/feature-state';
import { startInProcessWorker, type CapturedLog } from '../support/in-process-worker';
import { testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { freePort, TestRedisServer } from '../support/redis-server';
import { sleep, waitFor } from '../support/services';
import { simulatedStream, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

const PAUSED = 'Redis unavailable: pausing consumption until it accepts writes';
const RESUMED = 'Redis is back: resuming consumption';
/** 10 transactions (and their labels) every 200 ms: 50 tx/s, as in the issue. */
const PER_TICK = 10;
const TICK_MS = 200;
const SQUEEZE_MS = 4_000;

/** How a case makes Redis refuse writes, and the error reply a write then gets. */
interface Squeeze {
  readonly name: string;
  readonly refusal: RegExp;
  /** Streams transactions as well as labels (false: labels only, the label path alone). */
  readonly transactions: boolean;
  start(admin: Redis, prefix: string): Promise<void>;
  stop(admin: Redis): Promise<void>;
}

const OUT_OF_MEMORY = {
  refusal: /^OOM command not allowed/,
  async start(admin: Redis, prefix: string): Promise<void> {
    // Used memory must exceed the limit: about 3 MB of filler under the test's key prefix.
    const fill = admin.pipeline();
    for (let i = 0; i < 3_000; i += 1) fill.set(`${prefix}fill:${i}`, 'x'.repeat(1_000));
    await fill.exec();
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1mb');
  },
  async stop(admin: Redis): Promise<void> {
    await admin.config('SET', 'maxmemory', '0');
  },
};

const SQUEEZES: readonly Squeeze[] = [
  { name: 'out of memory', transactions: true, ...OUT_OF_MEMORY },
  { name: 'out of memory, labels only', transactions: false, ...OUT_OF_MEMORY },
  {
    name: 'a read-only replica',
    transactions: true,
    refusal: /^READONLY /,
    // A replica of a port nobody listens on: read-only at once, and it never syncs (which
    // would replace the feature state with the master's).
    async start(admin: Redis): Promise<void> {
      await admin.call('REPLICAOF', '127.0.0.1', String(await freePort()));
    },
    async stop(admin: Redis): Promise<void> {
      await admin.call('REPLICAOF', 'NO', 'ONE');
    },
  },
];

/** GET `path` on the worker's health port: status and JSON body. */
async function health(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.json() };
}

describe('scoring worker: Redis refusing writes', () => {
  let store: TestModelStore;
  let redis: TestRedisServer;
  let admin: Redis;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  let producer: Producer;
  let encoder: TransactionEncoder;
  const logs: CapturedLog[] = [];

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    redis = await TestRedisServer.start();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    fixture = await WorkerFixture.create({ modelDir: store.dir, redisUrl: redis.url });
    worker = await startInProcessWorker(fixture.env({ FS_MAX_BATCH_SIZE: '50' }), {}, logs);
    collector = await RecordCollector.start(fixture.topics);
    producer = await testProducer();
    encoder = await new TransactionEncoder().prepare();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await collector?.stop();
    await worker?.stop('test done');
    admin?.disconnect();
    await fixture?.cleanup([collector?.groupId ?? '']);
    await redis?.destroy();
    await store?.destroy();
  });

  it.each(SQUEEZES)(
    '$name: pauses, is not ready, resumes by itself and loses nothing',
    async (squeeze) => {
      const runId = `${fixture.id}-${squeeze.name.replace(/\W+/g, '')}`;
      const stream = simulatedStream(500, runId).map((s) => s.tx);
      // Every third transaction confirmed as fraud: each label adds one to its terminal.
      const labels: FraudLabel[] = stream
        .filter((_, i) => i % 3 === 0)
        .map((tx) => ({
          transaction_id: tx.transaction_id,
          customer_id: tx.customer_id,
          terminal_id: tx.terminal_id,
          is_fraud: true,
          event_time: tx.event_time,
          labelled_at: tx.event_time + 3_600_000,
          source: 'ANALYST_REVIEW',
          fraud_scenario: 1,
        }));
      const pausesBefore = logs.filter((l) => l.msg === PAUSED).length;
      const resumesBefore = logs.filter((l) => l.msg === RESUMED).length;

      // A steady stream in the background, through the whole squeeze.
      const streamed = (async () => {
        for (let tick = 0; tick * PER_TICK < stream.length; tick += 1) {
          const txs = stream.slice(tick * PER_TICK, (tick + 1) * PER_TICK);
          const ids = new Set(txs.map((t) => t.transaction_id));
          const topicMessages = [
            {
              topic: fixture.topics.labels,
              messages: labels
                .filter((l) => ids.has(l.transaction_id))
                .map((l) => ({
                  key: l.customer_id,
                  value: encoder.avro.encodeSync('FraudLabel', l),
                })),
            },
          ];
          if (squeeze.transactions)
            topicMessages.push({
              topic: fixture.topics.transactions,
              messages: txs.map((tx) => ({ key: tx.customer_id, value: encoder.encode(tx) })),
            });
          await producer.sendBatch({ acks: -1, topicMessages });
          await sleep(TICK_MS);
        }
      })();
      const wanted = squeeze.transactions ? stream.map((t) => t.transaction_id) : [];
      try {
        const port = worker.healthPort;
        await sleep(1_500);

        await squeeze.start(admin, fixture.featurePrefix);
        // A real write proves Redis now refuses them.
        await expect(admin.set(`${fixture.featurePrefix}refused`, 'x')).rejects.toThrow(
          squeeze.refusal,
        );
        await waitFor('the worker to pause', () =>
          logs.filter((l) => l.msg === PAUSED).length > pausesBefore ? true : undefined,
        );
        const pause = logs.filter((l) => l.msg === PAUSED)[pausesBefore];
        expect(JSON.stringify(pause)).toMatch(squeeze.refusal.source.replace(/^\^/, ''));
        // Paused: alive (/healthz 200, saying so) and not ready, the whole time.
        const readyz: number[] = [];
        const until = Date.now() + SQUEEZE_MS;
        while (Date.now() < until) {
          readyz.push((await health(port, '/readyz')).status);
          await sleep(100);
        }
        const healthz = await health(port, '/healthz');
        expect(healthz.status).toBe(200);
        expect(healthz.body).toMatchObject({ paused: true, redisGate: { open: false } });
        expect(readyz.length).toBeGreaterThan(10);
        expect(readyz.every((s) => s === 503)).toBe(true);
        expect((await health(port, '/readyz')).body).toMatchObject({
          ready: false,
          checks: { redis: { ok: false } },
        });

        await squeeze.stop(admin);
        await waitFor('/readyz to answer 200 again', async () =>
          (await health(port, '/readyz')).status === 200 ? true : undefined,
        );
        expect(logs.filter((l) => l.msg === RESUMED).length).toBeGreaterThan(resumesBefore);
      } finally {
        // Writes back on whatever happened, for the next case.
        await squeeze.stop(admin);
      }
      await streamed;

      await collector.waitForVerdicts(wanted);
      const expectedFrauds = new Map<string, number>();
      for (const l of labels)
        expectedFrauds.set(l.terminal_id, (expectedFrauds.get(l.terminal_id) ?? 0) + 1);
      await waitFor(
        `${labels.length} labels applied`,
        async () => {
          const counted = await terminalFraudCounts(
            redis.url,
            fixture.featurePrefix,
            expectedFrauds.keys(),
          );
          return [...expectedFrauds].every(([t, n]) => counted.get(t) === n) ? counted : undefined;
        },
        30_000,
      );
      // Exactly one verdict per transaction, nothing dead-lettered, nothing counted twice.
      const perId = new Map<string, number>();
      for (const { verdict } of collector.verdicts)
        if (verdict.transaction_id.startsWith(`${runId}-`))
          perId.set(verdict.transaction_id, (perId.get(verdict.transaction_id) ?? 0) + 1);
      expect(perId).toEqual(new Map(wanted.map((id) => [id, 1])));
      expect(collector.deadLetters).toEqual([]);
      expect(
        await terminalFraudCounts(redis.url, fixture.featurePrefix, expectedFrauds.keys()),
      ).toEqual(expectedFrauds);
      if (squeeze.transactions) {
        const expected = expectedCounts(stream);
        expect(await customerCounts(redis.url, fixture.featurePrefix, expected.keys())).toEqual(
          expected,
        );
      }
      // Still running: no consumer crashed, the worker did not stop itself.
      expect(worker.fatalError).toBeUndefined();
      expect(worker.ready).toBe(true);
    },
    120_000,
  );
});
