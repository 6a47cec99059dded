// Building the DeadLetter record for a Kafka message we could not use, so every producer of
// dead letters (decode failures, validation failures, exhausted retries) fills it the same way.
// A message over the size limit is dead-lettered by reference, not by copy: a dead letter
// copies the value, key and headers, so one of a record near the broker's maximum would be too
// large to produce itself, fail every time and hold its record back forever.
import { createHash } from 'node:crypto';
import type { DeadLetter, KafkaHeader } from './record-types';

/** The Kafka message as consumed, in the loose shapes Kafka clients hand out. */
export interface FailedMessage {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset; kafkajs gives a string. */
  readonly offset: string | number | bigint;
  readonly key?: Uint8Array | string | null;
  readonly value?: Uint8Array | string | null;
  /** Headers as kafkajs gives them (a value may be an array when a key repeats) or as a list. */
  readonly headers?:
    | Readonly<
        Record<string, Uint8Array | string | readonly (Uint8Array | string)[] | undefined | null>
      >
    | readonly { readonly key: string; readonly value: Uint8Array | string | null }[];
  /** Kafka record timestamp, epoch milliseconds (kafkajs gives a string). */
  readonly timestamp?: string | number | null;
}

/** Why it failed and how often. */
export interface FailureInfo {
  /** Machine-readable reason: an error's `code` (FS_...), or the error itself. */
  readonly reason: { readonly code?: string; readonly message: string } | string;
  /** Human-readable detail when `reason` is a bare code. */
  readonly message?: string;
  /** @defaultValue 1 */
  readonly attemptCount?: number;
  /** @defaultValue lastFailedAt */
  readonly firstFailedAt?: number;
  /** @defaultValue now */
  readonly lastFailedAt?: number;
}

/** Reason code used when the error carries none. */
export const UNKNOWN_REASON_CODE = 'FS_UNKNOWN';

/** How large a dead letter may grow. */
export interface DeadLetterLimits {
  /**
   * Largest message (see {@link recordSizeBytes}) whose bytes a dead letter copies; a larger one
   * is dead-lettered by reference. The workers pass FS_MAX_RECORD_BYTES.
   */
  readonly maxRecordBytes: number;
}

/**
 * Most bytes of key and headers a by-reference dead letter keeps (and never more than
 * `maxRecordBytes`): room for any customer-id key and the W3C trace context, while the
 * letter stays a few KiB whatever the record held.
 */
export const REFERENCE_KEPT_BYTES = 8_192;

/** Longest `reason_message` kept, in characters; a longer one is cut and marked. */
export const MAX_REASON_MESSAGE_CHARS = 1_024;

/**
 * Size of a message as the size limit counts it: key, value, header names and header values,
 * in bytes (strings as UTF-8). Kafka's own framing (a few bytes per record and header) is not
 * counted.
 */
export function recordSizeBytes(message: Pick<FailedMessage, 'key' | 'value' | 'headers'>): number {
  let size = byteLength(message.key) + byteLength(message.value);
  const headers = message.headers;
  if (!headers) return size;
  // Walked in place, not through toHeaders: the decode stage sizes every record it consumes.
  if (Array.isArray(headers)) {
    for (const h of headers as readonly { key: string; value: Uint8Array | string | null }[])
      size += Buffer.byteLength(h.key, 'utf8') + byteLength(h.value);
    return size;
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values)
      size +=
        Buffer.byteLength(key, 'utf8') + byteLength(v as Uint8Array | string | null | undefined);
  }
  return size;
}

/**
 * The DeadLetter record for `message`: its bytes and headers exactly, or, when `limits` is given
 * and the message is larger than `limits.maxRecordBytes`, by reference (no value; size and
 * SHA-256 instead; key and headers within {@link REFERENCE_KEPT_BYTES}).
 */
