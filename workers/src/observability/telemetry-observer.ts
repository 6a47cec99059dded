// Adapts the pipeline's observer seam to the telemetry module: one batch span per chunk, one
// transaction span per record (continuing the producer's trace from the record headers), one
// stage span per stage, the verdict's send-span context in its headers, and the per-transaction
// metrics (consumed, verdicts by band and model, end-to-end latency, retries, dead letters, and
// the Kafka and Redis failures the pipeline runs into). A retried record's trace goes on from
// the failed attempt's span, whose context its retry job stores, so every attempt lands in the
// same trace (also for a record that came without trace context); the dead letter of a record
// whose attempts ran out gets its send span under the last attempt.
import type { Context } from '@opentelemetry/api';
import type { ChunkObservation, PipelineObserver } from '../pipeline/observer';
import { reasonCodeOf } from '../pipeline/failure';
import type { ScoredRecord, SourceRecord } from '../pipeline/types';
import {
  ATTR_FS_ATTEMPT,
  ATTR_FS_ALREADY_DELIVERED,
  ATTR_FS_DEAD_LETTER_REASON,
  ATTR_FS_RETRY_REASON,
  extractTraceContext,
  traceHeadersOf,
  type Telemetry,
  type TransactionTrace,
} from '../telemetry';
import { kafkaErrorCode } from './dependency-errors';

/** Options of {@link telemetryObserver}. */
export interface TelemetryObserverOptions {
  readonly telemetry: Pick<Telemetry, 'tracer' | 'metrics'>;
  readonly consumerGroup: string;
  /** Topic of the verdicts (the produce stage's destination). */
  readonly decisionsTopic: string;
  /** Topic of the dead letters (destination of the retry processor's dead-letter send span). */
  readonly deadLetterTopic: string;
  /** Clock of the end-to-end latency. @defaultValue Date.now */
  readonly now?: () => number;
  /**
   * Retry jobs a record gets (FS_RETRY_ATTEMPTS). A failure of its last attempt (attempt
   * `retryAttempts + 1`, counting the Kafka one) is dead-lettered, not retried, so it is not
   * counted in retries_total. @defaultValue Infinity
   */
  readonly retryAttempts?: number;
}

/** The pipeline observer of telemetry, and the span of a dead letter sent outside a chunk. */
export interface TelemetryObserver extends PipelineObserver {
  /**
   * Runs `send` (the retry processor dead-lettering `record` after its last attempt) inside a
   * `send <dead-letter topic>` span, child of that attempt's transaction span; a failed send
   * also counts as a Kafka error.
   */
  readonly deadLetter: (
    record: SourceRecord,
    reason: unknown,
    send: () => Promise<void>,
  ) => Promise<void>;
  /**
   * The trace context of `record`'s transaction span while its attempt runs (the retry queue
   * stores it in the record's job), or undefined for a record not in a running chunk.
   */
  readonly traceContextOf: (record: SourceRecord) => Readonly<Record<string, string>> | undefined;
  /** The next attempt of `record` (a retry job) continues from `trace`, its job's context. */
  readonly continueTrace: (record: SourceRecord, trace: Readonly<Record<string, string>>) => void;
}

/** Counts the failure that ended a chunk as a whole: Kafka (commit, abort) or the retry queue. */
function countChunkError(metrics: Telemetry['metrics'], error: unknown): void {
  const kafka = kafkaErrorCode(error);
  // A failed produce was counted by the produce stage already.
  if (kafka !== undefined && kafka !== 'FS_PRODUCE_FAILED') metrics.countError('kafka', kafka);
  // BullRetryQueue reports an unreachable Redis as FS_REDIS_UNAVAILABLE (the gate counts that
  // pause); FS_RETRY_ENQUEUE_FAILED is Redis refusing the jobs.
  if (reasonCodeOf(error) === 'FS_RETRY_ENQUEUE_FAILED') {
    metrics.countError('redis', 'FS_RETRY_ENQUEUE_FAILED');
  }
}

