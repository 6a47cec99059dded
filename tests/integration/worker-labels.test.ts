// Fraud labels: the label consumer applies them to the terminal state, idempotently; the terminal
// features of later transactions reflect a label once the feedback delay has passed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisFeatureStore } from '@fraudstream/models';
import type { FraudLabel } from '@fraudstream/schemas';
import type { ScoringWorker } from '@fraudstream/workers';
import { RecordCollector } from '../support/collector';
import { startInProcessWorker } from '../support/in-process-worker';
import { testProducer } from '../support/kafka';
import { committedArtifact, TestModelStore } from '../support/model-store';
import { harnessRedis, waitFor } from '../support/services';
import { produceTransactions, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

interface Manifest {
  features: string[];
  featureOptions: { feedbackDelayDays: number; customerBucketMs: number; terminalBucketMs: number };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('scoring worker: fraud labels', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  const manifest = JSON.parse(
    readFileSync(join(committedArtifact(), 'manifest.json'), 'utf8'),
  ) as Manifest;

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 2 });
    worker = await startInProcessWorker(fixture.env());
    collector = await RecordCollector.start(fixture.topics);
  });

  afterAll(async () => {
    await collector?.stop();
    await worker?.stop('test done');
    await fixture?.cleanup([collector?.groupId ?? '']);
    await store?.destroy();
  });

  it('reflects a fraud label in the terminal features after the feedback delay, once', async () => {
    const delayMs = manifest.featureOptions.feedbackDelayDays * DAY;
    const t0 = Date.UTC(2018, 5, 1, 12);
    const terminal = `${fixture.id}-terminal`;
    const fraud = {
      transaction_id: `${fixture.id}-fraud`,
      event_time: t0,
      customer_id: `${fixture.id}-victim`,
      terminal_id: terminal,
      amount_minor: 25_000,
      currency: 'EUR',
      channel: 'POS' as const,
      merchant_category: null,
      merchant_country: null,
    };
    const encoder = await new TransactionEncoder().prepare();
    const producer = await testProducer();
    await produceTransactions(producer, fixture.topics.transactions, [fraud], encoder);
    await collector.waitForVerdicts([fraud.transaction_id]);

    const label: FraudLabel = {
      transaction_id: fraud.transaction_id,
      customer_id: fraud.customer_id,
      terminal_id: terminal,
      is_fraud: true,
      event_time: t0,
      labelled_at: t0 + HOUR,
      source: 'ANALYST_REVIEW',
      fraud_scenario: 2,
    };
    const labelBytes = encoder.avro.encodeSync('FraudLabel', label);
    // Sent twice: applying is idempotent per transaction id.
    await producer.send({
      topic: fixture.topics.labels,
      acks: -1,
      messages: [
        { key: label.customer_id, value: labelBytes },
        { key: label.customer_id, value: labelBytes },
      ],
    });
    await producer.disconnect();
    const redis = harnessRedis(fixture.redisUrl);
    try {
      await waitFor('the label to be applied', async () =>
        (await redis.exists(`${fixture.featurePrefix}l:${fraud.transaction_id}`)) === 1
          ? true
          : undefined,
      );
    } finally {
      redis.disconnect();
    }

    // Probe the terminal as later transactions see it, through the same store and options.
    const probeRedis = harnessRedis(fixture.redisUrl);
    const probe = new RedisFeatureStore(
      { ...manifest.featureOptions, url: fixture.redisUrl, keyPrefix: fixture.featurePrefix },
      probeRedis,
    );
    try {
      const frauds7d = manifest.features.indexOf('terminal_nb_fraud_7d');
      const risk7d = manifest.features.indexOf('terminal_risk_7d');
      expect(frauds7d).toBeGreaterThanOrEqual(0);
      const at = (
        id: string,
        time: number,
      ): {
        transaction_id: string;
        event_time: number;
        customer_id: string;
        terminal_id: string;
        amount: number;
      } => ({
        transaction_id: `${fixture.id}-${id}`,
        event_time: time,
        customer_id: `${fixture.id}-other`,
        terminal_id: terminal,
        amount: 10,
      });
      const [before, after] = await probe.computeBatch([
        at('before-delay', t0 + delayMs / 2),
        at('after-delay', t0 + delayMs + HOUR),
      ]);
      expect(before?.[frauds7d]).toBe(0);
      expect(after?.[frauds7d]).toBe(1);
      expect(after?.[risk7d]).toBeGreaterThan(0);
    } finally {
      await probe.close();
      probeRedis.disconnect();
    }
    expect(collector.deadLetters).toEqual([]);
  });
});
