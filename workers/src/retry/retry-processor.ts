// The retry side: a BullMQ worker whose processor runs the SAME pipeline on the original record.
// Each job is one record; its attempts are bounded (FS_RETRY_ATTEMPTS) and spaced by full-jitter
// backoff. On the last attempt a failure is dead-lettered from inside the processor, so a record
// never ends up only in BullMQ's failed set.
import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { KafkaProducer } from '../kafka/kafka-client';
import { RedisUnavailableError, RetryExhaustedError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { ModelProvider } from '../model-registry/model-registry';
import { standaloneSession } from '../pipeline/commit';
import { classifyFailure, isRedisUnavailable } from '../pipeline/failure';
import type { RetrySink, ScoringPipeline } from '../pipeline/pipeline';
import type { RetryRequest, SourceRecord } from '../pipeline/types';
import { FULL_JITTER_BACKOFF, fullJitterDelayMs, type BackoffOptions } from './backoff';
import { fromRetryJobData, type RetryJobData } from './retry-job';

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

/** Processes retry jobs through the pipeline. */
export class RetryProcessor {
  private worker: Worker<RetryJobData, RetryJobResult> | undefined;
  private readonly logger: Logger;

  /** Call {@link start} to begin taking jobs. */
  constructor(private readonly options: RetryProcessorOptions) {
    this.logger = (options.logger ?? SILENT_LOGGER).child({ component: 'retry' });
  }

  /** Starts the BullMQ worker. */
  start(): void {
    const o = this.options;
    this.worker = new Worker<RetryJobData, RetryJobResult>(
      o.queueName,
      (job, token) => this.process(job, token),
      {
        connection: o.connection,
        prefix: o.prefix,
        concurrency: o.concurrency,
        autorun: true,
        // A record is worth more than a stall budget: a job whose worker died is taken up again.
        maxStalledCount: 10,
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
  }

  /** Runs one job: a verdict, a dead letter, or a throw that schedules the next attempt. */
  async process(job: Job<RetryJobData>, token?: string): Promise<RetryJobResult> {
    const now = this.options.now ?? Date.now;
    const maxAttempts = job.opts.attempts ?? 1;
    // Attempt 1 was the Kafka one; BullMQ's attemptsMade counts this job's failed runs.
    const record = fromRetryJobData(job.data, job.attemptsMade + 2, now());
    const isLast = job.attemptsMade + 1 >= maxAttempts;
    if (job.data.trace !== undefined) this.options.continueTrace?.(record, job.data.trace);
    const sink = new CollectingSink();
    const session = standaloneSession(this.options.producer);
    const lease = this.options.models.acquire();
    try {
      await this.options.pipeline.process([record], { models: lease.models, session, retry: sink });
    } catch (error: unknown) {
      if (classifyFailure(error) === 'redis-unavailable') {
        // Not the record's fault: try again later without spending an attempt.
        await this.postpone(job, token, error);
      }
      throw error;
    } finally {
      lease.release();
    }
    const failed = sink.requests[0];
    if (failed === undefined) {
      this.options.onOutcome?.('verdict', job);
      return 'verdict';
    }
    if (isLast) {
      const exhausted = new RetryExhaustedError(record.attempt, { cause: failed.error });
      const send = (): Promise<void> =>
        this.options.pipeline.deadLetter(record, exhausted, session);
      const around = this.options.aroundDeadLetter;
      try {
        await (around === undefined ? send() : around(record, exhausted, send));
      } catch (error: unknown) {
        // The dead-letter topic cannot be written (Kafka down): failing the job would leave the
        // record only in BullMQ's failed set, so it waits and takes its last attempt again.
        this.logger.warn('dead letter could not be produced; the last attempt is postponed', {
          jobId: job.id,
          error,
        });
        await this.postpone(job, token, error);
      }
      this.logger.warn('retries exhausted; record dead-lettered', {
        jobId: job.id,
        attempts: record.attempt,
        error: failed.error,
      });
      this.options.onOutcome?.('dead-letter', job);
      return 'dead-letter';
    }
    this.options.onOutcome?.('retry', job);
    this.logger.info('retry attempt failed; backing off', {
      jobId: job.id,
      attempt: record.attempt,
      error: failed.error,
    });
    throw failed.error instanceof Error ? failed.error : new Error(String(failed.error));
  }

  /** Stops taking jobs and waits for the running ones; safe to call twice. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close();
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
