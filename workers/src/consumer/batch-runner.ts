// The eachBatch handler of the transactions consumer. A fetched batch is cut into chunks of at
// most FS_MAX_BATCH_SIZE records; each chunk runs through the pipeline (one Redis round trip,
// one inference call) and is acknowledged before the next starts. Offsets are resolved by hand,
// only for chunks whose every record became a verdict, a retry job or a dead letter.
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { ModelProvider } from '../model-registry/model-registry';
import type { DeliverySession, SourcePosition } from '../pipeline/commit';
import { classifyFailure } from '../pipeline/failure';
import type { RetrySink, ScoringPipeline } from '../pipeline/pipeline';
import type { SourceRecord } from '../pipeline/types';
import type { RedisGate } from './redis-gate';

/** Opens the delivery session of one chunk (at-least-once or exactly-once). */
export interface DeliveryFactory {
  /**
   * `resolve` moves the consumer past the chunk (resolveOffset); `commitConsumer` also commits
   * through the consumer group (at-least-once only).
   */
  open(
    position: SourcePosition,
    hooks: { resolve: () => void; commitConsumer: () => Promise<void> },
  ): Promise<DeliverySession>;
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
  m: KafkaMessage,
  receivedAt: number,
): SourceRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: m.headers ?? {},
    timestamp: m.timestamp,
    attempt: 1,
    receivedAt,
  };
}

/** Builds the eachBatch handler (use with eachBatchAutoResolve: false). */
export function createBatchRunner(
  options: BatchRunnerOptions,
): (payload: EachBatchPayload) => Promise<void> {
  const logger = (options.logger ?? SILENT_LOGGER).child({ component: 'batch-runner' });
  const now = options.now ?? Date.now;
  return async (payload) => {
    // Called through `payload.`: kafkajs declares these as methods.
    const { batch } = payload;
    // Batches fetched before a pause still arrive; leaving them unresolved refetches them later.
    if (!options.gate.open || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    options.onBatch?.(topic, partition, Number(batch.offsetLag()));
    const receivedAt = now();
    const records = batch.messages.map((m) => toSourceRecord(topic, partition, m, receivedAt));
    // Keeps the group session alive while a long chunk (a slow Redis, a big model) runs.
    const keepAlive = setInterval(() => {
      payload.heartbeat().catch(() => undefined);
    }, options.heartbeatIntervalMs);
    try {
      for (let start = 0; start < records.length; start += options.maxBatchSize) {
        if (!payload.isRunning() || payload.isStale() || !options.gate.open) return;
        const chunk = records.slice(start, start + options.maxBatchSize);
        const lastOffset = chunk[chunk.length - 1]?.offset ?? batch.lastOffset();
        const session = await options.delivery.open(
          { topic, partition, lastOffset },
          {
            resolve: () => payload.resolveOffset(lastOffset),
            commitConsumer: async () => {
              payload.resolveOffset(lastOffset);
              await payload.commitOffsetsIfNecessary();
            },
          },
        );
        const lease = options.models.acquire();
        try {
          const report = await options.pipeline.process(chunk, {
            models: lease.models,
            session,
            retry: options.retry,
          });
          if (report.redeliver) {
            logger.warn('produce failed inside a transaction; the chunk will be redelivered', {
              topic,
              partition,
              lastOffset,
            });
            return;
          }
        } catch (error: unknown) {
          if (classifyFailure(error) === 'redis-unavailable') {
            options.gate.trip(error);
            return;
          }
          throw error;
        } finally {
          lease.release();
        }
        await payload.heartbeat();
      }
    } finally {
      clearInterval(keepAlive);
    }
  };
}
