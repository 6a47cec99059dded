// The values that travel between the pipeline stages. A record enters as the bytes Kafka (or
// the retry queue) handed us and leaves as exactly one acknowledgement: a verdict, a retry job or
// a dead letter.
import type { RecordHeaders } from '../kafka/records';
import type { Transaction, Verdict } from './contracts';

export type { HeaderValue, OutboundMessage, RecordHeaders, TopicMessages } from '../kafka/records';

/** A Kafka record the worker must answer for, consumed from its topic or replayed from a retry job. */
export interface SourceRecord {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset, a decimal string (offsets can pass 2^53). */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /** Kafka record timestamp, epoch ms as a decimal string. */
  readonly timestamp: string | null;
  /** 1 when consumed from Kafka; 2 and up from the retry queue. */
  readonly attempt: number;
  /** When the worker consumed it, epoch ms. */
  readonly receivedAt: number;
  /** When processing first failed (retry jobs), epoch ms. */
  readonly firstFailedAt?: number;
}

/** A record that decoded and validated. */
export interface DecodedRecord {
  readonly record: SourceRecord;
  readonly tx: Transaction;
}

/** A record that can never be scored (bad input, or a bug): it goes to the dead-letter topic. */
export interface Rejection {
  readonly record: SourceRecord;
  /** Machine-readable reason: an FS_* code. */
  readonly code: string;
  readonly message: string;
}

/** A record whose processing failed in a way a later attempt may pass. */
export interface RetryRequest {
  readonly record: SourceRecord;
  /** The failure, kept as the cause of the eventual dead letter. */
  readonly error: unknown;
}

/** The challenger's opinion on a transaction, recorded beside the champion's and never acted on. */
export interface ShadowScore {
  readonly modelVersion: string;
  readonly score: number;
  readonly decision: Verdict['decision'];
}

/** A scored record and the verdict to publish for it. */
export interface ScoredRecord {
  readonly decoded: DecodedRecord;
  readonly verdict: Verdict;
  readonly shadow?: ShadowScore;
}
