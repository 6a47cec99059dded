// Which failures count as a failed call to Kafka or Redis on fraudstream_errors_total, and
// under which code. Codes, never messages: the label set must stay small (metrics.ts also folds
// any excess into `other`).
import { causeChain } from '../errors';
import { isProgrammerError, isRedisUnavailable } from '../pipeline/failure';
import { errorType } from '../telemetry';

/**
 * The code under which `error` counts as a Kafka failure, or undefined when Kafka is not what
 * failed. FS_PRODUCE_FAILED and FS_KAFKA_CRASH are ours; a bare kafkajs error counts under its
 * protocol error type (`NOT_COORDINATOR`...) or its class name (`KafkaJSConnectionError`...).
 */
export function kafkaErrorCode(error: unknown): string | undefined {
  // Ours wrap kafkajs's errors, which wrap the sockets'.
  for (const e of causeChain(error)) {
    const { code, name, type } = e as { code?: unknown; name?: unknown; type?: unknown };
    if (code === 'FS_PRODUCE_FAILED' || code === 'FS_KAFKA_CRASH') return code;
    if (typeof name === 'string' && name.startsWith('KafkaJS')) {
      return typeof type === 'string' && type !== '' ? type : name;
    }
  }
  return undefined;
}

/**
 * The code under which a failed Redis call counts, or undefined when it must not be counted
 * here: an unavailable Redis (unreachable, refusing writes with OOM, READONLY..., timing out) is
 * counted once per pause by the worker's Redis gate (each chunk that finds it so would otherwise
 * count again), and a programmer error is ours. The feature store's own code
 * (FS_FEATURE_STORE_SCRIPT) wins; a bare ioredis error counts under the error code its reply
 * starts with ("WRONGTYPE ...", "ERR ...").
 */
export function redisErrorCode(error: unknown): string | undefined {
  // A bug in the caller (TypeError...) is not Redis failing.
  if (isRedisUnavailable(error) || isProgrammerError(error)) return undefined;
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string' && own !== '') return own;
  for (const e of causeChain(error)) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (name === 'ReplyError' && typeof message === 'string') {
      const prefix = /^[A-Z]{2,}/.exec(message)?.[0];
      if (prefix !== undefined) return prefix;
    }
    if (typeof code === 'string' && code !== '') return code;
  }
  return errorType(error);
}
