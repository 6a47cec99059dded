// The scoring pipeline: decode → features → score → publish → commit, for one chunk of records.
// The Kafka consumer and the retry processor run the same pipeline; they differ only in where
// records come from, how a retry is handed off and how the chunk is acknowledged.
import { RedisUnavailableError, TransientStageError } from '../errors';
import type { DeliverySession } from './commit';
import type { DeliveryLedger } from './delivery-ledger';
import type { DecodeStage } from './decode-stage';
import { classifyFailure, reasonCodeOf } from './failure';
import type { FeatureStage } from './feature-stage';
import { NOOP_OBSERVER, type ChunkObservation, type PipelineObserver } from './observer';
import type { PublishStage } from './publish-stage';
import type { ModelSet, ScoreStage } from './score-stage';
import type { DecodedRecord, Rejection, RetryRequest, ScoredRecord, SourceRecord } from './types';

/** The four stages; each can be wrapped (instrumentation, fault injection in tests). */
export interface PipelineStages {
  readonly decode: DecodeStage;
  readonly features: FeatureStage;
  readonly score: ScoreStage;
  readonly publish: PublishStage;
}

/** Wrappers applied around the stages, e.g. `{ features: (next) => faulty(next) }`. */
export interface StageWrappers {
  readonly decode?: (next: DecodeStage) => DecodeStage;
  readonly features?: (next: FeatureStage) => FeatureStage;
  readonly score?: (next: ScoreStage) => ScoreStage;
  readonly publish?: (next: PublishStage) => PublishStage;
}

/** Applies `wrappers` to `stages`. */
export function wrapStages(stages: PipelineStages, wrappers: StageWrappers = {}): PipelineStages {
  return {
    decode: wrappers.decode ? wrappers.decode(stages.decode) : stages.decode,
    features: wrappers.features ? wrappers.features(stages.features) : stages.features,
    score: wrappers.score ? wrappers.score(stages.score) : stages.score,
    publish: wrappers.publish ? wrappers.publish(stages.publish) : stages.publish,
  };
}

/** Where records with a transient failure go. */
export interface RetrySink {
  /**
   * Hands the records off durably; rejects with RedisUnavailableError or RetryEnqueueError,
   * in which case nothing may be acknowledged.
   */
  enqueue(requests: readonly RetryRequest[]): Promise<void>;
}

/** What a chunk runs with. */
export interface ChunkContext {
  readonly models: ModelSet;
  readonly session: DeliverySession;
  readonly retry: RetrySink;
  /**
   * Exactly-once only: the chunk's last attempt, so records that still fail transiently are
   * dead-lettered inside the transaction instead of being fetched again.
   */
  readonly finalAttempt?: boolean;
}

/** Why a chunk will come back from Kafka (exactly-once). */
export type RedeliveryReason = 'produce-failed' | 'transient-failure';

/** What happened to a chunk's records. */
export interface ChunkReport {
  readonly verdicts: readonly ScoredRecord[];
  readonly deadLetters: readonly Rejection[];
  readonly retries: readonly RetryRequest[];
  /** Redelivered records whose verdict or dead letter the ledger says Kafka already has. */
  readonly alreadyDelivered?: readonly DecodedRecord[];
  /**
   * True when nothing was acknowledged and the records will come back from Kafka (a produce
   * failed inside an aborted transaction): the caller must not move past them.
   */
  readonly redeliver: boolean;
  /** Why the chunk will be redelivered, when it will. */
  readonly redeliverReason?: RedeliveryReason;
  /** The error behind the redelivery. */
  readonly redeliverCause?: unknown;
}

interface Sorted {
  scored: ScoredRecord[];
  rejected: Rejection[];
  retries: RetryRequest[];
}

/** At-least-once deduplication of redelivered records (see delivery-ledger.ts). */
export interface LedgerOptions {
  readonly ledger: DeliveryLedger;
  /**
   * Told when delivered ids could not be written: the verdicts are on Kafka and the chunk is
   * committed as usual, but a redelivery of those records would answer them again.
   */
  readonly onRecordFailure: (error: unknown, ids: number) => void;
}

