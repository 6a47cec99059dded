// Real worker processes: SIGKILL in the middle of a batch and a restart; SIGTERM in the middle
// of a stream; two workers sharing the partitions.
import { RecordCollector } from '../support/collector';
import { customerCounts, expectedCounts } from '../support/feature-state';
import { testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { countKeys } from '../support/redis';
import { sleep, waitFor } from '../support/services';
import { produceTransactions, simulatedStream, TransactionEncoder } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';
import { WorkerProcess } from '../support/worker-process';

describe('scoring worker processes', () => {
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

  async function setUp(
    partitions = 4,
  ): Promise<{ fixture: WorkerFixture; collector: RecordCollector }> {
    const fixture = await WorkerFixture.create({ modelDir: store.dir, partitions });
    const collector = await RecordCollector.start(fixture.topics);
    cleanups.push(async () => {
      await collector.stop();
      await fixture.cleanup([collector.groupId]);
    });
    return { fixture, collector };
  }

  function spawn(name: string, env: Record<string, string>): WorkerProcess {
    const w = new WorkerProcess(name, env);
    running.push(w);
    return w;
  }

  it('SIGKILL mid-batch and a restart: every transaction has a verdict, none counted twice', async () => {
    const { fixture, collector } = await setUp();
    const env = fixture.env({ FS_MAX_BATCH_SIZE: '200' });
    const first = spawn('worker-1', env);
    await first.ready();
    const stream = simulatedStream(4000, fixture.id).map((s) => s.tx);
    const encoder = await new TransactionEncoder().prepare();
    const producer = await testProducer();
    await produceTransactions(producer, fixture.topics.transactions, stream, encoder);
    await waitFor('some verdicts', () => (collector.verdictIds().size >= 300 ? true : undefined));

    // Catch the worker mid-batch: freeze it, and kill it when a chunk's features are recorded in
    // Redis but its verdicts are not all out; otherwise let it run a little and look again.
    let computed = 0;
    let verdicted = 0;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      first.kill('SIGSTOP');
      await sleep(300);
      computed = await countKeys(fixture.redisUrl, `${fixture.featurePrefix}x:*`);
      verdicted = collector.verdictIds().size;
      if (computed > verdicted) break;
      first.kill('SIGCONT');
      await sleep(10 + attempt * 3);
    }
    first.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    expect(computed).toBeGreaterThan(verdicted);
    expect(verdicted).toBeLessThan(stream.length);

    const second = spawn('worker-2', env);
    await second.ready();
    await collector.waitForVerdicts(stream.map((t) => t.transaction_id));
    await producer.disconnect();

    expect(collector.deadLetters).toEqual([]);
    // A redelivered transaction got the same features, so the same score.
    const scores = new Map<string, number>();
    for (const { verdict } of collector.verdicts) {
      const seen = scores.get(verdict.transaction_id);
      if (seen === undefined) scores.set(verdict.transaction_id, verdict.score);
      else expect(verdict.score).toBeCloseTo(seen, 6);
    }
    // The transactions caught mid-batch were scored again, and still counted once.
    const expected = expectedCounts(stream);
    expect(await customerCounts(fixture.redisUrl, fixture.featurePrefix, expected.keys())).toEqual(
      expected,
    );
  });

  it('SIGTERM mid-stream: the worker finishes its batch, commits, exits 0, and nothing is lost', async () => {
    const { fixture, collector } = await setUp();
    const env = fixture.env({ FS_MAX_BATCH_SIZE: '25' });
    const first = spawn('worker-1', env);
    await first.ready();
    const stream = simulatedStream(1500, fixture.id).map((s) => s.tx);
    const producer = await testProducer();
    await produceTransactions(
      producer,
      fixture.topics.transactions,
      stream,
      await new TransactionEncoder().prepare(),
    );
    await waitFor('some verdicts', () => (collector.verdictIds().size >= 200 ? true : undefined));
    first.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.logs.some((l) => l.msg === 'stopped')).toBe(true);

    const second = spawn('worker-2', env);
    await second.ready();
    await collector.waitForVerdicts(stream.map((t) => t.transaction_id));
    await producer.disconnect();
    expect(collector.deadLetters).toEqual([]);
    // A clean stop commits what it verdicted: the restart does not score those again.
    expect(collector.verdicts.length).toBe(stream.length);
  });

  it('two workers: all partitions served, each transaction verdicted', async () => {
    const { fixture, collector } = await setUp(4);
    const env = fixture.env();
    const a = spawn('worker-a', env);
    const b = spawn('worker-b', env);
    await Promise.all([a.ready(), b.ready()]);
    const stream = simulatedStream(800, fixture.id).map((s) => s.tx);
    const producer = await testProducer();
    await produceTransactions(
      producer,
      fixture.topics.transactions,
      stream,
      await new TransactionEncoder().prepare(),
    );
    await collector.waitForVerdicts(stream.map((t) => t.transaction_id));
    await producer.disconnect();

    const assigned = (w: WorkerProcess): number[] => {
      const last = [...w.logs]
        .reverse()
        .find((l) => l.msg === 'partitions assigned' && l.groupId === fixture.consumerGroup);
      return (last?.partitions as number[] | undefined) ?? [];
    };
    const partsA = assigned(a);
    const partsB = assigned(b);
    expect(partsA.length).toBeGreaterThan(0);
    expect(partsB.length).toBeGreaterThan(0);
    expect([...partsA, ...partsB].sort()).toEqual([0, 1, 2, 3]);
    expect(collector.verdictIds().size).toBe(stream.length);
    expect(collector.deadLetters).toEqual([]);
    // Each worker counts its own verdicts on its health port's /metrics, and records the
    // end-to-end latency of every one of them (sampled for tracing or not).
    const scrapes = await Promise.all(
      [a, b].map(async (w) => {
        const text = await (await fetch(`http://127.0.0.1:${await w.healthPort()}/metrics`)).text();
        const verdicts = [...text.matchAll(/^fraudstream_verdicts_total\{[^}]*\} (\d+)/gm)].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
        const latencies = Number(/^fraudstream_e2e_latency_ms_count (\d+)/m.exec(text)?.[1] ?? -1);
        return { verdicts, latencies };
      }),
    );
    expect(scrapes.every((s) => s.verdicts > 0)).toBe(true);
    expect(scrapes.map((s) => s.latencies)).toEqual(scrapes.map((s) => s.verdicts));
    expect(scrapes.reduce((x, s) => x + s.verdicts, 0)).toBe(stream.length);
  });
});
