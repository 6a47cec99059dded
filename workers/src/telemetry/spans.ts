import {
  context as contextApi,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_FS_ATTEMPT,
  ATTR_FS_BATCH_SIZE,
  ATTR_FS_DECISION,
  ATTR_FS_DEGRADED,
  ATTR_FS_MODEL_VERSION,
  ATTR_FS_SCORE,
  ATTR_FS_STAGE,
  ATTR_FS_TRANSACTION_ID,
  ATTR_KAFKA_MESSAGE_KEY,
  ATTR_KAFKA_OFFSET,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM_NAME,
  DB_SYSTEM_REDIS,
  MESSAGING_OPERATION_TYPE,
  MESSAGING_SYSTEM_KAFKA,
} from './attributes';
import { extractTraceContext, traceHeadersOf } from './kafka-context';
import type { SpanIdMapper } from './span-ids';
import type {
  BatchStageOptions,
  BatchTrace,
  ConsumedBatch,
  PipelineStage,
  SendResult,
  SendSpanInput,
  SendTrace,
  StageParent,
  StageRecorder,
  StageSpanOptions,
  TransactionSpanAttributes,
  TransactionTrace,
} from './types';

/** Links kept per batch span; a batch larger than this links to its first records only. */
export const MAX_BATCH_LINKS = 1024;

/** The stable part of an error for `error.type`: its `code`, else its class name. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (typeof code === 'number') return String(code);
    if (error instanceof Error) return error.name;
  }
  return 'unknown';
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    // Only the error's type: messages can carry record contents, and spans are redacted by default.
    const type = errorType(error);
    span.setAttribute(ATTR_ERROR_TYPE, type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  }
  span.end();
}

function keyText(key: Buffer | string | null | undefined): string | undefined {
  if (key === null || key === undefined) return undefined;
  return typeof key === 'string' ? key : key.toString('utf8');
}

// Spans made where tracing is off, or by tests that look at ids, keep them as they are.
const rawIds: SpanIdMapper = (id) => id;

function isSampled(ctx: Context): boolean {
  const sc = trace.getSpanContext(ctx);
  return sc !== undefined && (sc.traceFlags & TraceFlags.SAMPLED) !== 0;
}

function parentContext(parent: StageParent | undefined): Context {
  if (parent === undefined) return contextApi.active();
  return 'setVerdict' in parent ? parent.context : parent;
}

function kafkaAttributes(topic: string, partition: number | undefined): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM_NAME]: MESSAGING_SYSTEM_KAFKA,
    [ATTR_MESSAGING_DESTINATION_NAME]: topic,
  };
  if (partition !== undefined)
    attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(partition);
  return attributes;
}

/**
 * The span helpers of fraudstream: one trace per transaction across Kafka, batch spans linked
 * to the records they carry, stage spans, and producer spans whose context travels in headers.
 * Every helper also works when tracing is off (spans are then no-ops and trace headers are
 * handed through unchanged), so callers never branch on it.
 */
export class FraudstreamTracer {
  /**
   * `tracer` creates the spans; `onStage` (optional) receives stage durations for the metrics;
   * `spanId` turns a record key (a customer id) into what `kafka.message.key` carries (initTracing
   * passes the keyed hash of span-ids.ts).
   */
  constructor(
    readonly tracer: Tracer,
    private readonly onStage?: StageRecorder,
    private readonly spanId: SpanIdMapper = rawIds,
  ) {}

  /** The record key as a span may carry it: hashed unless FS_TRACE_RAW_IDS. */
  private spanKey(key: Buffer | string | null | undefined): string | undefined {
    const text = keyText(key);
    return text === undefined ? undefined : this.spanId(text);
  }