/** Runs chunks of records through the stages and acknowledges every record exactly once. */
export class ScoringPipeline {
  /**
   * `observer` receives stage timings and outcomes (telemetry); `ledger` skips records already
   * answered, in at-least-once sessions only (a transaction needs none).
   */
  constructor(
    private readonly stages: PipelineStages,
    private readonly observer: PipelineObserver = NOOP_OBSERVER,
    private readonly ledger?: LedgerOptions,
  ) {}

  /**
   * Processes one chunk: every record ends as a verdict, a dead letter or a retry job, and only
   * then are the source offsets committed. Throws RedisUnavailableError (the caller pauses and
   * nothing of the chunk was acknowledged), or an unexpected error from the Kafka client.
   */
  async process(records: readonly SourceRecord[], ctx: ChunkContext): Promise<ChunkReport> {
    const observation = this.observer.chunk(records);
    try {
      const report = await this.run(records, ctx, observation);
      observation.end(report);
      return report;
    } catch (error: unknown) {
      observation.end({ verdicts: [], deadLetters: [], retries: [], error });
      throw error;
    }
  }

  /** Sends `record` straight to the dead-letter topic (the retry processor, when attempts ran out). */
  async deadLetter(record: SourceRecord, error: unknown, session: DeliverySession): Promise<void> {
    await this.stages.publish.run([], [rejection(record, error)], session);
    await session.commit();
  }

  private async run(
    records: readonly SourceRecord[],
    ctx: ChunkContext,
    obs: ChunkObservation,
  ): Promise<ChunkReport> {
    const decoded = await obs.stage('decode', records, () => this.stages.decode.run(records));
    obs.decoded?.(decoded.decoded);
    const sorted: Sorted = {
      scored: [],
      rejected: [...decoded.rejected],
      retries: [...decoded.retry],
    };
    const ledger = ctx.session.redeliversOnFailure ? undefined : this.ledger?.ledger;
    const { fresh, alreadyDelivered, unknown } = await this.undelivered(decoded.decoded, ledger);
    sorted.retries.push(...unknown);
    if (fresh.length > 0) merge(sorted, await this.score(fresh, ctx.models, obs));

    if (sorted.retries.length > 0) {
      if (!ctx.session.redeliversOnFailure) {
        // Retry jobs first: once they are durable, the rest of the chunk can be acknowledged.
        await ctx.retry.enqueue(sorted.retries);
      } else if (ctx.finalAttempt) {
        sorted.rejected.push(...sorted.retries.map((r) => rejection(r.record, r.error)));
        sorted.retries = [];
      } else {
        // Exactly-once: a retry job would live outside the transaction (and survive its abort),
        // so Kafka itself is the retry queue: nothing of the chunk is committed and the batch
        // runner fetches it again after a back-off.
        return {
          verdicts: [],
          deadLetters: [],
          retries: [],
          redeliver: true,
          redeliverReason: 'transient-failure',
          redeliverCause: sorted.retries[0]?.error,
        };
      }
    }
    const headers = obs.verdictHeaders?.bind(obs);
    try {
      const publishing = [
        ...sorted.scored.map((s) => s.decoded.record),
        ...sorted.rejected.map((r) => r.record),
      ];
      const receipt = await obs.stage('produce', publishing, () =>
        this.stages.publish.run(sorted.scored, sorted.rejected, ctx.session, headers),
      );
      sorted.scored = [...receipt.verdicts];
      sorted.rejected = [...receipt.deadLetters];
    } catch (error: unknown) {
      await ctx.session.abort();
      if (classifyFailure(error) !== 'transient') throw error;
      if (ctx.session.redeliversOnFailure)
        return {
          verdicts: [],
          deadLetters: [],
          retries: sorted.retries,
          redeliver: true,
          redeliverReason: 'produce-failed',
          redeliverCause: error,
        };
      const unsent: RetryRequest[] = [
        ...sorted.scored.map((s) => ({ record: s.decoded.record, error })),
        ...sorted.rejected.map((r) => ({ record: r.record, error })),
      ];
      await ctx.retry.enqueue(unsent);
      sorted.retries.push(...unsent);
      sorted.scored = [];
      sorted.rejected = [];
    }
    if (ledger !== undefined) await this.remember(ledger, decoded.decoded, sorted);
    await ctx.session.commit();
    return {
      verdicts: sorted.scored,
      deadLetters: sorted.rejected,
      retries: sorted.retries,
      ...(alreadyDelivered.length > 0 ? { alreadyDelivered } : {}),
      redeliver: false,
    };
  }

