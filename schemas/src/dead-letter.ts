// Building the DeadLetter record for a Kafka message we could not use, so every producer of
// dead letters (decode failures, validation failures, exhausted retries) fills it the same way.
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

/** The DeadLetter record for `message`, keeping its bytes and headers exactly. */
export function createDeadLetter(
  message: FailedMessage,
  failure: FailureInfo,
  nowMs: number = Date.now(),
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
  return {
    original_key: toBytes(message.key),
    original_value: toBytes(message.value),
    original_headers: toHeaders(message.headers),
    source_topic: message.topic,
    source_partition: message.partition,
    source_offset: Number.isSafeInteger(offset) ? offset : -1,
    source_timestamp: timestamp !== null && Number.isSafeInteger(timestamp) ? timestamp : null,
    reason_code: reasonCode,
    reason_message: reasonMessage,
    attempt_count: failure.attemptCount ?? 1,
    first_failed_at: failure.firstFailedAt ?? lastFailedAt,
    last_failed_at: lastFailedAt,
  };
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
