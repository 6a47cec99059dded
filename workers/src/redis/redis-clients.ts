// The worker's Redis connections, each configured for what it does:
//   features   fails fast while disconnected (the gate pauses instead of queueing commands)
//   queue      fails fast too, and times out on a hung server (the offset is then not committed)
//   bullmq     retries forever (BullMQ's blocking worker connection requires it)
// Each goes to FS_REDIS_URL, or through the sentinels to the current primary (redis-connection.ts).
import type Redis from 'ioredis';
import type { WorkerConfig } from '../config/worker-config';
import type { Logger } from '../logging/logger';
import { createRedis } from './redis-connection';

/** The feature-state client (not connected yet: see {@link waitForRedis}). */
export function featureRedis(config: WorkerConfig, logger: Logger): Redis {
  const redis = createRedis(config, {
    lazyConnect: true,
    connectionName: `fraudstream-worker-${config.instanceId}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.redisCommandTimeoutMs,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', (error) =>
    logger.debug('redis connection error', { component: 'redis', error }),
  );
  return redis;
}

/** The retry queue's client (adding jobs), connected. */
export async function queueRedis(config: WorkerConfig, logger: Logger): Promise<Redis> {
  const redis = createRedis(config, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.redisCommandTimeoutMs,
  });
  redis.on('error', (error) =>
    logger.debug('retry queue connection error', { component: 'retry', error }),
  );
  await redis.connect();
  return redis;
}

/** The BullMQ worker's client (processing retry jobs). */
export function bullmqRedis(config: WorkerConfig, logger: Logger): Redis {
  const redis = createRedis(config, { maxRetriesPerRequest: null });
  redis.on('error', (error) =>
    logger.debug('retry worker connection error', { component: 'retry', error }),
  );
  return redis;
}

/**
 * How long the Redis gate's health key lives: only the write matters, so it vanishes soon after
 * the last probe (a fleet of short-lived instance ids leaves nothing behind).
 */
export const HEALTH_KEY_TTL_MS = 10_000;

/** The Redis gate's health key of one worker instance, under the feature key prefix. */
export function healthKey(config: Pick<WorkerConfig, 'featureKeyPrefix' | 'instanceId'>): string {
  return `${config.featureKeyPrefix}health:${config.instanceId}`;
}

/**
 * Resolves when Redis accepts a write: a SET with a short TTL on `key`. A PING would not do: a
 * Redis out of memory, read-only, or failing to persist answers PING but refuses every write.
 */
export async function probeWrite(redis: Redis, key: string): Promise<void> {
  await redis.set(key, String(Date.now()), 'PX', HEALTH_KEY_TTL_MS);
}

/** Closes a client politely, or at once when Redis is gone. */
export async function quit(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/**
 * Connects, retrying until Redis accepts a write on `probeKey` (see {@link probeWrite}) or
 * `cancelled()` says to give up: a worker started before Redis, or while it refuses writes,
 * waits for it (not ready meanwhile) instead of joining the group only to pause at once.
 */
export async function waitForRedis(
  redis: Redis,
  probeKey: string,
  logger: Logger,
  cancelled: () => boolean,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
      await probeWrite(redis, probeKey);
      return;
    } catch (error: unknown) {
      if (cancelled()) throw error;
      if (attempt === 1 || attempt % 10 === 0) {
        logger.warn('waiting for Redis', { component: 'redis', attempt, error });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
