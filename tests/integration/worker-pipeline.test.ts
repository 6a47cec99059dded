// The pipeline against the real Kafka, Redis and model: N transactions in, exactly N verdicts
// out; bad input dead-lettered with its reason code while the records after it are scored; and
// the worker's scores equal the offline model's for the same stream (train/serve parity).
import type { ScoringWorker } from '@fraudstream/workers';
import { RecordCollector } from '../support/collector';
import { startInProcessWorker } from '../support/in-process-worker';
import { testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { offlineScores } from '../support/offline-model';
import {
  produceTransactions,
  simulatedStream,
  TransactionEncoder,
  type TestTransaction,
} from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

function band(score: number, t: { review: number; decline: number }): string {
  return score >= t.decline ? 'DECLINE' : score >= t.review ? 'REVIEW' : 'APPROVE';
}

describe('scoring worker: pipeline', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  let encoder: TransactionEncoder;
  let stream: TestTransaction[];

  beforeAll(async () => {
    store = await TestModelStore.create(['champion-v1', 'challenger-v0']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 4 });
    worker = await startInProcessWorker(fixture.env({ FS_CHALLENGER_MODEL: 'challenger-v0' }));
    collector = await RecordCollector.start(fixture.topics);
    encoder = await new TransactionEncoder().prepare();
    stream = simulatedStream(1000, fixture.id);
  });

  afterAll(async () => {
    await collector?.stop();
    await worker?.stop('test done');
    await fixture?.cleanup([collector?.groupId ?? '']);
    await store?.destroy();
  });

  it('N transactions in, exactly N verdicts out, each decision consistent with its score', async () => {
    const producer = await testProducer();
    await produceTransactions(
      producer,
      fixture.topics.transactions,
      stream.map((s) => s.tx),
      encoder,
    );
    await producer.disconnect();
    await collector.waitForVerdicts(stream.map((s) => s.tx.transaction_id));

    expect(collector.verdicts).toHaveLength(stream.length);
    expect(collector.verdictIds().size).toBe(stream.length);
    const byId = new Map(stream.map((s) => [s.tx.transaction_id, s.tx]));
    for (const { verdict, key } of collector.verdicts) {
      const tx = byId.get(verdict.transaction_id);
      expect(key).toBe(tx?.customer_id);
      expect(verdict).toMatchObject({
        customer_id: tx?.customer_id,
        event_time: tx?.event_time,
        model_version: 'champion-v1',
        degraded: false,
      });
      expect(verdict.score).toBeGreaterThanOrEqual(0);
      expect(verdict.score).toBeLessThanOrEqual(1);
      expect(verdict.decision).toBe(band(verdict.score, verdict.thresholds));
    }
    expect(collector.deadLetters).toEqual([]);
  });

  it('scores the challenger in shadow beside the champion, without changing the decision', () => {
    for (const { verdict, headers } of collector.verdicts) {
      expect(verdict.model_version).toBe('champion-v1');
      expect(headers['fs-challenger-version']).toBe('challenger-v0');
      // Here the challenger is the same artifact under another name: the same score.
      expect(Number(headers['fs-challenger-score'])).toBeCloseTo(verdict.score, 6);
      expect(headers['fs-challenger-decision']).toBe(verdict.decision);
    }
  });

  it("train/serve parity: the worker's scores equal the offline model's for the same stream", async () => {
    const offline = await offlineScores(stream, store.dir, 'champion-v1');
    const online = new Map(
      collector.verdicts.map((v) => [v.verdict.transaction_id, v.verdict.score]),
    );
    expect(online.size).toBe(offline.size);
    let maxDiff = 0;
    for (const [id, score] of offline) {
      const served = online.get(id);
      expect(served).toBeDefined();
      maxDiff = Math.max(maxDiff, Math.abs((served ?? Number.NaN) - score));
    }
    // Float32 inference over the same feature vectors: equal up to float rounding.
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('dead-letters garbage, an unknown schema id and an invalid amount, and scores the records after them', async () => {
    const good = simulatedStream(1004, fixture.id)
      .slice(1000)
      .map((s) => s.tx);
    const [g0, g1, g2, g3] = good;
    if (!g0 || !g1 || !g2 || !g3) throw new Error('need four transactions');
    const garbage = Buffer.from('definitely not an Avro record');
    const valid = encoder.encode(g1);
    const unknownSchema = Buffer.concat([Buffer.from([0, 0, 0, 0x7a, 0x69]), valid.subarray(5)]);
    const invalidAmount = encoder.encode({
      ...g2,
      transaction_id: `${g2.transaction_id}-bad`,
      amount_minor: -100,
    });
    const producer = await testProducer();
    // One partition, in this order: each bad record is followed by a good one.
    await producer.send({
      topic: fixture.topics.transactions,
      acks: -1,
      messages: [
        { key: 'bad', value: garbage, partition: 1 },
        { key: g0.customer_id, value: encoder.encode(g0), partition: 1 },
        {
          key: 'bad',
          value: unknownSchema,
          partition: 1,
          headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        },
        { key: g1.customer_id, value: valid, partition: 1 },
        { key: g2.customer_id, value: invalidAmount, partition: 1 },
        { key: g2.customer_id, value: encoder.encode(g2), partition: 1 },
        { key: g3.customer_id, value: encoder.encode(g3), partition: 1 },
      ],
    });
    await producer.disconnect();
    await collector.waitForDeadLetters(3);
    await collector.waitForVerdicts(good.map((t) => t.transaction_id));

    const dead = [...collector.deadLetters].sort((a, b) => a.source_offset - b.source_offset);
    expect(dead.map((d) => d.reason_code)).toEqual([
      'FS_DECODE_MAGIC_BYTE',
      'FS_DECODE_UNKNOWN_SCHEMA_ID',
      'FS_INVALID_AMOUNT',
    ]);
    expect(dead.map((d) => d.original_value)).toEqual([garbage, unknownSchema, invalidAmount]);
    for (const d of dead)
      expect(d).toMatchObject({
        source_topic: fixture.topics.transactions,
        source_partition: 1,
        attempt_count: 1,
      });
    expect(dead[1]?.original_headers).toEqual([
      {
        key: 'traceparent',
        value: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
      },
    ]);
    expect(dead[0]?.original_key).toEqual(Buffer.from('bad'));
  });
});
