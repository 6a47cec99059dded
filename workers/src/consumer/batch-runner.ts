// The eachBatch handler of the transactions consumer. A fetched batch is cut into chunks of at
// most FS_MAX_BATCH_SIZE records; each chunk runs through the pipeline (one Redis round trip,
// one inference call) and is acknowledged before the partition's next chunk starts. In
// at-least-once mode the chunks of partitions handled at the same time are merged into one run
// (chunk-coalescer.ts). Offsets are resolved by hand, only for chunks whose every record became
// a verdict, a retry job or a dead letter.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchHandler } from '../kafka/kafka-client';
import type { ConsumedRecord } from '../kafka/records';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { ModelProvider } from '../model-registry/model-registry';
import type { DeliverySession, SourcePosition } from '../pipeline/commit';
import { classifyFailure } from '../pipeline/failure';
import type { RedeliveryReason, RetrySink, ScoringPipeline } from '../pipeline/pipeline';
import { fullJitterDelayMs, type BackoffOptions } from '../retry/backoff';
import type { SourceRecord } from '../pipeline/types';
import { ChunkCoalescer } from './chunk-coalescer';
import type { RedisGate } from './redis-gate';

/** Opens the delivery session of one chunk (at-least-once or exactly-once). */
export interface DeliveryFactory {
  /**
   * True when one session may carry the records of several partitions (at-least-once), so
   * concurrent partition batches are scored together; false when a session belongs to one
   * partition (exactly-once: the input partition's transactional producer).
   */
  readonly spansPartitions: boolean;
  /**
   * `position` is the chunk's (the first partition's, for a session that spans several);
   * `resolve` moves the consumer past every record of the chunk (the consumer commits resolved
   * offsets on its timer).
   */
  open(position: SourcePosition, resolve: () => void): Promise<DeliverySession>;
}

/** Options of {@link createBatchRunner}. */
export interface BatchRunnerOptions {
  readonly pipeline: ScoringPipeline;
  readonly models: ModelProvider;
  readonly retry: RetrySink;
  readonly delivery: DeliveryFactory;
  readonly gate: RedisGate;
  /** FS_MAX_BATCH_SIZE. */
  readonly maxBatchSize: number;
  /** Heartbeats are sent at least this often while a chunk runs (FS_HEARTBEAT_INTERVAL_MS). */
  readonly heartbeatIntervalMs: number;
  readonly logger?: Logger;
  /** Clock of `receivedAt`. @defaultValue Date.now */
  readonly now?: () => number;
  /** Told of each fetched batch with the partition's lag (metrics). */
  readonly onBatch?: (topic: string, partition: number, lag: number) => void;
  /**
   * Exactly-once: how often a chunk with transient failures is fetched again, and the back-off
   * between attempts (FS_RETRY_ATTEMPTS, FS_RETRY_BASE_DELAY_MS, FS_RETRY_MAX_DELAY_MS); the
   * last attempt dead-letters what still fails.
   */
  readonly redelivery: { readonly attempts: number; readonly backoff: BackoffOptions };
}

/** The record as the pipeline sees it. */
export function toSourceRecord(
  topic: string,
  partition: number,
  m: ConsumedRecord,
  receivedAt: number,
): SourceRecord {
  return { topic, partition, ...m, attempt: 1, receivedAt };
}

/** One partition's chunk, as it waits to be scored. */
interface PartitionChunk {
  readonly records: readonly SourceRecord[];
  readonly position: SourcePosition;
  /** Resolves the chunk's last offset in its partition. */
  readonly resolve: () => void;
  /** The last of its attempts (exactly-once, see {@link ChunkContext.finalAttempt}). */
  readonly finalAttempt: boolean;
}

/**
 * What became of a chunk: acknowledged, or left in Kafka (the handler stops its batch and the
 * records are fetched again): at once when the Redis gate paused, after a back-off when its
 * transaction was not committed (exactly-once).
 */
type ChunkOutcome = 'acknowledged' | 'left-in-kafka' | RedeliveryReason;

/** First wait before a chunk whose produce failed is fetched again, ms; doubles per failure. */
const PRODUCE_BACKOFF_MS = 100;
/** Longest such wait, ms: short, so scoring resumes within a second of the broker's return. */
const PRODUCE_BACKOFF_MAX_MS = 1_000;
/** How often a back-off checks whether the partition is still this member's, ms. */
const BACKOFF_STEP_MS = 200;