  /**
   * Producer side: starts the `send <topic>` span (kind PRODUCER) before a record is produced.
   * Put `headers` on the record, then call `end()` when the send resolves or rejects.
   */
  startSendSpan(input: SendSpanInput): SendTrace {
    const attributes = kafkaAttributes(input.topic, input.partition);
    attributes[ATTR_MESSAGING_OPERATION_TYPE] = MESSAGING_OPERATION_TYPE.send;
    attributes[ATTR_MESSAGING_OPERATION_NAME] = 'send';
    const key = this.spanKey(input.key);
    if (key !== undefined) attributes[ATTR_KAFKA_MESSAGE_KEY] = key;
    if (input.transactionId !== undefined) attributes[ATTR_FS_TRANSACTION_ID] = input.transactionId;
    if (input.clientId !== undefined) attributes[ATTR_MESSAGING_CLIENT_ID] = input.clientId;
    const parent = parentContext(input.parent);
    const span = this.tracer.startSpan(
      `send ${input.topic}`,
      { kind: SpanKind.PRODUCER, attributes },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    return {
      span,
      context: ctx,
      headers: traceHeadersOf(ctx),
      end(result: SendResult = {}) {
        if (result.partition !== undefined) {
          span.setAttribute(ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(result.partition));
        }
        endSpan(span, result.error);
      },
    };
  }

  /**
   * Consumer side, once per batch: starts `process <topic>` (kind CONSUMER) as a new trace
   * linked to each sampled record's producer context, and extracts every record's context.
   * The sampler records the batch span whenever one of its records is sampled, so a sampled
   * transaction always links to a recorded batch.
   */
  startBatchSpan(
    batch: ConsumedBatch,
    options: { readonly consumerGroup?: string; readonly clientId?: string } = {},
  ): BatchTrace {
    const recordContexts = batch.messages.map((m) => extractTraceContext(m.headers));
    const links: Link[] = [];
    for (let i = 0; i < recordContexts.length && links.length < MAX_BATCH_LINKS; i++) {
      const ctx = recordContexts[i];
      const spanContext = ctx === undefined ? undefined : trace.getSpanContext(ctx);
      if (ctx !== undefined && spanContext !== undefined && isSampled(ctx)) {
        links.push({
          context: spanContext,
          attributes: { [ATTR_KAFKA_OFFSET]: Number(batch.messages[i]?.offset) },
        });
      }
    }
    const attributes = kafkaAttributes(batch.topic, batch.partition);
    attributes[ATTR_MESSAGING_OPERATION_TYPE] = MESSAGING_OPERATION_TYPE.process;
    attributes[ATTR_MESSAGING_OPERATION_NAME] = 'process';
    attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = batch.messages.length;
    if (options.consumerGroup !== undefined) {
      attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = options.consumerGroup;
    }
    if (options.clientId !== undefined) attributes[ATTR_MESSAGING_CLIENT_ID] = options.clientId;
    const span = this.tracer.startSpan(
      `process ${batch.topic}`,
      { kind: SpanKind.CONSUMER, attributes, links, root: true },
      ROOT_CONTEXT,
    );
    return {
      span,
      context: trace.setSpan(ROOT_CONTEXT, span),
      recordContexts,
      end: (error?: unknown) => endSpan(span, error),
    };
  }

  /**
   * Starts the per-transaction `process <topic>` span (kind CONSUMER) whose parent is the
   * producer's context (`recordContext`, from {@link BatchTrace.recordContexts} or
   * `extractTraceContext`), so the transaction's trace continues across Kafka. A record that
   * arrived without trace context starts a new trace (sampled at the configured ratio).
   */
  startTransactionSpan(recordContext: Context, attrs: TransactionSpanAttributes): TransactionTrace {
    const attributes = kafkaAttributes(attrs.topic, attrs.partition);
    attributes[ATTR_MESSAGING_OPERATION_TYPE] = MESSAGING_OPERATION_TYPE.process;
    attributes[ATTR_MESSAGING_OPERATION_NAME] = 'process';
    attributes[ATTR_KAFKA_OFFSET] = Number(attrs.offset);
    attributes[ATTR_FS_ATTEMPT] = attrs.attempt ?? 1;
    const key = this.spanKey(attrs.key);
    if (key !== undefined) attributes[ATTR_KAFKA_MESSAGE_KEY] = key;
    if (attrs.transactionId !== undefined) attributes[ATTR_FS_TRANSACTION_ID] = attrs.transactionId;
    if (attrs.consumerGroup !== undefined) {
      attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = attrs.consumerGroup;
    }
    const span = this.tracer.startSpan(
      `process ${attrs.topic}`,
      { kind: SpanKind.CONSUMER, attributes },
      recordContext,
    );
    if (attrs.batch !== undefined && span.isRecording()) {
      // Added after the start on purpose: a link at start would let the link-aware root
      // sampler sample every untraced record of a sampled batch.
      span.addLink({ context: attrs.batch.span.spanContext() });
    }
    return {
      span,
      context: trace.setSpan(recordContext, span),
      setTransactionId(transactionId) {
        span.setAttribute(ATTR_FS_TRANSACTION_ID, transactionId);
      },
      setVerdict(verdict) {
        span.setAttribute(ATTR_FS_DECISION, verdict.decision);
        if (verdict.score !== undefined) span.setAttribute(ATTR_FS_SCORE, verdict.score);
        if (verdict.modelVersion !== undefined) {
          span.setAttribute(ATTR_FS_MODEL_VERSION, verdict.modelVersion);
        }
        if (verdict.degraded !== undefined) span.setAttribute(ATTR_FS_DEGRADED, verdict.degraded);
      },
      end: (error?: unknown) => endSpan(span, error),
    };
  }

  /**
   * Runs one stage for one transaction inside a child span (`decode`, `features`...; or
   * `send <destination>` for `produce`), records the stage duration metric, and ends the span
   * when `fn` settles. `fn` runs with the stage span active and receives its context (inject it
   * into the headers of what the stage produces).
   */
  async withStageSpan<T>(
    stage: PipelineStage,
    fn: (stageContext: Context) => Promise<T> | T,
    options: StageSpanOptions = {},
  ): Promise<T> {
    const parent = parentContext(options.parent);
    const span = this.startStageSpan(stage, parent, options.destination, undefined);
    const ctx = trace.setSpan(parent, span);
    const started = performance.now();
    try {
      const result = await contextApi.with(ctx, () => fn(ctx));
      endSpan(span, undefined);
      return result;
    } catch (error: unknown) {
      endSpan(span, error);
      throw error;
    } finally {
      this.onStage?.(stage, performance.now() - started, 1);
    }
  }

  /**
   * Runs one stage once for a whole batch of transactions (one pipelined Redis round trip, one
   * model call): a batch-level stage span under the batch span (active while `fn` runs, so
   * Redis spans nest under it), and for each sampled transaction a stage span of the same
   * duration linked to it. The stage metric gets one sample per transaction. `fn` receives one
   * context per transaction, in order, to inject into the records it produces.
   */
  async withBatchStage<T>(
    stage: PipelineStage,
    options: BatchStageOptions,
    fn: (stageContexts: readonly Context[]) => Promise<T> | T,
  ): Promise<T> {
    const batchParent = options.batch?.context ?? contextApi.active();
    const batchSpan = this.startStageSpan(
      stage,
      batchParent,
      undefined,
      options.transactions.length,
    );
    const batchCtx = trace.setSpan(batchParent, batchSpan);
    const link: Link[] = batchSpan.isRecording() ? [{ context: batchSpan.spanContext() }] : [];
    const spans: Span[] = [];
    // Unsampled transactions get no stage span: the transaction's own (non-recording) context
    // is enough to carry the trace id on, and it saves a span object per record per stage.
    const contexts = options.transactions.map((tx) => {
      if (!tx.span.isRecording()) return tx.context;
      const span = this.startStageSpan(stage, tx.context, options.destination, undefined, link);
      spans.push(span);
      return trace.setSpan(tx.context, span);
    });
    const started = performance.now();
    try {
      const result = await contextApi.with(batchCtx, () => fn(contexts));
      for (const span of spans) endSpan(span, undefined);
      endSpan(batchSpan, undefined);
      return result;
    } catch (error: unknown) {
      for (const span of spans) endSpan(span, error);
      endSpan(batchSpan, error);
      throw error;
    } finally {
      this.onStage?.(stage, performance.now() - started, options.transactions.length);
    }
  }

  /**
   * One span around one Redis round trip (a pipeline or a single command), kind CLIENT, with
   * the command count and no arguments: the cheap way to see Redis time in a trace (per-command
   * spans are FS_TRACE_REDIS_COMMANDS). Parent: the active context (the features stage).
   */
  async withRedisSpan<T>(
    operation: string,
    fn: () => Promise<T>,
    options: { readonly commandCount?: number; readonly parent?: Context } = {},
  ): Promise<T> {
    const attributes: Attributes = {
      [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_REDIS,
      [ATTR_DB_OPERATION_NAME]: operation,
    };
    if (options.commandCount !== undefined) {
      attributes[ATTR_DB_OPERATION_BATCH_SIZE] = options.commandCount;
    }
    const parent = options.parent ?? contextApi.active();
    const span = this.tracer.startSpan(operation, { kind: SpanKind.CLIENT, attributes }, parent);
    try {
      const result = await contextApi.with(trace.setSpan(parent, span), fn);
      endSpan(span, undefined);
      return result;
    } catch (error: unknown) {
      endSpan(span, error);
      throw error;
    }
  }

  private startStageSpan(
    stage: PipelineStage,
    parent: Context,
    destination: string | undefined,
    batchSize: number | undefined,
    links?: Link[],
  ): Span {
    const attributes: Attributes = { [ATTR_FS_STAGE]: stage };
    if (batchSize !== undefined) attributes[ATTR_FS_BATCH_SIZE] = batchSize;
    if (destination === undefined) {
      return this.tracer.startSpan(stage, { kind: SpanKind.INTERNAL, attributes, links }, parent);
    }
    Object.assign(attributes, kafkaAttributes(destination, undefined), {
      [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE.send,
      [ATTR_MESSAGING_OPERATION_NAME]: 'send',
    });
    return this.tracer.startSpan(
      `send ${destination}`,
      { kind: SpanKind.PRODUCER, attributes, links },
      parent,
    );
  }
}
