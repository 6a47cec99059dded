import { ConfigError, FraudstreamError } from '@fraudstream/settings';

// Settings errors are declared once, in @fraudstream/settings (the worker's settings code imports
// ConfigError from here).
export { ConfigError };

/** Stable, documented error codes of @fraudstream/workers (listed in docs/errors.md). */
export const WORKER_ERROR_CODES = [
  'FS_REDIS_UNAVAILABLE',
  'FS_FEATURES_FAILED',
  'FS_INFERENCE_FAILED',
  'FS_PRODUCE_FAILED',
  'FS_RETRY_ENQUEUE_FAILED',
  'FS_RETRY_EXHAUSTED',
  'FS_RETRY_STALLED',
  'FS_RETRY_JOB_LOST',
  'FS_DELIVERY_LEDGER',
  'FS_INTERNAL',
  'FS_RECORD_TOO_LARGE',
  'FS_MODEL_LOAD',
  'FS_KAFKA_CRASH',
  'FS_KAFKA_SECURITY',
  'FS_SHUTDOWN_TIMEOUT',
  'FS_TRACE_QUERY',
  'FS_TRACE_NOT_FOUND',
  'FS_KAFKAJS_UNSUPPORTED',
] as const;

/** One of the documented worker error codes. */
export type WorkerErrorCode = (typeof WORKER_ERROR_CODES)[number];

/** Base error of the workers package: a stable code, whether a retry can help, and the cause. */
export class WorkerError extends FraudstreamError<WorkerErrorCode> {
  override readonly name: string = 'WorkerError';
}

/**
 * Redis (feature state or retry queue) takes no writes for now: unreachable, refusing commands
 * (OOM, READONLY, BUSY, MISCONF, LOADING...) or not answering in time. Not a per-record failure:
 * the worker pauses its partitions and probes until Redis accepts a write again, so nothing is
 * retried, dead-lettered or lost.
 */
export class RedisUnavailableError extends WorkerError {
  override readonly name = 'RedisUnavailableError';

  /** `what` names the client that failed (features, retry queue, labels). */
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      'FS_REDIS_UNAVAILABLE',
      `${what}: Redis is unavailable (${causeText(options?.cause)})`,
      true,
      options,
    );
  }
}

/**
 * A stage failed in a way that may pass on a later attempt (Redis timeout, inference error,
 * produce error): the records go to the retry queue.
 */
export class TransientStageError extends WorkerError {
  override readonly name = 'TransientStageError';

  /** `code` names the stage's failure; the cause keeps the library's own error. */
  constructor(
    code: 'FS_FEATURES_FAILED' | 'FS_INFERENCE_FAILED' | 'FS_PRODUCE_FAILED' | 'FS_DELIVERY_LEDGER',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, true, options);
  }
}

/** A stage hit a bug or an input it can never handle (TypeError, bad tensor shape): never retried. */
export class InternalStageError extends WorkerError {
  override readonly name = 'InternalStageError';

  /** `stage` is the stage that failed; the message carries the cause's code or class. */
  constructor(stage: string, options: { cause: unknown }) {
    super('FS_INTERNAL', `${stage} stage failed: ${causeText(options.cause)}`, false, options);
  }
}

/**
 * A record is larger than FS_MAX_RECORD_BYTES: never decoded, never retried (the same bytes
 * stay too large), dead-lettered by reference so the dead letter itself stays small.
 */
export class RecordTooLargeError extends WorkerError {
  override readonly name = 'RecordTooLargeError';

  /** `sizeBytes` is the record's key, value and headers; `maxBytes` the limit it passed. */
  constructor(
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(
      'FS_RECORD_TOO_LARGE',
      `record of ${sizeBytes} bytes (key, value and headers) is larger than FS_MAX_RECORD_BYTES (${maxBytes}); dead-lettered by reference, without its value`,
      false,
    );
  }
}

/** A retry job could not be written to the BullMQ queue (so the offset is not committed). */
export class RetryEnqueueError extends WorkerError {
  override readonly name = 'RetryEnqueueError';

  /** `queue` is the BullMQ queue name. */
  constructor(queue: string, options: { cause: unknown }) {
    super(
      'FS_RETRY_ENQUEUE_FAILED',
      `cannot add retry jobs to queue ${queue}: ${causeText(options.cause)}`,
      true,
      options,
    );
  }
}

/** Every retry attempt of a record failed; the last failure is the cause. */
export class RetryExhaustedError extends WorkerError {
  override readonly name = 'RetryExhaustedError';

  /** `attempts` counts every attempt, the first one from Kafka included. */
  constructor(
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(
      'FS_RETRY_EXHAUSTED',
      `gave up after ${attempts} attempts (FS_RETRY_ATTEMPTS); last failure: ${causeText(options.cause)}`,
      false,
      options,
    );
  }
}

/**
 * A retry job stalled (its worker died or froze while holding it) more than
 * FS_RETRY_MAX_STALLED_COUNT times, and BullMQ failed it; the record is dead-lettered.
 */
export class RetryStalledError extends WorkerError {
  override readonly name = 'RetryStalledError';

