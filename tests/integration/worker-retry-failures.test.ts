// Every way a retry job can end without a verdict ends in exactly one dead letter, against the
// real Kafka and a test-owned Redis (BullMQ's queue and the feature state):
//   - the last attempt fails with an unexpected error (a bug in the send path, not a transient
//     failure): dead-lettered FS_RETRY_EXHAUSTED by the retry processor;
//   - a real stall: a `fraudstream worker` process holding the job is frozen (SIGSTOP) past its
//     lock, another worker's stall check takes the job back and, past FS_RETRY_MAX_STALLED_COUNT
//     (0 here), BullMQ fails it: dead-lettered FS_RETRY_STALLED. The frozen worker, woken up
//     (SIGCONT) in the middle of the job, produces nothing: it lost the job's lock.
// No verdict is lost or doubled, and the retry counters move.
import { resolve } from 'node:path';
import {
  initTelemetry,
  type PublishStage,
  type ScoringWorker,
  type Telemetry,
} from '@fraudstream/workers';
import { RecordCollector } from '../support/collector';
import { FeatureFaults } from '../support/faults';
import { startInProcessWorker } from '../support/in-process-worker';
import { TestModelStore } from '../support/model-store';
import { TestRedisServer } from '../support/redis-server';
import { sleep } from '../support/services';
import { sendTransactions, simulatedStream } from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';
import { WorkerProcess } from '../support/worker-process';

const HOLD_PROBE = resolve(__dirname, '..', 'support', 'probes', 'hold-retry-job.js');

