// The dead-letter message of a record: a DeadLetter record (the original key, value and headers
// byte for byte, where it came from, why it failed, how often it was tried) keyed by the original
// key, with the reason code in a header so routing needs no decoding, and the trace context.
// A record larger than the size limit is dead-lettered by reference (no value; its size and
// sha256 instead; key and headers within a small bound), whatever its reason: a dead letter
// that copied it could be too large to produce, fail on every attempt and never be written.
import { HEADERS, traceHeadersOf } from './record-headers';
import type { OutboundMessage, Rejection, SourceRecord } from './types';

/** Why a record is dead-lettered and how often it was tried. */
export interface DeadLetterReason {
  readonly code: string;
  readonly message: string;
  /** Attempts made, the first one from Kafka included. */
  readonly attempts: number;
}

/** A framed DeadLetter record and the key it kept. */
export interface EncodedDeadLetter {
  readonly value: Buffer;
  /** The original key when the dead letter kept it; null when it had none or it was left out. */
  readonly key: Buffer | null;
}

/** Encodes the DeadLetter record (adapters/schemas-codec.ts over @fraudstream/schemas). */
export interface DeadLetterEncoder {
  /**
   * A framed DeadLetter record keeping the source record's bytes, headers and position; by
   * reference when the record is larger than `maxRecordBytes`.
   */
  encodeDeadLetter(
    record: SourceRecord,
    reason: DeadLetterReason,
    nowMs: number,
    maxRecordBytes: number,
  ): EncodedDeadLetter;
}

/**
 * Longest trace header copied onto a dead letter, in characters: W3C trace context asks
 * `tracestate` to be propagated up to 512 characters (`traceparent` is 55), and a longer one
 * would let a header grow the dead letter without bound.
 */
export const MAX_TRACE_HEADER_CHARS = 512;

/** The message to produce to the dead-letter topic for `rejection`. */
export function deadLetterMessage(
  rejection: Rejection,
  encoder: DeadLetterEncoder,
  nowMs: number,
  maxRecordBytes: number,
): OutboundMessage {
  const { record, code, message } = rejection;
  // The record's own attempt number: 1 from Kafka, 1 + retries when attempts ran out.
  const letter = encoder.encodeDeadLetter(
    record,
    { code, message, attempts: record.attempt },
    nowMs,
    maxRecordBytes,
  );
  return {
    key: letter.key,
    value: letter.value,
    headers: { ...boundedTraceHeaders(record), [HEADERS.reasonCode]: code },
  };
}

function boundedTraceHeaders(record: SourceRecord): Record<string, string> {
  return Object.fromEntries(
    Object.entries(traceHeadersOf(record)).filter(([, v]) => v.length <= MAX_TRACE_HEADER_CHARS),
  );
}
