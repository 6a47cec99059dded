// The Kafka headers the worker reads and writes, in one place.
import type { SourceRecord } from './types';

/** Kafka header names the worker writes. */
export const HEADERS = {
  /** Version of the challenger scored in shadow (verdicts). */
  challengerVersion: 'fs-challenger-version',
  /** The challenger's score, as a decimal string (verdicts). */
  challengerScore: 'fs-challenger-score',
  /** The challenger's band (verdicts). */
  challengerDecision: 'fs-challenger-decision',
  /** The dead letter's reason code, so routing needs no decoding (dead letters). */
  reasonCode: 'fs-reason-code',
} as const;

/** W3C trace context headers, carried from a transaction to what the worker writes for it. */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/** The W3C trace headers of a record, as strings. */
export function traceHeadersOf(record: SourceRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of TRACE_HEADERS) {
    const raw = record.headers[name];
    const first = Array.isArray(raw)
      ? (raw as readonly (Buffer | string)[])[0]
      : (raw as Buffer | string | undefined);
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}
