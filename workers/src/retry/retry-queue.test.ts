import type { Queue } from 'bullmq';
import type { SourceRecord } from '../pipeline/types';
import { RedisUnavailableError, TransientStageError } from '../errors';
import { classifyFailure } from '../pipeline/failure';
import { sourceRecords } from '../testing/fakes';
import type { RetryJobData } from './retry-job';
import { BullRetryQueue } from './retry-queue';

/** What the fake queue saw: jobs added, then WAITs (with their arguments), in order. */
type Call = { add: number } | { wait: [number, number] };

/**
 * A queue that keeps what addBulk was given; its client answers WAIT with `acknowledged`
 * replicas.
 */
function recordingQueue(acknowledged = 0): {
  queue: Queue<RetryJobData>;
  added: { data: RetryJobData }[];
  calls: Call[];
  connection: { wait(replicas: number, timeoutMs: number): Promise<number> };
} {
  const added: { data: RetryJobData }[] = [];
  const calls: Call[] = [];
  const connection = {
    wait: (replicas: number, timeoutMs: number) => {
      calls.push({ wait: [replicas, timeoutMs] });
      return Promise.resolve(acknowledged);
    },
  };
  const queue = {
    name: 'q',
    addBulk: (jobs: { data: RetryJobData }[]) => {
      added.push(...jobs);
      calls.push({ add: jobs.length });
      return Promise.resolve([]);
    },
  } as unknown as Queue<RetryJobData>;
  return { queue, added, calls, connection };
}

describe('BullRetryQueue', () => {
  const error = new TransientStageError('FS_FEATURES_FAILED', 'timeout');

  it("stores the failed attempt's trace context in each job", async () => {
    const { queue, added } = recordingQueue();
    const [a, b] = sourceRecords([Buffer.from('a'), Buffer.from('b')]) as [
      SourceRecord,
      SourceRecord,
    ];
    const trace = { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` };
    const sink = new BullRetryQueue(queue, {
      attempts: 3,
      baseDelayMs: 1,
      maxDelayMs: 1,
      traceContextOf: (record) => (record === a ? trace : undefined),
    });
    await sink.enqueue([
      { record: a, error },
      { record: b, error },
    ]);
    expect(added.map((j) => j.data.trace)).toEqual([trace, undefined]);
    expect(added.map((j) => j.data.firstErrorCode)).toEqual([
      'FS_FEATURES_FAILED',
      'FS_FEATURES_FAILED',
    ]);
  });

  describe('WAIT for replicas (FS_REDIS_WAIT_REPLICAS)', () => {
    const records = sourceRecords([Buffer.from('a'), Buffer.from('b')]);
    const requests = records.map((record) => ({ record, error }));
    const options = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 };

    it('adds the jobs, then WAITs for the replicas asked, and resolves when enough acknowledge', async () => {
      const { queue, calls, connection } = recordingQueue(2);
      const sink = new BullRetryQueue(queue, {
        ...options,
        replicas: { count: 2, timeoutMs: 300, connection },
      });
      await sink.enqueue(requests);
      expect(calls).toEqual([{ add: 2 }, { wait: [2, 300] }]);
    });

    it('fewer acknowledgements than asked: a retriable Redis-unavailable error naming the settings', async () => {
      const { queue, connection } = recordingQueue(0);
      const sink = new BullRetryQueue(queue, {
        ...options,
        replicas: { count: 1, timeoutMs: 50, connection },
      });
      const failure = await sink.enqueue(requests).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(RedisUnavailableError);
      const e = failure as RedisUnavailableError;
      expect(e.retriable).toBe(true);
      expect(e.code).toBe('FS_REDIS_UNAVAILABLE');
      expect(e.message).toContain('0 of 1 replicas (FS_REDIS_WAIT_REPLICAS)');
      expect(e.message).toContain('within 50 ms (FS_REDIS_WAIT_TIMEOUT_MS)');
      // The pipeline pauses on it (the offsets stay uncommitted), it does not retry the records.
      expect(classifyFailure(e)).toBe('redis-unavailable');
    });

    it('replicas 0 (the default) sends no WAIT', async () => {
      const { queue, calls, connection } = recordingQueue(0);
      const sink = new BullRetryQueue(queue, {
        ...options,
        replicas: { count: 0, timeoutMs: 50, connection },
      });
      await sink.enqueue(requests);
      expect(calls).toEqual([{ add: 2 }]);
    });
  });
});