  /**
   * Splits decoded records into those to score and those the ledger says were answered. A
   * ledger that cannot be read pauses the worker when Redis is down, and otherwise sends the
   * records to the retry queue: scoring them blind could answer them twice.
   */
  private async undelivered(
    decoded: readonly DecodedRecord[],
    ledger: DeliveryLedger | undefined,
  ): Promise<{
    fresh: readonly DecodedRecord[];
    alreadyDelivered: DecodedRecord[];
    unknown: RetryRequest[];
  }> {
    if (ledger === undefined || decoded.length === 0)
      return { fresh: decoded, alreadyDelivered: [], unknown: [] };
    let delivered: ReadonlySet<string>;
    try {
      delivered = await ledger.delivered(decoded.map((d) => d.tx.transaction_id));
    } catch (error: unknown) {
      if (classifyFailure(error) === 'redis-unavailable')
        throw new RedisUnavailableError('delivery ledger', { cause: error });
      const failure = new TransientStageError('FS_DELIVERY_LEDGER', 'delivery ledger read failed', {
        cause: error,
      });
      return {
        fresh: [],
        alreadyDelivered: [],
        unknown: decoded.map((d) => ({ record: d.record, error: failure })),
      };
    }
    const fresh: DecodedRecord[] = [];
    const alreadyDelivered: DecodedRecord[] = [];
    for (const d of decoded)
      (delivered.has(d.tx.transaction_id) ? alreadyDelivered : fresh).push(d);
    return { fresh, alreadyDelivered, unknown: [] };
  }

  /** Writes the ids of the chunk's delivered verdicts and dead letters to the ledger. */
  private async remember(
    ledger: DeliveryLedger,
    decoded: readonly DecodedRecord[],
    sorted: Sorted,
  ): Promise<void> {
    const idOf = new Map(decoded.map((d) => [d.record, d.tx.transaction_id]));
    const ids = [
      ...sorted.scored.map((s) => s.decoded.tx.transaction_id),
      ...sorted.rejected.flatMap((r) => {
        const id = idOf.get(r.record);
        return id === undefined ? [] : [id];
      }),
    ];
    try {
      await ledger.record(ids);
    } catch (error: unknown) {
      this.ledger?.onRecordFailure(error, ids.length);
    }
  }

  /**
   * Features and score for decoded records. A transient failure sends them all to the retry
   * queue; a bug is isolated by scoring each record alone, so only the records that still fail
   * are dead-lettered.
   */
  private async score(
    batch: readonly DecodedRecord[],
    models: ModelSet,
    obs: ChunkObservation,
  ): Promise<Sorted> {
    try {
      const records = batch.map((d) => d.record);
      const features = await obs.stage('features', records, () => this.stages.features.run(batch));
      const scored = await obs.stage('inference', records, () =>
        this.stages.score.run(batch, features, models),
      );
      return { scored, rejected: [], retries: [] };
    } catch (error: unknown) {
      const kind = classifyFailure(error);
      if (kind === 'redis-unavailable') {
        throw error instanceof RedisUnavailableError
          ? error
          : new RedisUnavailableError('pipeline', { cause: error });
      }
      if (kind === 'transient')
        return {
          scored: [],
          rejected: [],
          retries: batch.map((d) => ({ record: d.record, error })),
        };
      if (batch.length > 1) {
        const isolated: Sorted = { scored: [], rejected: [], retries: [] };
        for (const one of batch) merge(isolated, await this.score([one], models, obs));
        return isolated;
      }
      return {
        scored: [],
        rejected: batch.map((d) => rejection(d.record, error)),
        retries: [],
      };
    }
  }
}

function merge(into: Sorted, from: Sorted): void {
  into.scored.push(...from.scored);
  into.rejected.push(...from.rejected);
  into.retries.push(...from.retries);
}

/** The dead letter of `record` for `error`. */
function rejection(record: SourceRecord, error: unknown): Rejection {
  const message = error instanceof Error ? error.message : String(error);
  return { record, code: reasonCodeOf(error), message };
}
