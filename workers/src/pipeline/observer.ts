// The seam between the pipeline and telemetry: the pipeline runs each stage through its chunk
// observation (which can open spans around it and time it) and reports how the chunk ended; the
// observer turns that into spans and metrics. The no-op observer keeps the pipeline free of
// telemetry code and is what unit tests use.
import type { DecodedRecord, Rejection, RetryRequest, ScoredRecord, SourceRecord } from './types';

/** Stage names as the metrics and spans use them. */
export type ObservedStage = 'decode' | 'features' | 'inference' | 'produce';

/** What a chunk of records goes through; one per pipeline run. */
export interface ChunkObservation {
  /** Runs one stage for `records` (a span around it, its duration recorded per record). */
  stage<T>(
    stage: ObservedStage,
    records: readonly SourceRecord[],
    run: () => Promise<T>,
  ): Promise<T>;
  /**
   * Told, right after decoding, which transaction each decodable record carries: a record's span
   * names its transaction whatever becomes of it (a verdict, a retry, a dead letter).
   */
  decoded?(records: readonly DecodedRecord[]): void;
  /** Extra headers of a verdict (the trace context of its send span); called inside the produce stage. */
  verdictHeaders?(scored: ScoredRecord): Readonly<Record<string, string>>;
  /** The chunk is done: what was acknowledged as verdicts, dead letters and retry jobs. */
  end(outcome: ChunkOutcome): void;
}

/** How a chunk ended. */
export interface ChunkOutcome {
  readonly verdicts: readonly ScoredRecord[];
  readonly deadLetters: readonly Rejection[];
  readonly retries: readonly RetryRequest[];
  /** Redelivered records acknowledged without a verdict: already answered (delivery ledger). */
  readonly alreadyDelivered?: readonly DecodedRecord[];
  /** Set when the chunk failed as a whole (Redis unreachable, produce failed in a transaction). */
  readonly error?: unknown;
}

/** Receives every chunk the pipeline runs. */
export interface PipelineObserver {
  chunk(records: readonly SourceRecord[]): ChunkObservation;
}

const NOOP_CHUNK: ChunkObservation = {
  stage: (_stage, _records, run) => run(),
  end: () => undefined,
};

/** An observer that records nothing. */
export const NOOP_OBSERVER: PipelineObserver = { chunk: () => NOOP_CHUNK };