export function createDeadLetter(
  message: FailedMessage,
  failure: FailureInfo,
  nowMs: number = Date.now(),
  limits?: DeadLetterLimits,
): DeadLetter {
  const reasonCode =
    typeof failure.reason === 'string'
      ? failure.reason
      : (failure.reason.code ?? UNKNOWN_REASON_CODE);
  const reasonMessage =
    typeof failure.reason === 'string'
      ? (failure.message ?? failure.reason)
      : failure.reason.message;
  const lastFailedAt = failure.lastFailedAt ?? nowMs;
  const offset = Number(message.offset);
  const timestamp =
    message.timestamp === undefined || message.timestamp === null
      ? null
      : Number(message.timestamp);
  const key = toBytes(message.key);
  const value = toBytes(message.value);
  const headers = toHeaders(message.headers);
  const size =
    byteLength(key) + byteLength(value) + headers.reduce((n, h) => n + headerBytes(h), 0);
  const content =
    limits === undefined || size <= limits.maxRecordBytes
      ? { key, value, headers, keyOmitted: false, headersOmitted: 0 }
      : byReference(key, headers, Math.min(REFERENCE_KEPT_BYTES, limits.maxRecordBytes));
  return {
    original_key: content.key,
    original_value: content.value,
    original_headers: content.headers,
    source_topic: message.topic,
    source_partition: message.partition,
    source_offset: Number.isSafeInteger(offset) ? offset : -1,
    source_timestamp: timestamp !== null && Number.isSafeInteger(timestamp) ? timestamp : null,
    reason_code: reasonCode,
    reason_message: boundedMessage(reasonMessage),
    attempt_count: failure.attemptCount ?? 1,
    first_failed_at: failure.firstFailedAt ?? lastFailedAt,
    last_failed_at: lastFailedAt,
    original_size_bytes: size,
    original_value_sha256: sha256(value),
    original_key_sha256: sha256(key),
    value_omitted: content.value === null && value !== null,
    key_omitted: content.keyOmitted,
    headers_omitted: content.headersOmitted,
  };
}

/** What a by-reference dead letter keeps of a record. */
interface KeptContent {
  readonly key: Buffer | null;
  readonly value: null;
  readonly headers: KafkaHeader[];
  readonly keyOmitted: boolean;
  readonly headersOmitted: number;
}

// The value never; the key if it fits `budget`; then every header that still fits, in order,
// so a huge header does not push out the small trace context after it.
function byReference(
  key: Buffer | null,
  headers: readonly KafkaHeader[],
  budget: number,
): KeptContent {
  let left = budget;
  const keyFits = byteLength(key) <= left;
  if (keyFits) left -= byteLength(key);
  const kept: KafkaHeader[] = [];
  for (const h of headers) {
    const n = headerBytes(h);
    if (n > left) continue;
    kept.push(h);
    left -= n;
  }
  return {
    key: keyFits ? key : null,
    value: null,
    headers: kept,
    keyOmitted: !keyFits,
    headersOmitted: headers.length - kept.length,
  };
}

function boundedMessage(message: string): string {
  if (message.length <= MAX_REASON_MESSAGE_CHARS) return message;
  const marker = ` … (${message.length} characters, cut)`;
  let end = MAX_REASON_MESSAGE_CHARS - marker.length;
  // Never split a surrogate pair: half of one is not a character.
  if (/[\uD800-\uDBFF]/.test(message.charAt(end - 1))) end -= 1;
  return message.slice(0, end) + marker;
}

function sha256(bytes: Buffer | null): string | null {
  return bytes === null ? null : createHash('sha256').update(bytes).digest('hex');
}

function byteLength(value: Uint8Array | string | null | undefined): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

function headerBytes(header: KafkaHeader): number {
  return Buffer.byteLength(header.key, 'utf8') + byteLength(header.value);
}

function toBytes(value: Uint8Array | string | null | undefined): Buffer | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.length);
}

function toHeaders(headers: FailedMessage['headers']): KafkaHeader[] {
  if (!headers) return [];
  if (Array.isArray(headers)) {
    return (headers as readonly { key: string; value: Uint8Array | string | null }[]).map((h) => ({
      key: h.key,
      value: toBytes(h.value),
    }));
  }
  const out: KafkaHeader[] = [];
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values)
      out.push({ key, value: toBytes(v as Uint8Array | string | null | undefined) });
  }
  return out;
}