/** The value of one series in Prometheus text (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('scoring worker: retry jobs that end without a verdict', () => {
  let store: TestModelStore;
  let redis: TestRedisServer;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    store = await TestModelStore.create(['v1']);
    redis = await TestRedisServer.start();
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  afterAll(async () => {
    await redis?.destroy();
    await store?.destroy();
  });

  async function setUp(): Promise<{
    fixture: WorkerFixture;
    collector: RecordCollector;
    telemetry: Telemetry;
  }> {
    const fixture = await WorkerFixture.create({
      modelDir: store.dir,
      partitions: 1,
      redisUrl: redis.url,
    });
    const collector = await RecordCollector.start(fixture.topics);
    const telemetry = initTelemetry({
      serviceName: 'fraudstream-test-worker',
      tracingEnabled: false,
    });
    cleanups.push(async () => {
      await collector.stop();
      await fixture.cleanup([collector.groupId]);
      await telemetry.shutdown();
    });
    return { fixture, collector, telemetry };
  }

  it('dead-letters a last attempt that fails with an unexpected error, once', async () => {
    const { fixture, collector, telemetry } = await setUp();
    const stream = simulatedStream(20, fixture.id, 31).map((s) => s.tx);
    const target = stream[7]?.transaction_id ?? '';
    // The Kafka attempt fails transiently (a retry job); every retry then hits a bug (TypeError)
    // when sending the verdict, which the pipeline does not classify as transient.
    const faults = new FeatureFaults().fail(target, 1);
    let verdictSendsOfTarget = 0;
    const buggyPublish = (next: PublishStage): PublishStage => ({
      run: (scored, rejected, session, headers) => {
        if (scored.some((s) => s.decoded.tx.transaction_id === target)) {
          verdictSendsOfTarget += 1;
          return Promise.reject(new TypeError('injected bug in the verdict path'));
        }
        return next.run(scored, rejected, session, headers);
      },
    });
    const worker: ScoringWorker = await startInProcessWorker(
      fixture.env({ FS_RETRY_ATTEMPTS: '2' }),
      { telemetry, stageWrappers: { features: faults.wrap, publish: buggyPublish } },
    );
    cleanups.push(() => worker.stop('test done'));

    await sendTransactions(fixture.topics.transactions, stream);

    await collector.waitForDeadLetters(1);
    await collector.waitForVerdicts(
      stream.filter((t) => t.transaction_id !== target).map((t) => t.transaction_id),
    );
    await sleep(1_500);
    expect(collector.deadLetters).toHaveLength(1);
    expect(collector.deadLetters[0]).toMatchObject({
      reason_code: 'FS_RETRY_EXHAUSTED',
      attempt_count: 3,
    });
    expect(collector.deadLetters[0]?.reason_message).toContain('injected bug in the verdict path');
    expect(verdictSendsOfTarget).toBe(2);
    expect(collector.verdictIds().has(target)).toBe(false);
    expect(collector.verdicts).toHaveLength(stream.length - 1);
    const text = await telemetry.renderMetrics();
    expect(
      sample(
        text,
        'fraudstream_dead_letters_total{reason="FS_RETRY_EXHAUSTED",cause="retries_exhausted"}',
      ),
    ).toBe(1);
    expect(sample(text, 'fraudstream_retry_jobs_failed_total{reason="FS_RETRY_EXHAUSTED"}')).toBe(
      0,
    );
  });

  it('dead-letters a job that stalls past FS_RETRY_MAX_STALLED_COUNT, once; the frozen holder produces nothing', async () => {
    const { fixture, collector, telemetry } = await setUp();
    const stream = simulatedStream(12, fixture.id, 37).map((s) => s.tx);
    const target = stream[3]?.transaction_id ?? '';
    const env = fixture.env({
      FS_RETRY_LOCK_DURATION_MS: '1500',
      FS_RETRY_STALLED_INTERVAL_MS: '500',
      FS_RETRY_MAX_STALLED_COUNT: '0',
      FS_COMMIT_INTERVAL_MS: '200',
    });
    // The holder: a real worker process that fails the target on its Kafka attempt and holds its
    // retry job for 4 s (wall clock) before scoring it.
    const holder = new WorkerProcess(
      'holder',
      { ...env, FS_TEST_HOLD_TX: target, FS_TEST_HOLD_MS: '4000' },
      ['--require', HOLD_PROBE],
    );
    cleanups.push(async () => {
      holder.kill('SIGCONT');
      await holder.stop();
    });
    await holder.ready();

    await sendTransactions(fixture.topics.transactions, stream);
    const others = stream.filter((t) => t.transaction_id !== target).map((t) => t.transaction_id);
    await collector.waitForVerdicts(others);
    await holder.waitForLog((l) => l.msg === 'test: holding retry job');
    // Let the holder commit the target's offset (the job is in Redis), then freeze it.
    await sleep(600);
    holder.kill('SIGSTOP');

    // The rescuer: its stall check finds the lock expired, BullMQ fails the job (stalled more
    // than 0 times) when the rescuer takes it, and the rescuer dead-letters it.
    const rescuer = await startInProcessWorker(env, { telemetry });
    cleanups.push(() => rescuer.stop('test done'));
    await collector.waitForDeadLetters(1, 60_000);
    expect(collector.deadLetters[0]).toMatchObject({
      reason_code: 'FS_RETRY_STALLED',
      source_topic: fixture.topics.transactions,
    });

    // Wake the holder in the middle of the job: its lock is gone, so it must not send a verdict.
    holder.kill('SIGCONT');
    await holder.waitForLog(
      (l) =>
        l.msg === 'retry job lost its lock; producing nothing for it' &&
        l.code === 'FS_RETRY_JOB_LOST',
      30_000,
    );
    await sleep(2_000);
    expect(collector.deadLetters).toHaveLength(1);
    expect(collector.verdictIds().has(target)).toBe(false);
    for (const id of others) expect(collector.verdictIds().has(id)).toBe(true);

    const text = await telemetry.renderMetrics();
    expect(sample(text, 'fraudstream_retry_jobs_stalled_total')).toBe(1);
    expect(sample(text, 'fraudstream_retry_jobs_failed_total{reason="FS_RETRY_STALLED"}')).toBe(1);
    expect(
      sample(
        text,
        'fraudstream_dead_letters_total{reason="FS_RETRY_STALLED",cause="retries_exhausted"}',
      ),
    ).toBe(1);
  });
});
