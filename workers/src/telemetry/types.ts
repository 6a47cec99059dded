import type { Context, Span } from '@opentelemetry/api';
import type { ReadableKafkaHeaders } from './kafka-context';

// Public types of the span helpers (FraudstreamTracer in spans.ts).

/** The stages of the scoring pipeline, in order; the `stage` of spans and stage metrics. */
export const PIPELINE_STAGES = ['decode', 'features', 'inference', 'decide', 'produce'] as const;

/** One pipeline stage. */
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** Receives the duration of a stage once per transaction it ran for (wired to the metrics). */
export type StageRecorder = (
  stage: PipelineStage,
  durationMs: number,
  transactions: number,
) => void;

/** A consumed record; kafkajs's `KafkaMessage` fits. */
export interface ConsumedRecord {
  readonly offset: string;
  readonly key?: Buffer | string | null;
  readonly headers?: ReadableKafkaHeaders;
}

/** A consumed batch; kafkajs's `Batch` (from `eachBatch`) fits. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedRecord[];
}

/** The span of one batch of records, processed together. */
export interface BatchTrace {
  /** The batch span (`process <topic>`, kind CONSUMER), linked to each sampled record. */
  readonly span: Span;
  /** A context holding the batch span: the parent of batch-level work (Redis round trips). */
  readonly context: Context;
  /** The producer context of each record, in `messages` order (extracted once, here). */
  readonly recordContexts: readonly Context[];
  /** Ends the batch span; an error marks it failed with `error.type` (never the message). */
  end(error?: unknown): void;
}

/** What the worker knows about a transaction when it starts processing it. */
export interface TransactionSpanAttributes {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Record key (customer id). */
  readonly key?: Buffer | string | null;
  /** Known after decoding; set it then with {@link TransactionTrace.setTransactionId}. */
  readonly transactionId?: string;
  readonly consumerGroup?: string;
  /** Delivery attempt: 1 from Kafka, 2+ from the retry queue. @defaultValue 1 */
  readonly attempt?: number;
  /** The batch this record came in; the transaction span links to it. */
  readonly batch?: BatchTrace;
}

/** What the verdict said, for the transaction span. */
export interface VerdictAttributes {
  readonly decision: string;
  readonly score?: number;
  readonly modelVersion?: string;
  readonly degraded?: boolean;
}

/** The span of one transaction, from consume to verdict acknowledged. */
export interface TransactionTrace {
  /** The process span (`process <topic>`, kind CONSUMER), child of the producer's send span. */
  readonly span: Span;
  /** A context holding the process span: parent of stage spans, retries and dead letters. */
  readonly context: Context;
  /** Tags the span with the transaction id (what `fraudstream trace` searches by). */
  setTransactionId(transactionId: string): void;
  /** Records decision, score and model version on the span. */
  setVerdict(verdict: VerdictAttributes): void;
  /** Ends the span; an error marks it failed with `error.type` (never the message). */
  end(error?: unknown): void;
}

/** Where a stage span hangs: a transaction, or an explicit context (default: the active one). */
export type StageParent = TransactionTrace | Context;

/** Options of {@link FraudstreamTracer.withStageSpan}. */
export interface StageSpanOptions {
  /** Parent of the stage span. @defaultValue the active context */
  readonly parent?: StageParent;
  /**
   * For the `produce` stage: the topic written to. The stage span then is the messaging send
   * span (`send <topic>`, kind PRODUCER), and its context is what the record's headers carry.
   */
  readonly destination?: string;
}

/** Options of {@link FraudstreamTracer.withBatchStage}. */
export interface BatchStageOptions {
  /** The batch; gets a batch-level stage span that batch-wide work (Redis) nests under. */
  readonly batch?: BatchTrace;
  /** The transactions the stage runs for; each gets its own stage span and metric sample. */
  readonly transactions: readonly TransactionTrace[];
  /** As in {@link StageSpanOptions.destination}. */
  readonly destination?: string;
}

/** What the producer side describes about a record it is about to send. */
export interface SendSpanInput {
  readonly topic: string;
  readonly key?: Buffer | string | null;
  readonly transactionId?: string;
  /** Partition, when the producer chooses it. */
  readonly partition?: number;
  /** Parent: a transaction (verdicts, retries, dead letters) or a context. @defaultValue the active context */
  readonly parent?: StageParent;
  readonly clientId?: string;
}

/** How a send ended. */
export interface SendResult {
  readonly error?: unknown;
  /** Partition the record landed in, from kafkajs's RecordMetadata. */
  readonly partition?: number;
}

/** A producer span, started before `producer.send`; attach {@link SendTrace.headers} to the record. */
export interface SendTrace {
  readonly span: Span;
  readonly context: Context;
  /** W3C `traceparent` (and `tracestate`) of the send span: merge into the record's headers. */
  readonly headers: Record<string, string>;
  /** Ends the span once Kafka acknowledged (or refused) the record. */
  end(result?: SendResult): void;
}