  /** `attempts` counts every attempt, the first one from Kafka and the stalled ones included. */
  constructor(
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      'FS_RETRY_STALLED',
      `the retry job stalled more often than FS_RETRY_MAX_STALLED_COUNT allows (${attempts} attempts); its worker died or froze while holding it`,
      false,
      options,
    );
  }
}

/**
 * The worker running a retry job lost its lock (it froze past the lock duration and BullMQ gave
 * the job to another worker, or failed it): it must produce nothing more for that job.
 */
export class RetryJobLostError extends WorkerError {
  override readonly name = 'RetryJobLostError';

  /** `jobId` is the retry job's id. */
  constructor(readonly jobId: string) {
    super(
      'FS_RETRY_JOB_LOST',
      `retry job ${jobId} is no longer held by this worker (lock lost); its outcome is left to the current holder`,
      false,
    );
  }
}

/** A model artifact or its pointer cannot be loaded. */
export class ModelLoadError extends WorkerError {
  override readonly name = 'ModelLoadError';

  /** `where` is the artifact directory or pointer file. */
  constructor(where: string, message: string, options?: { cause?: unknown }) {
    super('FS_MODEL_LOAD', `${where}: ${message}`, false, options);
  }
}

/** The Kafka client stopped and will not restart by itself. */
export class KafkaCrashError extends WorkerError {
  override readonly name = 'KafkaCrashError';

  /** `client` names the consumer that crashed. */
  constructor(client: string, options: { cause: unknown }) {
    super('FS_KAFKA_CRASH', `${client} crashed: ${causeText(options.cause)}`, false, options);
  }
}

/**
 * Kafka's connection security does not match the settings: no TLS session with a broker while
 * FS_KAFKA_SECURITY_PROTOCOL asks for TLS (or the reverse), an untrusted certificate, the SASL
 * login refused or its mechanism not enabled. Not retriable: a setting (named in the message) or
 * the broker must change. The message never holds a credential.
 */
export class KafkaSecurityError extends WorkerError {
  override readonly name = 'KafkaSecurityError';

  /** `message` names the settings to check. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('FS_KAFKA_SECURITY', message, false, options);
  }
}

/** Shutdown did not finish within FS_SHUTDOWN_TIMEOUT_MS. */
export class ShutdownTimeoutError extends WorkerError {
  override readonly name = 'ShutdownTimeoutError';

  /** `timeoutMs` is the bound that passed. */
  constructor(timeoutMs: number) {
    super(
      'FS_SHUTDOWN_TIMEOUT',
      `shutdown did not finish within ${timeoutMs} ms (FS_SHUTDOWN_TIMEOUT_MS)`,
      false,
    );
  }
}

/** `code: message` of any error, for messages that wrap it. */
export function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const first = cause.message.split('\n')[0] ?? cause.message;
    const label = typeof code === 'string' ? code : cause.name;
    // Node's system errors already start with their code ("ENOENT: no such file...").
    return first.startsWith(`${label}:`) ? first : `${label}: ${first}`;
  }
  if (cause === undefined) return 'unknown cause';
  if (typeof cause === 'string') return cause;
  try {
    return JSON.stringify(cause) ?? 'unknown cause';
  } catch {
    return 'unserialisable cause';
  }
}

/** Looking up a trace failed: Jaeger unreachable or answering errors, or no such trace. */
export class TraceLookupError extends WorkerError {
  override readonly name = 'TraceLookupError';

  /**
   * `FS_TRACE_QUERY`: the query API could not be used (retriable: Jaeger may be starting).
   * `FS_TRACE_NOT_FOUND`: no trace has the transaction id (retriable: spans arrive in batches).
   */
  constructor(
    code: 'FS_TRACE_QUERY' | 'FS_TRACE_NOT_FOUND',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, true, options);
  }
}

/**
 * `error` and the errors it wraps, outermost first: through `cause`, or kafkajs' `originalError`
 * where it has no cause; at most `maxDepth` of them, objects only.
 */
export function* causeChain(error: unknown, maxDepth = 6): Generator<object> {
  let e: unknown = error;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < maxDepth; depth += 1) {
    yield e;
    const { cause, originalError } = e as { cause?: unknown; originalError?: unknown };
    e = cause ?? originalError;
  }
}

/** True when `error` or one of its causes is a kafkajs protocol error of one of `types`. */
export function hasKafkajsErrorType(error: unknown, types: ReadonlySet<string>): boolean {
  for (const e of causeChain(error, 8)) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && types.has(type)) return true;
  }
  return false;
}

/** The installed kafkajs is not the version whose internals a client fix was written for. */
export class KafkajsVersionError extends WorkerError {
  override readonly name = 'KafkajsVersionError';

  /** `what` says which internal is missing or different. */
  constructor(what: string) {
    super(
      'FS_KAFKAJS_UNSUPPORTED',
      `kafkajs: ${what}; the idle-loop fix in workers/src/kafka/kafkajs-idle-fix.ts targets kafkajs 2.2.x (review it before upgrading kafkajs)`,
      false,
    );
  }
}
