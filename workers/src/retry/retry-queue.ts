// The Kafka side of the retry path: records with a transient failure become BullMQ jobs. The
// offset of such a record is committed only after `addBulk` resolved, i.e. once the job is in
// Redis, so a crash in between redelivers the record and the job id de-duplicates it.
import type { Queue } from 'bullmq';
import { RedisUnavailableError, RetryEnqueueError } from '../errors';
import { isRedisUnavailable, reasonCodeOf } from '../pipeline/failure';
import type { RetrySink } from '../pipeline/pipeline';
import type { RetryRequest, SourceRecord } from '../pipeline/types';
import { FULL_JITTER_BACKOFF, fullJitterDelayMs, type BackoffOptions } from './backoff';
import { retryJobId, toRetryJobData, type RetryJobData } from './retry-job';

/** Name of every retry job. */
export const RETRY_JOB_NAME = 'score';

/** Options of {@link BullRetryQueue}. */
export interface RetryQueueOptions extends BackoffOptions {
  /** Attempts from the queue (FS_RETRY_ATTEMPTS). */
  readonly attempts: number;
  /** Clock of `firstFailedAt`. @defaultValue Date.now */
  readonly now?: () => number;
  /**
   * The trace context of the record's failed attempt, stored in its job (telemetry: the open
   * transaction span's). @defaultValue none (the retries continue from the record's headers)
   */
  readonly traceContextOf?: (record: SourceRecord) => Readonly<Record<string, string>> | undefined;
}

/** The retry sink of the Kafka path, over a BullMQ queue. */
export class BullRetryQueue implements RetrySink {
  /** `queue` should use a connection that fails fast (enableOfflineQueue false). */
  constructor(
    private readonly queue: Queue<RetryJobData>,
    private readonly options: RetryQueueOptions,
  ) {}

  /** Adds one job per record; resolves once every job is stored in Redis. */
  async enqueue(requests: readonly RetryRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const now = (this.options.now ?? Date.now)();
    const jobs = requests.map(({ record, error }) => ({
      name: RETRY_JOB_NAME,
      data: toRetryJobData(record, reasonCodeOf(error), now, this.options.traceContextOf?.(record)),
      opts: {
        jobId: retryJobId(record.topic, record.partition, record.offset),
        attempts: this.options.attempts,
        // The first retry waits too: the failure that brought the record here just happened.
        delay: fullJitterDelayMs(1, this.options),
        backoff: { type: FULL_JITTER_BACKOFF },
        // Completed jobs stay an hour so a redelivered record finds its job and is not re-added.
        removeOnComplete: { age: 3_600, count: 100_000 },
        removeOnFail: { age: 7 * 86_400 },
      },
    }));
    try {
      await this.queue.addBulk(jobs);
    } catch (error: unknown) {
      if (isRedisUnavailable(error))
        throw new RedisUnavailableError(`retry queue ${this.queue.name}`, { cause: error });
      throw new RetryEnqueueError(this.queue.name, { cause: error });
    }
  }
}
