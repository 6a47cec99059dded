// The fraud-label consumer: confirmed outcomes from case management feed the terminal and
// customer fraud state in Redis. Applying labels is idempotent per transaction id, so a
// redelivered batch changes nothing; the terminal risk of later transactions reflects a label
// once the feedback delay has passed (the feature windows end at t − D). Failures are handled
// as in the scoring path: Redis unavailable pauses (the labels wait in Kafka), a label that can
// never be applied (undecodable, a script or data error) is isolated and dead-lettered, and any
// other retriable failure (a produce of dead letters that failed, a registry that cannot be
// reached) tries the same chunk again with backoff. Labels need no retry queue: they are not on
// a latency budget, and applying them in order keeps a partition's labels in order. Nothing
// stops the consumer for good; only a bug (a non-retriable error that is not a label's fault)
// is thrown.
import type { BatchHandler } from '../kafka/kafka-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisUnavailableError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { RedisGate } from '../consumer/redis-gate';
import { toSourceRecord } from '../consumer/batch-runner';
import type { DeliverySession } from '../pipeline/commit';
import type { FraudLabel } from '../pipeline/contracts';
import type { CodecFailure } from '../pipeline/decode-stage';
import { classifyFailure, reasonCodeOf } from '../pipeline/failure';
import type { PublishStage } from '../pipeline/publish-stage';
import type { Rejection, SourceRecord } from '../pipeline/types';
import { fullJitterDelayMs, type BackoffOptions } from '../retry/backoff';

/** Outcome of decoding one label record. */
export type LabelDecodeOutcome =
  | { readonly ok: true; readonly value: FraudLabel }
  | { readonly ok: false; readonly error: CodecFailure };

/** A label as the feature store takes it (the models package's `FeatureLabel`). */
export interface LabelUpdate {
  transaction_id: string;
  terminal_id: string;
  customer_id: string;
  event_time?: number;
  is_fraud: boolean;
}

/** What the label consumer needs. */
export interface LabelSinkPorts {
  decodeLabels(values: readonly (Buffer | null)[]): Promise<LabelDecodeOutcome[]>;
  /** Idempotent per transaction id. */
  applyLabels(labels: readonly LabelUpdate[]): Promise<unknown>;
}

/** A decoded label waiting to be applied, with the record it came from. */
interface PendingLabel {
  readonly record: SourceRecord;
  readonly update: LabelUpdate;
}

