import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { RetryExhaustedError, RetryStalledError } from '../errors';
import {
  BULLMQ_STALLED_REASON,
  failedJobError,
  FailedJobSweeper,
  type ClaimClient,
  type FailedJobQueue,
} from './failed-job-sweeper';
import type { RetryJobData } from './retry-job';

describe('failedJobError', () => {
  it('names a stall past the budget FS_RETRY_STALLED, anything else FS_RETRY_EXHAUSTED', () => {
    const stalled = failedJobError({ failedReason: BULLMQ_STALLED_REASON, attemptsMade: 1 });
    expect(stalled).toBeInstanceOf(RetryStalledError);
    expect(stalled).toMatchObject({ code: 'FS_RETRY_STALLED', attempts: 2, retriable: false });
    const other = failedJobError({ failedReason: 'boom', attemptsMade: 3 });
    expect(other).toBeInstanceOf(RetryExhaustedError);
    expect(other.message).toContain('boom');
    expect(other.attempts).toBe(4);
  });

  it("matches the reason BullMQ's stall check gives (pinned against the installed bullmq)", () => {
    const lua = readFileSync(
      join(require.resolve('bullmq'), '..', 'commands', 'moveStalledJobsToWait-9.lua'),
      'utf8',
    );
    expect(lua).toContain(`"${BULLMQ_STALLED_REASON}"`);
  });
});

describe('FailedJobSweeper', () => {
  interface FakeJob {
    id: string;
    data: RetryJobData;
    failedReason: string;
    attemptsMade: number;
    state: string;
  }
  let jobs: Map<string, FakeJob>;
  let keys: Map<string, string>;
  let produced: { id: string; code: string }[];
  let kafkaDown: boolean;

  const data = (): RetryJobData => ({
    topic: 'transactions',
    partition: 0,
    offset: '1',
    key: null,
    value: Buffer.from('tx').toString('base64'),
    headers: [],
    timestamp: '1',
    firstFailedAt: 1,
    firstErrorCode: 'FS_FEATURES_FAILED',
  });

  /** A Job-like view of a fake job, as BullMQ would return it (a snapshot of its data). */
  const view = (j: FakeJob): Job<RetryJobData> =>
    ({
      id: j.id,
      data: j.data,
      failedReason: j.failedReason,
      attemptsMade: j.attemptsMade,
      getState: () => Promise.resolve(j.state),
      updateData: (d: RetryJobData) => {
        j.data = d;
        return Promise.resolve();
      },
    }) as unknown as Job<RetryJobData>;

  const queue: FailedJobQueue = {
    getFailed: (start = 0, end = -1) =>
      Promise.resolve(
        [...jobs.values()]
          .filter((j) => j.state === 'failed')
          .slice(start, end + 1)
          .map(view),
      ),
    getJob: (id: string) => {
      const j = jobs.get(id);
      return Promise.resolve(j === undefined ? undefined : view(j));
    },
    toKey: (type: string) => `p:q:${type}`,
  };

  const claims = {
    set: (key: string, value: string) => {
      if (keys.has(key)) return Promise.resolve(null);
      keys.set(key, value);
      return Promise.resolve('OK');
    },
    del: (key: string) => Promise.resolve(keys.delete(key) ? 1 : 0),
  } as unknown as ClaimClient;

  function sweeper(): FailedJobSweeper {
    return new FailedJobSweeper({
      queue,
      claims,
      intervalMs: 1_000,
      pageSize: 2,
      deadLetter: (job, reason) => {
        if (kafkaDown) return Promise.reject(new Error('broker unreachable'));
        produced.push({ id: job.id ?? '', code: reason.code });
        return Promise.resolve();
      },
    });
  }

  function add(id: string, failedReason: string, state = 'failed'): FakeJob {
    const j = { id, data: data(), failedReason, attemptsMade: 1, state };
    jobs.set(id, j);
    return j;
  }

  beforeEach(() => {
    jobs = new Map();
    keys = new Map();
    produced = [];
    kafkaDown = false;
  });

  it('dead-letters each failed job once, and records it in the job', async () => {
    const stalled = add('t:0:1', BULLMQ_STALLED_REASON);
    add('t:0:2', 'Error: boom');
    add('t:0:3', 'Error: boom', 'completed');
    const s = sweeper();
    await expect(s.settle(view(stalled))).resolves.toBe('dead-lettered');
    await expect(s.sweep()).resolves.toEqual({ deadLettered: 1, pending: 0 });
    await expect(s.sweep()).resolves.toEqual({ deadLettered: 0, pending: 0 });
    expect(produced).toEqual([
      { id: 't:0:1', code: 'FS_RETRY_STALLED' },
      { id: 't:0:2', code: 'FS_RETRY_EXHAUSTED' },
    ]);
    expect(stalled.data.outcome).toMatchObject({
      kind: 'dead-letter',
      reasonCode: 'FS_RETRY_STALLED',
    });
  });

  it('leaves a job another worker is dead-lettering alone', async () => {
    const j = add('t:0:1', BULLMQ_STALLED_REASON);
    keys.set('p:q:t:0:1:dead-letter-claim', 'other worker');
    await expect(sweeper().settle(view(j))).resolves.toBe('claimed-elsewhere');
    expect(produced).toEqual([]);
  });

  it('re-reads the job under the claim: an outcome recorded meanwhile wins', async () => {
    const j = add('t:0:1', BULLMQ_STALLED_REASON);
    const stale = view(j);
    j.data = { ...j.data, outcome: { kind: 'verdict', at: 1 } };
    await expect(sweeper().settle(stale)).resolves.toBe('already-settled');
    expect(produced).toEqual([]);
  });

  it('keeps a job whose dead letter failed (Kafka down) for the next sweep', async () => {
    const j = add('t:0:1', BULLMQ_STALLED_REASON);
    kafkaDown = true;
    const s = sweeper();
    await expect(s.settle(view(j))).rejects.toThrow('broker unreachable');
    await expect(s.sweep()).resolves.toEqual({ deadLettered: 0, pending: 1 });
    expect(j.data.outcome).toBeUndefined();
    expect(keys.size).toBe(0);
    kafkaDown = false;
    await expect(s.sweep()).resolves.toEqual({ deadLettered: 1, pending: 0 });
    expect(produced).toEqual([{ id: 't:0:1', code: 'FS_RETRY_STALLED' }]);
  });
});
