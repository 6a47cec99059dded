// How a failure is handled depends on what it is, never on where it happened:
//   bad input            → dead letter, never retried (decided in the decode stage)
//   Redis unavailable    → pause the partitions and probe (nothing retried, nothing lost)
//   transient            → retry queue with backoff, then dead letter
//   programmer error     → dead letter, never retried (a retry would fail the same way)
// "Redis unavailable" is any state in which Redis takes no writes for now: unreachable, refusing
// commands (OOM, READONLY, BUSY, MISCONF, LOADING...) or not answering in time. None of them is
// the record's fault, and the retry queue lives in the same Redis, so the records wait in Kafka.
import { redisUnavailableReply } from '@fraudstream/models';
import { causeChain, WorkerError } from '../errors';

/** What to do about a failure. */
export type FailureKind = 'redis-unavailable' | 'transient' | 'internal';

const PROGRAMMER_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError];

// Codes that mean "Redis unavailable": ours, and the feature store's for unreachable, refusing
// (both FS_FEATURE_STORE_UNAVAILABLE) and too slow.
const REDIS_UNAVAILABLE_CODES = new Set([
  'FS_REDIS_UNAVAILABLE',
  'FS_FEATURE_STORE_UNAVAILABLE',
  'FS_FEATURE_STORE_TIMEOUT',
]);
// ioredis phrases for a connection that is gone or a command that got no answer in time (it
// has no codes for them).
const REDIS_GONE = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'connect ECONNREFUSED',
  'read ECONNRESET',
  'write EPIPE',
  'Command timed out',
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

/**
 * True when `error` (or any of its causes) says Redis takes no writes for now: unreachable,
 * refusing commands with an error reply such as OOM or READONLY, or timing out.
 */
export function isRedisUnavailable(error: unknown): boolean {
  for (const e of causeChain(error)) {
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    // A broker connection fails with the same socket codes: a Kafka error is never Redis's.
    if (typeof name === 'string' && name.startsWith('KafkaJS')) return false;
    if (typeof code === 'string' && (REDIS_UNAVAILABLE_CODES.has(code) || SOCKET_CODES.has(code)))
      return true;
    if (typeof message !== 'string') continue;
    if (REDIS_GONE.some((m) => message.includes(m))) return true;
    // An error reply of BullMQ's or the probe's own client, which the feature store did not map.
    if (name === 'ReplyError' && redisUnavailableReply(message) !== undefined) return true;
  }
  return false;
}

/** Classifies a stage failure; `retriable` flags (ours, kafkajs's, the models package's) decide transience. */
export function classifyFailure(error: unknown): FailureKind {
  if (isRedisUnavailable(error)) return 'redis-unavailable';
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