/** Options of {@link createLabelBatchHandler}. */
export interface LabelConsumerOptions {
  readonly ports: LabelSinkPorts;
  /** Publishes undecodable labels to the dead-letter topic. */
  readonly publish: PublishStage;
  /** An at-least-once session that also commits the consumer offsets. */
  readonly session: (commitConsumer: () => Promise<void>) => DeliverySession;
  readonly gate: RedisGate;
  readonly maxBatchSize: number;
  /** Backoff between attempts of a chunk that failed with a retriable error. */
  readonly backoff: BackoffOptions;
  /** Heartbeats are sent at least this often while a chunk waits for its next attempt. */
  readonly heartbeatIntervalMs: number;
  readonly logger?: Logger;
  /** Told after each applied chunk. */
  readonly onApplied?: (applied: number, deadLetters: number) => void;
  /** Told of each retriable failure of a chunk, with its error code, before it is tried again. */
  readonly onRetry?: (reason: string) => void;
  /** Told of each label dead-lettered, with its reason code, once Kafka acknowledged it. */
  readonly onDeadLetter?: (reason: string) => void;
  readonly now?: () => number;
  /** Waits `ms` (tests: no real waiting). @defaultValue timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How an attempt at a chunk ended: done, or a retriable failure to try again after. */
type ChunkAttempt =
  | { readonly done: true }
  | { readonly done: false; readonly failure: unknown; readonly reason: string };

/** The label update of a decoded FraudLabel. */
export function toLabelUpdate(label: FraudLabel): LabelUpdate {
  return {
    transaction_id: label.transaction_id,
    terminal_id: label.terminal_id,
    customer_id: label.customer_id,
    event_time: label.event_time,
    is_fraud: label.is_fraud,
  };
}

/** The label consumer's batch handler. */
export function createLabelBatchHandler(options: LabelConsumerOptions): BatchHandler {
  const logger = (options.logger ?? SILENT_LOGGER).child({ component: 'labels' });
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? ((ms: number) => sleep(ms));

  // Applies the labels; a failure that no retry can fix is isolated by applying each label alone
  // (idempotent, so the ones already applied change nothing), and only the labels that still
  // fail are returned, to be dead-lettered. Any other failure (Redis unavailable, a retriable
  // one) is thrown for the caller.
  const apply = async (
    labels: readonly PendingLabel[],
  ): Promise<{ applied: number; failed: Rejection[] }> => {
    if (labels.length === 0) return { applied: 0, failed: [] };
    try {
      await options.ports.applyLabels(labels.map((l) => l.update));
      return { applied: labels.length, failed: [] };
    } catch (error: unknown) {
      if (classifyFailure(error) !== 'internal') throw error;
      const [only] = labels;
      if (labels.length === 1 && only !== undefined) {
        logger.warn('a label cannot be applied; dead-lettered', {
          error,
          partition: only.record.partition,
          offset: only.record.offset,
        });
        const message = error instanceof Error ? error.message : String(error);
        return {
          applied: 0,
          failed: [{ record: only.record, code: reasonCodeOf(error), message }],
        };
      }
      const out = { applied: 0, failed: [] as Rejection[] };
      for (const label of labels) {
        const one = await apply([label]);
        out.applied += one.applied;
        out.failed.push(...one.failed);
      }
      return out;
    }
  };

  /** One attempt at a chunk: decode, apply, dead-letter what can never be applied, resolve. */
  const attempt = async (
    chunk: readonly SourceRecord[],
    lastOffset: string,
    control: Parameters<BatchHandler>[1],
  ): Promise<ChunkAttempt> => {
    const outcomes = await options.ports.decodeLabels(chunk.map((r) => r.value));
    // A registry that cannot be reached is not the label's fault: the chunk waits, whole.
    const unreachable = outcomes.find((o) => !o.ok && o.error.retriable);
    if (unreachable !== undefined && !unreachable.ok)
      return { done: false, failure: unreachable.error, reason: unreachable.error.code };
    const updates: PendingLabel[] = [];
    const rejected: Rejection[] = [];
    chunk.forEach((record, i) => {
      const o = outcomes[i];
      if (o?.ok) updates.push({ record, update: toLabelUpdate(o.value) });
      else
        rejected.push({
          record,
          code: o?.error.code ?? 'FS_INTERNAL',
          message: o?.error.message ?? 'no decode outcome',
        });
    });
    const updated = await apply(updates);
    rejected.push(...updated.failed);
    // Resolving is enough: the consumer commits resolved offsets on its timer.
    const session = options.session(() => {
      control.resolveOffset(lastOffset);
      return Promise.resolve();
    });
    const receipt = await options.publish.run([], rejected, session);
    await session.commit();
    receipt.deadLetters.forEach((d) => options.onDeadLetter?.(d.code));
    options.onApplied?.(updated.applied, rejected.length);
    return { done: true };
  };

  /** Waits `ms` in slices, heartbeating; false when the batch must stop (stopping, revoked). */
  const waitBeforeRetry = async (
    ms: number,
    control: Parameters<BatchHandler>[1],
  ): Promise<boolean> => {
    for (let left = ms; left > 0; left -= options.heartbeatIntervalMs) {
      await wait(Math.min(left, options.heartbeatIntervalMs));
      if (!control.isRunning() || !options.gate.open) return false;
      // A rebalance error thrown here ends the batch; the client rejoins and hands it over again.
      await control.heartbeat();
    }
    return control.isRunning() && options.gate.open;
  };

  return async (batch, control) => {
    if (!options.gate.open || batch.records.length === 0) return;
    const receivedAt = now();
    const records = batch.records.map((m) =>
      toSourceRecord(batch.topic, batch.partition, m, receivedAt),
    );
    for (let start = 0; start < records.length; start += options.maxBatchSize) {
      if (!control.isRunning() || !options.gate.open) return;
      const chunk = records.slice(start, start + options.maxBatchSize);
      const lastOffset = chunk[chunk.length - 1]?.offset;
      if (lastOffset === undefined) return;
      for (let retry = 1; ; retry += 1) {
        let result: ChunkAttempt;
        try {
          result = await attempt(chunk, lastOffset, control);
        } catch (error: unknown) {
          const kind = classifyFailure(error);
          if (kind === 'redis-unavailable') {
            // Nothing resolved: the labels are fetched again once the gate reopens.
            options.gate.trip(
              error instanceof RedisUnavailableError
                ? error
                : new RedisUnavailableError('labels', { cause: error }),
            );
            return;
          }
          // Not retriable and not a label's fault (those are dead-lettered above): a bug.
          if (kind !== 'transient') throw error;
          result = { done: false, failure: error, reason: reasonCodeOf(error) };
        }
        if (result.done) break;
        const delayMs = fullJitterDelayMs(retry, options.backoff);
        options.onRetry?.(result.reason);
        logger.warn('applying labels failed; the same labels are tried again after a backoff', {
          error: result.failure,
          reason: result.reason,
          partition: batch.partition,
          lastOffset,
          retry,
          delayMs,
        });
        // Applying is idempotent: labels applied by the failed attempt change nothing the next time.
        if (!(await waitBeforeRetry(delayMs, control))) return;
      }
      await control.heartbeat();
    }
  };
}
