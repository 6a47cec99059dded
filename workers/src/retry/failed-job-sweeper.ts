// A retry job that BullMQ fails for good (it stalled more than FS_RETRY_MAX_STALLED_COUNT times,
// or an attempt failed in a way the processor could not turn into a dead letter) lands in the
// failed set, where nobody looks and which is purged after 7 days. This module turns every such
// job into a dead letter: at once, from the worker that failed it ('failed' event), and again
// from a periodic sweep of the failed set for jobs whose dead letter could not be produced then
// (Kafka down). A job whose record already got its verdict or dead letter (its data records the
// outcome) produces nothing more. A short Redis claim per job keeps two workers from producing
// the same dead letter at once.
import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import type Redis from 'ioredis';
import { RetryExhaustedError, RetryStalledError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import { withOutcome, type RetryJobData } from './retry-job';

/**
 * BullMQ's `failedReason` of a job that stalled more than maxStalledCount times (set as its
 * deferred failure by moveStalledJobsToWait.lua, applied when a worker next takes the job).
 */
export const BULLMQ_STALLED_REASON = 'job stalled more than allowable limit';

/** The reason a job failed for good is dead-lettered with (stalled, else retries exhausted). */
export function failedJobError(
  job: Pick<Job<RetryJobData>, 'failedReason' | 'attemptsMade'>,
): RetryStalledError | RetryExhaustedError {
  // The Kafka attempt, plus every run BullMQ counted (the failing one included).
  const attempts = 1 + job.attemptsMade;
  const reason = job.failedReason as string | undefined;
  if (reason === BULLMQ_STALLED_REASON) return new RetryStalledError(attempts);
  return new RetryExhaustedError(attempts, {
    cause: reason === undefined || reason === '' ? 'no failure reason recorded' : reason,
  });
}

/** True when a failed job still needs its dead letter (no verdict or dead letter recorded). */
export function needsDeadLetter(job: Pick<Job<RetryJobData>, 'data'>): boolean {
  return job.data.outcome === undefined;
}

/** What {@link FailedJobSweeper.settle} did with one failed job. */
export type SettleResult = 'dead-lettered' | 'already-settled' | 'claimed-elsewhere' | 'gone';

/** The queue calls the sweeper makes. */
export type FailedJobQueue = Pick<Queue<RetryJobData>, 'getFailed' | 'getJob' | 'toKey'>;

/** The Redis calls of the per-job claim (SET NX PX, DEL). */
export type ClaimClient = Pick<Redis, 'set' | 'del'>;

/** Options of {@link FailedJobSweeper}. */
export interface FailedJobSweeperOptions {
  readonly queue: FailedJobQueue;
  /** Where the per-job claims live: a client of the queue's Redis that fails fast. */
  readonly claims: ClaimClient;
  /** Produces the dead letter of `job` with `reason`; resolves once Kafka acknowledged it. */
  readonly deadLetter: (
    job: Job<RetryJobData>,
    reason: RetryStalledError | RetryExhaustedError,
  ) => Promise<void>;
  /** Period of the sweep, ms (FS_RETRY_SWEEP_INTERVAL_MS). */
  readonly intervalMs: number;
  /**
   * How long a worker owns a job's dead-lettering, ms: longer than a produce can take (kafkajs
   * retries included). A worker that dies holding it delays that dead letter by this much.
   * @defaultValue 120000
   */
  readonly claimTtlMs?: number;
  /** Failed jobs read per request. @defaultValue 200 */
  readonly pageSize?: number;
  readonly logger?: Logger;
  /** Told of each dead letter produced, with its reason code (metrics). */
  readonly onDeadLetter?: (reasonCode: string) => void;
  /** Clock. @defaultValue Date.now */
  readonly now?: () => number;
}

/** Dead-letters failed retry jobs that have none yet. */
export class FailedJobSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly logger: Logger;

  /** Call {@link start} for the periodic sweep. */
  constructor(private readonly options: FailedJobSweeperOptions) {
    this.logger = (options.logger ?? SILENT_LOGGER).child({ component: 'retry' });
  }

  /** Sweeps every `intervalMs`, the first time after one interval. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      // One sweep at a time: a slow one (Kafka timing out) is not overtaken by the next.
      this.running ??= this.sweep()
        .catch((error: unknown) =>
          this.logger.warn('failed retry jobs could not be swept; trying again later', { error }),
        )
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops sweeping and waits for a sweep in progress; safe to call twice. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Dead-letters every failed job that has no outcome yet. Resolves with the number produced
   * and the number still waiting (their dead letter failed; the next sweep tries again).
   */
  async sweep(): Promise<{ deadLettered: number; pending: number }> {
    const size = this.options.pageSize ?? 200;
    let deadLettered = 0;
    let pending = 0;
    // Settled jobs stay in the failed set (operators can inspect them) until BullMQ's
    // removeOnFail age; paging past them costs one read per page.
    for (let start = 0; ; start += size) {
      const page = await this.options.queue.getFailed(start, start + size - 1);
      for (const job of page) {
        if (!needsDeadLetter(job)) continue;
        try {
          if ((await this.settle(job)) === 'dead-lettered') deadLettered += 1;
        } catch (error: unknown) {
          pending += 1;
          this.logger.warn(
            'failed retry job still has no dead letter; the next sweep tries again',
            {
              jobId: job.id,
              error,
            },
          );
        }
      }
      if (page.length < size) break;
    }
    if (deadLettered > 0 || pending > 0)
      this.logger.info('swept failed retry jobs', { deadLettered, pending });
    return { deadLettered, pending };
  }

  /**
   * Produces the dead letter of one failed job unless its record already has an outcome or
   * another worker is producing it. Rejects when the dead letter could not be produced (the job
   * stays in the failed set without an outcome: the next sweep tries again).
   */
  async settle(job: Job<RetryJobData>): Promise<SettleResult> {
    if (!needsDeadLetter(job)) return 'already-settled';
    const id = job.id ?? '';
    const q = this.options.queue;
    const client = this.options.claims;
    const claimKey = `${q.toKey(id)}:dead-letter-claim`;
    const token = randomUUID();
    const claimed = await client.set(
      claimKey,
      token,
      'PX',
      this.options.claimTtlMs ?? 120_000,
      'NX',
    );
    if (claimed !== 'OK') return 'claimed-elsewhere';
    // Read again under the claim: another worker may have finished it just before, or an
    // operator may have retried it (then it is not failed any more).
    const fresh = await q.getJob(id);
    if (fresh === undefined || (await fresh.getState()) !== 'failed') {
      await client.del(claimKey);
      return 'gone';
    }
    if (!needsDeadLetter(fresh)) return 'already-settled';
    const reason = failedJobError(fresh);
    try {
      await this.options.deadLetter(fresh, reason);
    } catch (error: unknown) {
      // Let the next sweep (of any worker) try at once rather than after the claim's TTL.
      await client.del(claimKey);
      throw error;
    }
    this.options.onDeadLetter?.(reason.code);
    const at = (this.options.now ?? Date.now)();
    // If this write fails the dead letter is out but not recorded: the claim still holds for
    // its TTL, after which a sweep would produce a second, identical dead letter (at least once).
    await fresh.updateData(
      withOutcome(fresh.data, { kind: 'dead-letter', at, reasonCode: reason.code }),
    );
    this.logger.warn('failed retry job dead-lettered', {
      jobId: id,
      reasonCode: reason.code,
      failedReason: fresh.failedReason,
      attempts: reason.attempts,
    });
    return 'dead-lettered';
  }
}
