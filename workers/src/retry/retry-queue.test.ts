import type { Queue } from 'bullmq';
import type { SourceRecord } from '../pipeline/types';
import { TransientStageError } from '../errors';
import { sourceRecords } from '../testing/fakes';
import type { RetryJobData } from './retry-job';
import { BullRetryQueue } from './retry-queue';

/** A queue that keeps what addBulk was given. */
function recordingQueue(): { queue: Queue<RetryJobData>; added: { data: RetryJobData }[] } {
  const added: { data: RetryJobData }[] = [];
  const queue = {
    name: 'q',
    addBulk: (jobs: { data: RetryJobData }[]) => {
      added.push(...jobs);
      return Promise.resolve([]);
    },
  } as unknown as Queue<RetryJobData>;
  return { queue, added };
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
});
