// The eachBatch handler of the transactions consumer. A fetched batch is cut into chunks of at
// most FS_MAX_BATCH_SIZE records; each chunk runs through the pipeline (one Redis round trip,
// one inference call) and is acknowledged before the partition's next chunk starts. In
// at-least-once mode the chunks of partitions handled at the same time are merged into one run
// (chunk-coalescer.ts). Offsets are resolved by hand, only for chunks whose every record became
// a verdict, a retry job or a dead letter.
import type { BatchHandler } from '../kafka/kafka-client';
import type { ConsumedRecord } from '../kafka/records';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { ModelProvider } from '../model-registry/model-registry';
import type { DeliverySession, SourcePosition } from '../pipeline/commit';
import { classifyFailure } from '../pipeline/failure';
import type { RetrySink, ScoringPipeline } from '../pipeline/pipeline';
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
}

/** What became of a chunk: acknowledged, or left in Kafka (the handler stops its batch). */
type ChunkOutcome = 'acknowledged' | 'left-in-kafka';

/** Builds the transactions consumer's batch handler. */
export function createBatchRunner(options: BatchRunnerOptions): BatchHandler {
  const logger = (options.logger ?? SILENT_LOGGER).child({ component: 'batch-runner' });
  const now = options.now ?? Date.now;

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
      });
      if (report.redeliver) {
        logger.warn('produce failed inside a transaction; the chunk will be redelivered', {
          ...first.position,
        });
        return 'left-in-kafka';
      }
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
        const outcome = await run({
          records: chunk,
          position: { topic, partition, lastOffset },
          resolve: () => control.resolveOffset(lastOffset),
        });
        if (outcome === 'left-in-kafka') return;
        await control.heartbeat();
      }
    } finally {
      clearInterval(keepAlive);
    }
  };
}