/** The pipeline observer that records spans and metrics. */
export function telemetryObserver(options: TelemetryObserverOptions): TelemetryObserver {
  const { tracer, metrics } = options.telemetry;
  const now = options.now ?? Date.now;
  // The transaction span of each record's latest failed attempt, for the dead letter that may
  // follow it. Weak: a record that is retried no more is forgotten with its retry job.
  const lastAttempts = new WeakMap<SourceRecord, Context>();
  // Transaction spans of the records in running chunks, for the retry queue's jobs.
  const open = new WeakMap<SourceRecord, TransactionTrace>();
  // The contexts retry jobs carried, for the attempts they start.
  const retryParents = new WeakMap<SourceRecord, Context>();
  return {
    traceContextOf(record) {
      const span = open.get(record);
      return span === undefined ? undefined : traceHeadersOf(span.context);
    },
    continueTrace(record, trace) {
      retryParents.set(record, extractTraceContext(trace));
    },
    async deadLetter(record, reason, send) {
      const parent = lastAttempts.get(record) ?? extractTraceContext(record.headers);
      const span = tracer.startSendSpan({
        topic: options.deadLetterTopic,
        key: record.key,
        parent,
      });
      span.span.setAttribute(ATTR_FS_ATTEMPT, record.attempt);
      span.span.setAttribute(ATTR_FS_DEAD_LETTER_REASON, reasonCodeOf(reason));
      try {
        await send();
        span.end();
      } catch (error: unknown) {
        const code = kafkaErrorCode(error);
        if (code !== undefined) metrics.countError('kafka', code);
        span.end({ error });
        throw error;
      }
    },
    chunk(records): ChunkObservation {
      const first = records[0];
      const topic = first?.topic ?? 'unknown';
      const partition = first?.partition ?? -1;
      const fromKafka = records.filter((r) => r.attempt === 1).length;
      if (fromKafka > 0) metrics.countConsumed(topic, fromKafka);
      const batch = tracer.startBatchSpan(
        { topic, partition, messages: records },
        { consumerGroup: options.consumerGroup },
      );
      const spans = new Map<SourceRecord, TransactionTrace>();
      records.forEach((r, i) => {
        // A retry continues its failed attempt's span; a Kafka record its producer's.
        const recordContext = retryParents.get(r) ?? batch.recordContexts[i];
        if (recordContext === undefined) return;
        const span = tracer.startTransactionSpan(recordContext, {
          topic: r.topic,
          partition: r.partition,
          offset: r.offset,
          key: r.key,
          attempt: r.attempt,
          consumerGroup: options.consumerGroup,
          batch,
        });
        spans.set(r, span);
        open.set(r, span);
      });
      const produceContexts = new Map<SourceRecord, Context>();
      return {
        stage(stage, stageRecords, run) {
          const transactions = stageRecords.flatMap((r) => spans.get(r) ?? []);
          return tracer.withBatchStage(
            stage,
            {
              batch,
              transactions,
              destination: stage === 'produce' ? options.decisionsTopic : undefined,
            },
            (contexts) => {
              if (stage === 'produce') {
                let k = 0;
                for (const r of stageRecords) {
                  if (!spans.has(r)) continue;
                  const ctx = contexts[k++];
                  if (ctx !== undefined) produceContexts.set(r, ctx);
                }
              }
              if (stage !== 'produce') return run();
              return run().catch((error: unknown) => {
                // Counted here, where it happened: the pipeline turns it into retries or a
                // redelivery, and the chunk's outcome no longer says that Kafka failed.
                const code = kafkaErrorCode(error);
                if (code !== undefined) metrics.countError('kafka', code);
                throw error;
              });
            },
          );
        },
        decoded(decodedRecords) {
          for (const d of decodedRecords)
            spans.get(d.record)?.setTransactionId(d.tx.transaction_id);
        },
        verdictHeaders(scored) {
          const ctx = produceContexts.get(scored.decoded.record);
          return ctx === undefined ? {} : traceHeadersOf(ctx);
        },
        end(outcome) {
          const at = now();
          // Counted per decision and model, once per chunk: the SDK hashes the attributes of
          // every add().
          const counts = new Map<string, { verdict: ScoredRecord['verdict']; n: number }>();
          for (const v of outcome.verdicts) {
            const { verdict } = v;
            const key = `${verdict.decision}\n${verdict.model_version}`;
            const count = counts.get(key);
            if (count === undefined) counts.set(key, { verdict, n: 1 });
            else count.n += 1;
            const produced = Number(v.decoded.record.timestamp);
            if (Number.isFinite(produced)) metrics.recordEndToEnd(at - produced);
            const span = spans.get(v.decoded.record);
            span?.setVerdict({
              decision: verdict.decision,
              score: verdict.score,
              modelVersion: verdict.model_version,
              degraded: verdict.degraded,
            });
            span?.end();
            spans.delete(v.decoded.record);
          }
          for (const { verdict, n } of counts.values()) {
            metrics.countVerdict(verdict.decision, verdict.model_version, n);
          }
          for (const d of outcome.deadLetters) {
            metrics.countDeadLetter(
              d.code,
              d.code === 'FS_RETRY_EXHAUSTED' ? 'retries_exhausted' : 'bad_input',
            );
            const span = spans.get(d.record);
            span?.span.setAttribute(ATTR_FS_DEAD_LETTER_REASON, d.code);
            span?.end({ code: d.code });
            spans.delete(d.record);
          }
          for (const r of outcome.retries) {
            const reason = reasonCodeOf(r.error);
            const exhausted = r.record.attempt > (options.retryAttempts ?? Infinity);
            if (!exhausted) metrics.countRetry(reason);
            const span = spans.get(r.record);
            if (span !== undefined) {
              if (!exhausted) span.span.setAttribute(ATTR_FS_RETRY_REASON, reason);
              lastAttempts.set(r.record, span.context);
              span.end(r.error);
            }
            spans.delete(r.record);
          }
          const skipped = outcome.alreadyDelivered ?? [];
          if (skipped.length > 0) metrics.countRedeliveriesSkipped(skipped.length);
          for (const d of skipped) {
            const span = spans.get(d.record);
            span?.span.setAttribute(ATTR_FS_ALREADY_DELIVERED, true);
            span?.end();
            spans.delete(d.record);
          }
          if (outcome.error !== undefined) countChunkError(metrics, outcome.error);
          // Records not acknowledged (Redis down, transaction aborted) come back later.
          for (const span of spans.values()) span.end(outcome.error);
          spans.clear();
          for (const r of records) open.delete(r);
          batch.end(outcome.error);
        },
      };
    },
  };
}
