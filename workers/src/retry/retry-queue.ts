// The Kafka side of the retry path: records with a transient failure become BullMQ jobs. The
// offset of such a record is committed only after `addBulk` resolved, i.e. once the job is in
// Redis, so a crash in between redelivers the record and the job id de-duplicates it. With
// `replicas`, "in Redis" means on the primary and on that many replicas (WAIT), so a failover to
// one of them keeps the job (docs/architecture.md, durability of the retry queue).
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
  /**
   * Replicas that must acknowledge the jobs (WAIT) before `enqueue` resolves, and how long to
   * wait for them (FS_REDIS_WAIT_REPLICAS, FS_REDIS_WAIT_TIMEOUT_MS). @defaultValue none (no WAIT)
   */
  readonly replicas?: ReplicaAcks;
}

/** How {@link BullRetryQueue} waits for replicas. */
export interface ReplicaAcks {
  /** Replicas asked for; 0 sends no WAIT. */
  readonly count: number;
  readonly timeoutMs: number;
  /**
   * The queue's own connection (the ioredis client given to BullMQ): WAIT only counts replicas
   * that have the writes of the connection it is sent on.
   */
  readonly connection: { wait(replicas: number, timeoutMs: number): Promise<number> };
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
      await this.awaitReplicas();
    } catch (error: unknown) {
      if (error instanceof RedisUnavailableError) throw error;
      if (isRedisUnavailable(error))
        throw new RedisUnavailableError(`retry queue ${this.queue.name}`, { cause: error });
      throw new RetryEnqueueError(this.queue.name, { cause: error });
    }
  }

  /**
   * WAIT on the queue's own connection (WAIT counts the replicas that have that connection's
   * writes): fewer acknowledgements than asked is a RedisUnavailableError, so the offsets are not
   * committed and the records come back; their job ids make the re-add a no-op and the next WAIT
   * asks again.
   */
  private async awaitReplicas(): Promise<void> {
    const replicas = this.options.replicas;
    if (replicas === undefined || replicas.count === 0) return;
    const acknowledged = await replicas.connection.wait(replicas.count, replicas.timeoutMs);
    if (acknowledged < replicas.count) {
      throw new RedisUnavailableError(`retry queue ${this.queue.name}`, {
        cause: new Error(
          `WAIT: ${acknowledged} of ${replicas.count} replicas (FS_REDIS_WAIT_REPLICAS) acknowledged the retry jobs within ${replicas.timeoutMs} ms (FS_REDIS_WAIT_TIMEOUT_MS)`,
        ),
      });
    }
  }
}
