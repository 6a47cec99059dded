// How a failure is handled depends on what it is, never on where it happened:
//   bad input            → dead letter, never retried (decided in the decode stage)
//   Redis unreachable    → pause the partitions and probe (nothing retried, nothing lost)
//   transient            → retry queue with backoff, then dead letter
//   programmer error     → dead letter, never retried (a retry would fail the same way)
import { WorkerError } from '../errors';

/** What to do about a failure. */
export type FailureKind = 'redis-unavailable' | 'transient' | 'internal';

const PROGRAMMER_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError];

// ioredis phrases for a connection that is gone (it has no codes for them).
const REDIS_GONE = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'connect ECONNREFUSED',
  'read ECONNRESET',
  'write EPIPE',
];
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A TypeError, RangeError... : a bug, never worth a retry. */
export function isProgrammerError(error: unknown): boolean {
  return PROGRAMMER_ERRORS.some((E) => error instanceof E);
}

/** True when `error` (or any of its causes) says Redis cannot be reached at all. */
export function isRedisUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 6; depth += 1) {
    if (typeof e === 'object') {
      // A broker connection fails with the same socket codes: a Kafka error is never Redis's.
      const name = (e as { name?: unknown }).name;
      if (typeof name === 'string' && name.startsWith('KafkaJS')) return false;
      const code = (e as { code?: unknown }).code;
      if (code === 'FS_REDIS_UNAVAILABLE' || code === 'FS_FEATURE_STORE_UNAVAILABLE') return true;
      if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
      const message = (e as { message?: unknown }).message;
      if (typeof message === 'string' && REDIS_GONE.some((m) => message.includes(m))) return true;
      e = (e as { cause?: unknown }).cause;
    } else {
      break;
    }
  }
  return false;
}

/** Classifies a stage failure; `retriable` flags (ours, kafkajs's, the models package's) decide transience. */
export function classifyFailure(error: unknown): FailureKind {
  if (isRedisUnreachable(error)) return 'redis-unavailable';
  if (isProgrammerError(error)) return 'internal';
  if (
    typeof error === 'object' &&
    error !== null &&
    (error as { retriable?: unknown }).retriable === true
  ) {
    return 'transient';
  }
  return 'internal';
}

/** The stable code of an error for a dead letter's reason: its FS_* code, else FS_INTERNAL. */
export function reasonCodeOf(error: unknown): string {
  if (error instanceof WorkerError) return error.code;
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('FS_') ? code : 'FS_INTERNAL';
}
