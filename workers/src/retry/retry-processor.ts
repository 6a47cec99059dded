// The retry side: a BullMQ worker whose processor runs the SAME pipeline on the original record.
// Each job is one record; its attempts are bounded (FS_RETRY_ATTEMPTS) and spaced by full-jitter
// backoff. Every way a job can end without a verdict ends in a dead letter: on the last attempt
// any failure is dead-lettered from inside the processor, and a job BullMQ fails by itself (it
// stalled more than FS_RETRY_MAX_STALLED_COUNT times) is dead-lettered by the FailedJobSweeper.
// Once the record's verdict or dead letter is out, the job's data records it, so a run after a
// stall produces nothing twice; and a worker that lost the job's lock produces nothing at all.
import { DelayedError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import type { KafkaProducer } from '../kafka/kafka-client';
import {
  causeChain,
  RedisUnavailableError,
  RetryExhaustedError,
  RetryJobLostError,
  type RetryStalledError,
} from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { ModelProvider } from '../model-registry/model-registry';
import { standaloneSession, type DeliverySession } from '../pipeline/commit';
import { classifyFailure, isRedisUnavailable } from '../pipeline/failure';
import type { RetrySink, ScoringPipeline } from '../pipeline/pipeline';
import type { RetryRequest, SourceRecord } from '../pipeline/types';
import { FULL_JITTER_BACKOFF, fullJitterDelayMs, type BackoffOptions } from './backoff';
import { failedJobError, FailedJobSweeper, type ClaimClient } from './failed-job-sweeper';
import {
  fromRetryJobData,
  withOutcome,
  type RetryJobData,
  type RetryJobOutcome,
} from './retry-job';

/** How a retry job ended. */
export type RetryJobResult = 'verdict' | 'dead-letter';

/** Options of {@link RetryProcessor}. */
export interface RetryProcessorOptions extends BackoffOptions {
  readonly queueName: string;
  /** BullMQ key prefix (FS_RETRY_KEY_PREFIX). */
  readonly prefix: string;
  /** Redis connection of the BullMQ worker (needs maxRetriesPerRequest: null). */
  readonly connection: ConnectionOptions;
  readonly concurrency: number;
  /** Lock of a running job, ms (FS_RETRY_LOCK_DURATION_MS). @defaultValue 30000 */
  readonly lockDurationMs?: number;
  /** Period of the stall check, ms (FS_RETRY_STALLED_INTERVAL_MS). @defaultValue 30000 */
  readonly stalledIntervalMs?: number;
  /** Stalls a job survives before BullMQ fails it (FS_RETRY_MAX_STALLED_COUNT). @defaultValue 10 */
  readonly maxStalledCount?: number;
  /**
   * The retry queue, for sweeping its failed set (FS_RETRY_SWEEP_INTERVAL_MS); its connection
   * should fail fast. @defaultValue no sweep (failed jobs are still dead-lettered as they fail)
   */
  readonly failedJobs?: {
    readonly queue: Queue<RetryJobData>;
    /** A client of the queue's Redis for the sweeper's per-job claims. */
    readonly claims: ClaimClient;
    readonly sweepIntervalMs: number;
  };
  readonly pipeline: ScoringPipeline;
  readonly models: ModelProvider;
  /** Idempotent (non-transactional) producer of verdicts and dead letters. */
  readonly producer: KafkaProducer;
  readonly logger?: Logger;
  /**
   * Runs the dead-lettering of a record whose attempts ran out (telemetry: a send span in the
   * record's trace, a failed send counted). @defaultValue runs `send` as is
   */
  readonly aroundDeadLetter?: (
    record: SourceRecord,
    reason: unknown,
    send: () => Promise<void>,
  ) => Promise<void>;
  /**
   * Told of a job's stored trace context before its record runs (telemetry: the attempt's span
   * continues from it). @defaultValue ignored (the attempt continues from the record's headers)
   */
  readonly continueTrace?: (record: SourceRecord, trace: Readonly<Record<string, string>>) => void;
  /** Told of every job outcome (metrics). */
  readonly onOutcome?: (result: RetryJobResult | 'retry', job: Job<RetryJobData>) => void;
  /** Told of every dead letter the retry path produced, with its reason code (metrics). */
  readonly onDeadLetter?: (reasonCode: string) => void;
  /** Told of every job BullMQ found stalled (its lock expired) and took back (metrics). */
  readonly onStalled?: (jobId: string) => void;
  /**
   * Told of every job BullMQ failed for good, with the reason code its dead letter gets
   * (FS_RETRY_STALLED or FS_RETRY_EXHAUSTED) (metrics).
   */
  readonly onFailed?: (reasonCode: string, job: Job<RetryJobData>) => void;
  /** Clock. @defaultValue Date.now */
  readonly now?: () => number;
}

/** Collects what the pipeline wanted to retry: in the retry processor that means "throw". */
class CollectingSink implements RetrySink {
  readonly requests: RetryRequest[] = [];
  enqueue(requests: readonly RetryRequest[]): Promise<void> {
    this.requests.push(...requests);
    return Promise.resolve();
  }
}

/** True when `error` (or a cause) says this worker no longer holds the job. */
export function isJobLost(error: unknown): boolean {
  for (const e of causeChain(error)) if (e instanceof RetryJobLostError) return true;
  return false;
}

/**
 * `session` that first checks, before each produce, that this worker still holds the job's
 * lock (and extends it): a worker frozen past the lock (SIGSTOP, a long GC pause) whose job was
 * taken over or failed must not produce a second outcome when it wakes up.
 */
export function fencedSession(
  session: DeliverySession,
  fence: () => Promise<void>,
): DeliverySession {
  return {
    redeliversOnFailure: session.redeliversOnFailure,
    send: async (batches) => {
      await fence();
      await session.send(batches);
    },
    commit: () => session.commit(),
    abort: () => session.abort(),
  };
}

/** Processes retry jobs through the pipeline. */
export class RetryProcessor {
  private worker: Worker<RetryJobData, RetryJobResult> | undefined;
  private sweeper: FailedJobSweeper | undefined;
  private readonly logger: Logger;

  /** Call {@link start} to begin taking jobs. */
  constructor(private readonly options: RetryProcessorOptions) {
    this.logger = (options.logger ?? SILENT_LOGGER).child({ component: 'retry' });
  }

  /** Starts the BullMQ worker (and the failed-job sweeper when `failedJobs` is given). */
  start(): void {
    const o = this.options;
    const failed = o.failedJobs;
    const sweeper =
      failed === undefined
        ? undefined
        : new FailedJobSweeper({
            queue: failed.queue,
            claims: failed.claims,
            intervalMs: failed.sweepIntervalMs,
            logger: o.logger,
            now: o.now,
            deadLetter: (job, reason) => this.deadLetterFailedJob(job, reason),
            onDeadLetter: (code) => o.onDeadLetter?.(code),
          });
    this.sweeper = sweeper;
    this.worker = new Worker<RetryJobData, RetryJobResult>(
      o.queueName,
      (job, token) => this.process(job, token),
      {
        connection: o.connection,
        prefix: o.prefix,
        concurrency: o.concurrency,
        autorun: true,
        lockDuration: o.lockDurationMs ?? 30_000,
        stalledInterval: o.stalledIntervalMs ?? 30_000,
        // A record is worth more than a stall budget: a job whose worker died is taken up again.
        // Past the budget BullMQ fails the job ('failed' below), and it is dead-lettered.
        maxStalledCount: o.maxStalledCount ?? 10,
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) =>
            type === FULL_JITTER_BACKOFF ? fullJitterDelayMs(attemptsMade + 1, o) : 0,
        },
      },
    );
    // Background errors (Redis down) are reported, never thrown: the worker reconnects by itself.
    this.worker.on('error', (error) => {
      // While Redis is down BullMQ reports every reconnect attempt; the gate already said so once.
      if (isRedisUnavailable(error))
        this.logger.debug('retry worker: Redis unavailable', { error });
      else this.logger.warn('retry worker error', { error });
    });
    // Emitted by the worker whose stall check found the job: once per stall, fleet-wide.
    this.worker.on('stalled', (jobId) => {
      this.logger.warn('retry job stalled (its worker died or froze); taken back', { jobId });
      o.onStalled?.(jobId);
    });
    this.worker.on('failed', (job, error) => {
      // finishedOn is set only when BullMQ failed the job for good (no attempt left, or a stall
      // past the budget); a failure with attempts left was moved to the delayed set.
      if (job === undefined || job.finishedOn === undefined) return;
      const reasonCode = failedJobReasonCode(job);
      o.onFailed?.(reasonCode, job);
      this.logger.warn('retry job failed for good', {
        jobId: job.id,
        reasonCode,
        error,
      });
      if (sweeper === undefined) return;
      sweeper.settle(job).catch((settleError: unknown) =>
        this.logger.warn('failed retry job not dead-lettered yet; the sweeper tries again', {
          jobId: job.id,
          error: settleError,
        }),
      );
    });
    sweeper?.start();
  }

  /** Runs one job: a verdict, a dead letter, or a throw that schedules the next attempt. */
  async process(job: Job<RetryJobData>, token?: string): Promise<RetryJobResult> {
    const now = this.options.now ?? Date.now;
    const done = job.data.outcome;
    if (done !== undefined) {
      // The record's outcome went out on an earlier run that stalled before completing the job.
      this.logger.info('retry job already has its outcome; completing it without producing', {
        jobId: job.id,
        outcome: done.kind,
      });
      return done.kind;
    }
    const maxAttempts = job.opts.attempts ?? 1;
    // Attempt 1 was the Kafka one; BullMQ's attemptsMade counts this job's failed runs.
    const record = fromRetryJobData(job.data, job.attemptsMade + 2, now());
    const isLast = job.attemptsMade + 1 >= maxAttempts;
    if (job.data.trace !== undefined) this.options.continueTrace?.(record, job.data.trace);
    const sink = new CollectingSink();
    const session = fencedSession(standaloneSession(this.options.producer), () =>
      this.fence(job, token),
    );
    const lease = this.options.models.acquire();
    let failure: { readonly error: unknown } | undefined;
    try {
      await this.options.pipeline.process([record], { models: lease.models, session, retry: sink });
      failure = sink.requests[0];
    } catch (error: unknown) {
      if (isJobLost(error)) throw this.lost(job);
      if (classifyFailure(error) === 'redis-unavailable') {
        // Not the record's fault: try again later without spending an attempt.
        await this.postpone(job, token, error);
      }
      // Any other failure (a bug, an error the Kafka client does not flag as retriable) is
      // retried like a transient one while attempts remain, and dead-lettered on the last.
      if (!isLast) throw error;
      failure = { error };
    } finally {
      lease.release();
    }
    if (failure === undefined) {
      await this.recordOutcome(job, { kind: 'verdict', at: now() });
      this.options.onOutcome?.('verdict', job);
      return 'verdict';
    }
    // The fence refused the produce: another worker holds the job now, or BullMQ failed it.
    if (isJobLost(failure.error)) throw this.lost(job);
    if (isLast) {
      const exhausted = new RetryExhaustedError(record.attempt, { cause: failure.error });
      try {
        await this.sendDeadLetter(record, exhausted, session);
      } catch (error: unknown) {
        if (isJobLost(error)) throw this.lost(job);
        // The dead-letter topic cannot be written (Kafka down): failing the job would leave the
        // record only in BullMQ's failed set, so it waits and takes its last attempt again.
        this.logger.warn('dead letter could not be produced; the last attempt is postponed', {
          jobId: job.id,
          error,
        });
        await this.postpone(job, token, error);
      }
      await this.recordOutcome(job, {
        kind: 'dead-letter',
        at: now(),
        reasonCode: exhausted.code,
      });
      this.logger.warn('retries exhausted; record dead-lettered', {
        jobId: job.id,
        attempts: record.attempt,
        error: failure.error,
      });
      this.options.onDeadLetter?.(exhausted.code);
      this.options.onOutcome?.('dead-letter', job);
      return 'dead-letter';
    }
    this.options.onOutcome?.('retry', job);
    this.logger.info('retry attempt failed; backing off', {
      jobId: job.id,
      attempt: record.attempt,
      error: failure.error,
    });
    throw failure.error instanceof Error ? failure.error : new Error(String(failure.error));
  }

  /** Sweeps the failed set once now (tests; the sweeper also runs on its own). */
  async sweepFailedJobs(): Promise<{ deadLettered: number; pending: number }> {
    return (await this.sweeper?.sweep()) ?? { deadLettered: 0, pending: 0 };
  }

  /** Stops taking jobs and waits for the running ones; safe to call twice. */
  async close(): Promise<void> {
    const worker = this.worker;
    const sweeper = this.sweeper;
    this.worker = undefined;
    this.sweeper = undefined;
    await sweeper?.stop();
    await worker?.close();
  }

  /** The dead letter of a job BullMQ failed for good (the sweeper's `deadLetter`). */
  private async deadLetterFailedJob(
    job: Job<RetryJobData>,
    reason: RetryStalledError | RetryExhaustedError,
  ): Promise<void> {
    const now = this.options.now ?? Date.now;
    const record = fromRetryJobData(job.data, reason.attempts, now());
    await this.sendDeadLetter(record, reason, standaloneSession(this.options.producer));
  }

  private async sendDeadLetter(
    record: SourceRecord,
    reason: RetryExhaustedError | RetryStalledError,
    session: DeliverySession,
  ): Promise<void> {
    const send = (): Promise<void> => this.options.pipeline.deadLetter(record, reason, session);
    const around = this.options.aroundDeadLetter;
    await (around === undefined ? send() : around(record, reason, send));
  }

  /** The error to end a job this worker lost with (logged: BullMQ cannot fail it any more). */
  private lost(job: Job<RetryJobData>): RetryJobLostError {
    const error = new RetryJobLostError(job.id ?? '');
    this.logger.warn('retry job lost its lock; producing nothing for it', {
      jobId: job.id,
      code: error.code,
    });
    return error;
  }

  /** Throws RetryJobLostError unless this worker still holds the job's lock (then extends it). */
  private async fence(job: Job<RetryJobData>, token: string | undefined): Promise<void> {
    // Without a token the job is not run by a BullMQ worker (unit tests call process directly).
    if (token === undefined) return;
    const held = await job.extendLock(token, this.options.lockDurationMs ?? 30_000);
    if (held !== 1) throw new RetryJobLostError(job.id ?? '');
  }

  /**
   * Records the record's outcome in the job's data before the job completes. A failure to write
   * it is logged, not thrown: the outcome is out, and the job completing (or not) is BullMQ's.
   */
  private async recordOutcome(job: Job<RetryJobData>, outcome: RetryJobOutcome): Promise<void> {
    try {
      await job.updateData(withOutcome(job.data, outcome));
    } catch (error: unknown) {
      // Only a stall of this job before it completes could then repeat the outcome (at least
      // once: the same verdict, or the same dead letter, once more).
      this.logger.warn('could not record the retry job outcome', { jobId: job.id, error });
    }
  }

  private async postpone(
    job: Job<RetryJobData>,
    token: string | undefined,
    error: unknown,
  ): Promise<never> {
    try {
      await job.moveToDelayed(Date.now() + fullJitterDelayMs(1, this.options), token);
    } catch {
      // Redis is down for BullMQ too: the job's lock expires and the stall check re-queues it.
      throw new RedisUnavailableError('retry processor', { cause: error });
    }
    throw new DelayedError();
  }
}

/** The reason code a job BullMQ failed for good is dead-lettered with. */
function failedJobReasonCode(job: Job<RetryJobData>): string {
  return failedJobError(job).code;
}
