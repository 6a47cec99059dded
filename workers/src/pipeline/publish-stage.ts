// Stage 4: encode the verdicts (keyed by customer id, so a customer's verdicts stay ordered) and
// the dead letters of the chunk, and produce them together in one call through the delivery
// session (acks=all, idempotent producer; inside a Kafka transaction in exactly-once mode).
import { DEFAULT_WORKER_OPTIONS } from '../config/worker-options';
import { InternalStageError, TransientStageError } from '../errors';
import type { Verdict } from './contracts';
import type { DeliverySession } from './commit';
import { isProgrammerError } from './failure';
import { deadLetterMessage, type DeadLetterEncoder } from './dead-letter-message';
import { HEADERS, traceHeadersOf } from './record-headers';
import type { OutboundMessage, Rejection, ScoredRecord, TopicMessages } from './types';

/** What the publish stage needs from @fraudstream/schemas (adapters/schemas-codec.ts). */
export interface RecordEncoder extends DeadLetterEncoder {
  /** A framed Verdict record; throws on a value that does not fit the schema. */
  encodeVerdict(verdict: Verdict): Buffer;
}

/** Where the stage writes. */
export interface PublishTopics {
  readonly decisions: string;
  readonly deadLetters: string;
}

/** What was handed to Kafka. */
export interface PublishReceipt {
  readonly verdicts: readonly ScoredRecord[];
  readonly deadLetters: readonly Rejection[];
}

/** Stage 4 of the pipeline. */
export interface PublishStage {
  /**
   * Sends the verdicts and dead letters; resolves once Kafka acknowledged all of them. Throws
   * TransientStageError FS_PRODUCE_FAILED when the produce failed.
   */
  run(
    scored: readonly ScoredRecord[],
    rejected: readonly Rejection[],
    session: DeliverySession,
    extraHeaders?: VerdictHeaders,
  ): Promise<PublishReceipt>;
}

/** Extra headers for a verdict (the tracer's send-span context). */
export type VerdictHeaders = (scored: ScoredRecord) => Readonly<Record<string, string>>;

/** Options of {@link createPublishStage}. */
export interface PublishStageOptions {
  readonly encoder: RecordEncoder;
  readonly topics: PublishTopics;
  /** Clock of the dead letters' timestamps. @defaultValue Date.now */
  readonly now?: () => number;
  /**
   * Largest record a dead letter copies; a larger one is dead-lettered by reference.
   * @defaultValue FS_MAX_RECORD_BYTES' default
   */
  readonly maxRecordBytes?: number;
}

/** The publish stage. */
export function createPublishStage(options: PublishStageOptions): PublishStage {
  const { encoder, topics } = options;
  const now = options.now ?? Date.now;
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_WORKER_OPTIONS.maxRecordBytes;
  return {
    async run(scored, rejected, session, extraHeaders) {
      const verdicts: ScoredRecord[] = [];
      const deadLetters: Rejection[] = [...rejected];
      const verdictMessages: OutboundMessage[] = [];
      for (const s of scored) {
        try {
          verdictMessages.push({
            key: s.verdict.customer_id,
            value: encoder.encodeVerdict(s.verdict),
            headers: verdictHeaders(s, extraHeaders),
          });
          verdicts.push(s);
        } catch (error: unknown) {
          // A verdict that does not fit its schema is a bug; keep the transaction in the DLQ.
          const e = new InternalStageError('publish', { cause: error });
          deadLetters.push({ record: s.decoded.record, code: e.code, message: e.message });
        }
      }
      const nowMs = now();
      const deadLetterMessages = deadLetters.map((r) =>
        deadLetterMessage(r, encoder, nowMs, maxRecordBytes),
      );
      const batches: TopicMessages[] = [];
      if (verdictMessages.length > 0)
        batches.push({ topic: topics.decisions, messages: verdictMessages });
      if (deadLetterMessages.length > 0)
        batches.push({ topic: topics.deadLetters, messages: deadLetterMessages });
      if (batches.length > 0) {
        try {
          await session.send(batches);
        } catch (error: unknown) {
          if (isProgrammerError(error)) throw new InternalStageError('publish', { cause: error });
          throw new TransientStageError(
            'FS_PRODUCE_FAILED',
            'producing verdicts and dead letters failed',
            { cause: error },
          );
        }
      }
      return { verdicts, deadLetters };
    },
  };
}

function verdictHeaders(
  s: ScoredRecord,
  extra: VerdictHeaders | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { ...traceHeadersOf(s.decoded.record), ...extra?.(s) };
  if (s.shadow) {
    headers[HEADERS.challengerVersion] = s.shadow.modelVersion;
    headers[HEADERS.challengerScore] = String(s.shadow.score);
    headers[HEADERS.challengerDecision] = s.shadow.decision;
  }
  return headers;
}
