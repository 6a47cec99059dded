// A model swap mid-stream: CURRENT is moved to a new version while transactions flow; the new
// version is loaded and warmed before it takes over between batches, verdicts switch version,
// none are lost. And a version published before its files finished copying: refused by its
// checksums, the current model keeps scoring, and the version is taken once it is complete.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScoringWorker } from '@fraudstream/workers';
import { RecordCollector } from '../support/collector';
import { startInProcessWorker, type CapturedLog } from '../support/in-process-worker';
import { testProducer } from '../support/kafka';
import { committedArtifact, TestModelStore } from '../support/model-store';
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

  it('keeps the current model while a published version is incomplete, and takes it once complete', async () => {
    // model-c's weights are half copied when CURRENT is moved to it.
    const dir = join(store.dir, 'model-c');
    await cp(committedArtifact(), dir, { recursive: true });
    const weights = await readFile(join(dir, 'weights.bin'));
    await writeFile(join(dir, 'weights.bin'), weights.subarray(0, weights.length >> 1));
    const stream = simulatedStream(300, `${fixture.id}-c`).map((s) => s.tx);
    const encoder = await new TransactionEncoder().prepare();
    const producer = await testProducer();
    const before = collector.verdicts.length;
    await store.setCurrent('model-c');
    await waitFor(
      'the load failure',
      () => logs.find((l) => String(l.msg).startsWith('new model failed to load') && l.dir === dir),
      60_000,
      () => JSON.stringify(logs.filter((l) => String(l.msg).includes('model')).slice(-5)),
    );
    await produceTransactions(producer, fixture.topics.transactions, stream.slice(0, 150), encoder);
    await collector.waitForVerdicts(stream.slice(0, 150).map((t) => t.transaction_id));
    const failure = logs.find(
      (l) => String(l.msg).startsWith('new model failed to load') && l.dir === dir,
    );
    expect(JSON.stringify(failure?.error)).toMatch(/weights\.bin: sha256 [0-9a-f]{64}, expected/);
    expect(worker.models?.version).toBe('model-b');

    // The copy finishes: the version is tried again after its back-off and takes over.
    await writeFile(join(dir, 'weights.bin'), weights);
    await waitFor('the swap to model-c', () =>
      logs.find((l) => l.msg === 'model swapped' && l.to === 'model-c'),
    );
    await produceTransactions(producer, fixture.topics.transactions, stream.slice(150), encoder);
    await producer.disconnect();
    await collector.waitForVerdicts(stream.map((t) => t.transaction_id));

    const mine = collector.verdicts.slice(before);
    expect(mine).toHaveLength(stream.length);
    const versions = mine.map((v) => v.verdict.model_version);
    expect(versions.slice(0, 150).every((v) => v === 'model-b')).toBe(true);
    expect(versions.slice(150).every((v) => v === 'model-c')).toBe(true);
    expect(collector.deadLetters).toHaveLength(0);
  });
});
