// The dead-letter message of a record: a DeadLetter record (the original key, value and headers
// byte for byte, where it came from, why it failed, how often it was tried) keyed by the original
// key, with the reason code in a header so routing needs no decoding, and the trace context.
import { HEADERS, traceHeadersOf } from './record-headers';
import type { OutboundMessage, Rejection, SourceRecord } from './types';

/** Why a record is dead-lettered and how often it was tried. */
export interface DeadLetterReason {
  readonly code: string;
  readonly message: string;
  /** Attempts made, the first one from Kafka included. */
  readonly attempts: number;
}

/** Encodes the DeadLetter record (adapters/schemas-codec.ts over @fraudstream/schemas). */
export interface DeadLetterEncoder {
  /** A framed DeadLetter record keeping the source record's bytes, headers and position. */
  encodeDeadLetter(record: SourceRecord, reason: DeadLetterReason, nowMs: number): Buffer;
}

/** The message to produce to the dead-letter topic for `rejection`. */
export function deadLetterMessage(
  rejection: Rejection,
  encoder: DeadLetterEncoder,
  nowMs: number,
): OutboundMessage {
  const { record, code, message } = rejection;
  return {
    key: record.key,
    // The record's own attempt number: 1 from Kafka, 1 + retries when attempts ran out.
    value: encoder.encodeDeadLetter(record, { code, message, attempts: record.attempt }, nowMs),
    headers: { ...traceHeadersOf(record), [HEADERS.reasonCode]: code },
  };
}
