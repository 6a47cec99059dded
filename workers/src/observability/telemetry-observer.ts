// Adapts the pipeline's observer seam to the telemetry module: one batch span per chunk, one
// transaction span per record (continuing the producer's trace from the record headers), one
// stage span per stage, the verdict's send-span context in its headers, and the per-transaction
// metrics (consumed, verdicts by band and model, end-to-end latency, retries, dead letters).
import type { Context } from '@opentelemetry/api';
import type { ChunkObservation, PipelineObserver } from '../pipeline/observer';
import { reasonCodeOf } from '../pipeline/failure';
import type { SourceRecord } from '../pipeline/types';
import { traceHeadersOf, type Telemetry, type TransactionTrace } from '../telemetry';

/** Options of {@link telemetryObserver}. */
export interface TelemetryObserverOptions {
  readonly telemetry: Pick<Telemetry, 'tracer' | 'metrics'>;
  readonly consumerGroup: string;
  /** Topic of the verdicts (the produce stage's destination). */
  readonly decisionsTopic: string;
  /** Clock of the end-to-end latency. @defaultValue Date.now */
  readonly now?: () => number;
}

/** The pipeline observer that records spans and metrics. */
export function telemetryObserver(options: TelemetryObserverOptions): PipelineObserver {
  const { tracer, metrics } = options.telemetry;
  const now = options.now ?? Date.now;
  return {
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
        const recordContext = batch.recordContexts[i];
        if (recordContext === undefined) return;
        spans.set(
          r,
          tracer.startTransactionSpan(recordContext, {
            topic: r.topic,
            partition: r.partition,
            offset: r.offset,
            key: r.key,
            attempt: r.attempt,
            consumerGroup: options.consumerGroup,
            batch,
          }),
        );
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
              return run();
            },
          );
        },
        verdictHeaders(scored) {
          const ctx = produceContexts.get(scored.decoded.record);
          return ctx === undefined ? {} : traceHeadersOf(ctx);
        },
        end(outcome) {
          const at = now();
          for (const v of outcome.verdicts) {
            const { verdict } = v;
            metrics.countVerdict(verdict.decision, verdict.model_version);
            const produced = Number(v.decoded.record.timestamp);
            if (Number.isFinite(produced)) metrics.recordEndToEnd(at - produced);
            const span = spans.get(v.decoded.record);
            span?.setTransactionId(verdict.transaction_id);
            span?.setVerdict({
              decision: verdict.decision,
              score: verdict.score,
              modelVersion: verdict.model_version,
              degraded: verdict.degraded,
            });
            span?.end();
            spans.delete(v.decoded.record);
          }
          for (const d of outcome.deadLetters) {
            metrics.countDeadLetter(
              d.code,
              d.code === 'FS_RETRY_EXHAUSTED' ? 'retries_exhausted' : 'bad_input',
            );
            spans.get(d.record)?.end({ code: d.code });
            spans.delete(d.record);
          }
          for (const r of outcome.retries) {
            metrics.countRetry(reasonCodeOf(r.error));
            spans.get(r.record)?.end(r.error);
            spans.delete(r.record);
          }
          // Records not acknowledged (Redis down, transaction aborted) come back later.
          for (const span of spans.values()) span.end(outcome.error);
          spans.clear();
          batch.end(outcome.error);
        },
      };
    },
  };
}