/** Builds the transactions consumer's batch handler. */
export function createBatchRunner(options: BatchRunnerOptions): BatchHandler {
  const logger = (options.logger ?? SILENT_LOGGER).child({ component: 'batch-runner' });
  const now = options.now ?? Date.now;

  // Partitions whose last transaction failed: a broker away fails every chunk of them, and one
  // warning per partition says so; the repeats go to debug until a chunk commits again.
  const failing = new Set<string>();
  const score = async (chunks: readonly PartitionChunk[]): Promise<ChunkOutcome> => {
    const first = chunks[0];
    if (first === undefined) return 'acknowledged';
    const records = chunks.length === 1 ? first.records : chunks.flatMap((c) => c.records);
    const session = await options.delivery.open(first.position, () =>
      chunks.forEach((c) => c.resolve()),
    );
    const lease = options.models.acquire();
    try {
      const report = await options.pipeline.process(records, {
        models: lease.models,
        session,
        retry: options.retry,
        finalAttempt: chunks.length === 1 && first.finalAttempt,
      });
      if (report.redeliver) {
        const reason = report.redeliverReason ?? 'produce-failed';
        const key = `${first.position.topic}/${first.position.partition}`;
        const fields = { ...first.position, reason, error: report.redeliverCause };
        const message = 'transaction not committed; the chunk will be fetched again';
        if (failing.has(key)) logger.debug(message, fields);
        else logger.warn(message, fields);
        failing.add(key);
        return reason;
      }
      for (const c of chunks) failing.delete(`${c.position.topic}/${c.position.partition}`);
      return 'acknowledged';
    } catch (error: unknown) {
      if (classifyFailure(error) === 'redis-unavailable') {
        options.gate.trip(error);
        return 'left-in-kafka';
      }
      throw error;
    } finally {
      lease.release();
    }
  };
  const coalescer = options.delivery.spansPartitions
    ? new ChunkCoalescer(score, (c: PartitionChunk) => c.records.length, options.maxBatchSize)
    : undefined;
  const run = (chunk: PartitionChunk): Promise<ChunkOutcome> =>
    coalescer ? coalescer.submit(chunk) : score([chunk]);
  // Consecutive failed transactions per partition, and the attempts of the chunk with transient
  // failures by its first offset. Without a back-off a broker that is away turns every fetch
  // into a failed transaction and a new producer id, hundreds a second. The attempts are this
  // process's memory: after a restart a chunk gets its attempts again.
  const produceFailures = new Map<string, number>();
  const attempts = new Map<string, { readonly offset: string; readonly failed: number }>();
  const backOff = async (ms: number, control: { isRunning(): boolean }): Promise<void> => {
    for (let waited = 0; waited < ms && control.isRunning(); waited += BACKOFF_STEP_MS)
      await sleep(Math.min(BACKOFF_STEP_MS, ms - waited));
  };

  return async (batch, control) => {
    // Batches fetched before a pause still arrive; leaving them unresolved refetches them later.
    if (!options.gate.open || batch.records.length === 0) return;
    const { topic, partition } = batch;
    options.onBatch?.(topic, partition, batch.lag);
    const receivedAt = now();
    const records = batch.records.map((m) => toSourceRecord(topic, partition, m, receivedAt));
    // Keeps the group session alive while a long chunk (a slow Redis, a big model) runs.
    const keepAlive = setInterval(() => {
      control.heartbeat().catch((error: unknown) => {
        logger.debug('heartbeat failed; the next one retries', { error, topic, partition });
      });
    }, options.heartbeatIntervalMs);
    try {
      for (let start = 0; start < records.length; start += options.maxBatchSize) {
        if (!control.isRunning() || !options.gate.open) return;
        const chunk = records.slice(start, start + options.maxBatchSize);
        const last = chunk[chunk.length - 1];
        if (last === undefined) return;
        const lastOffset = last.offset;
        const key = `${topic}/${partition}`;
        const firstOffset = chunk[0]?.offset ?? lastOffset;
        const previous = attempts.get(key);
        const failed = previous?.offset === firstOffset ? previous.failed : 0;
        const outcome = await run({
          records: chunk,
          position: { topic, partition, lastOffset },
          resolve: () => control.resolveOffset(lastOffset),
          finalAttempt: failed + 1 >= options.redelivery.attempts,
        });
        if (outcome === 'produce-failed') {
          const n = (produceFailures.get(key) ?? 0) + 1;
          produceFailures.set(key, n);
          await backOff(
            Math.min(PRODUCE_BACKOFF_MS * 2 ** (n - 1), PRODUCE_BACKOFF_MAX_MS),
            control,
          );
          return;
        }
        if (outcome === 'transient-failure') {
          attempts.set(key, { offset: firstOffset, failed: failed + 1 });
          await backOff(fullJitterDelayMs(failed + 1, options.redelivery.backoff), control);
          return;
        }
        if (outcome === 'left-in-kafka') return;
        produceFailures.delete(key);
        attempts.delete(key);
        await control.heartbeat();
      }
    } finally {
      clearInterval(keepAlive);
    }
  };
}
