// A model swap mid-stream: CURRENT is moved to a new version while transactions flow; the new
// version is loaded and warmed before it takes over between batches, verdicts switch version,
// none are lost.
import type { ScoringWorker } from '@fraudstream/workers';
import { RecordCollector } from '../support/collector';
import { startInProcessWorker, type CapturedLog } from '../support/in-process-worker';
import { testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { sleep, waitFor } from '../support/services';
import { produceTransactions, simulatedStream, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

describe('scoring worker: model hot swap', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  const logs: CapturedLog[] = [];

  beforeAll(async () => {
    store = await TestModelStore.create(['model-a', 'model-b']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 2 });
    worker = await startInProcessWorker(fixture.env({ FS_MAX_BATCH_SIZE: '20' }), {}, logs);
    collector = await RecordCollector.start(fixture.topics);
  });

  afterAll(async () => {
    await collector?.stop();
    await worker?.stop('test done');
    await fixture?.cleanup([collector?.groupId ?? '']);
    await store?.destroy();
  });

  it('switches verdicts to the new version mid-stream without losing any', async () => {
    const stream = simulatedStream(900, fixture.id).map((s) => s.tx);
    const encoder = await new TransactionEncoder().prepare();
    const producer = await testProducer();
    // A steady trickle, with the pointer moved a third of the way through.
    for (let i = 0; i < stream.length; i += 30) {
      await produceTransactions(
        producer,
        fixture.topics.transactions,
        stream.slice(i, i + 30),
        encoder,
      );
      if (i === 300) await store.setCurrent('model-b');
      await sleep(20);
    }
    await producer.disconnect();
    await collector.waitForVerdicts(stream.map((t) => t.transaction_id));
    await waitFor('the swap', () => logs.find((l) => l.msg === 'model swapped'));

    expect(collector.verdicts).toHaveLength(stream.length);
    const versions = collector.verdicts.map((v) => v.verdict.model_version);
    expect(new Set(versions)).toEqual(new Set(['model-a', 'model-b']));
    // Per partition the version switches once, from a to b, never back.
    for (const partition of [0, 1]) {
      const seq = collector.verdicts
        .filter((v) => v.partition === partition)
        .map((v) => v.verdict.model_version);
      const firstB = seq.indexOf('model-b');
      expect(firstB).toBeGreaterThan(-1);
      expect(seq.slice(firstB).every((v) => v === 'model-b')).toBe(true);
    }
    expect(logs.find((l) => l.msg === 'model swapped')).toMatchObject({
      from: 'model-a',
      to: 'model-b',
    });
    expect(worker.models?.version).toBe('model-b');
  });
});
