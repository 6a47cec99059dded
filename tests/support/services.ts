// Where the local stack is (deploy/local/env.sh exports these; the defaults match it).
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import {
  KAFKA_SECURITY_SETTINGS,
  loadServiceEndpoints,
  REDIS_SECURITY_SETTINGS,
  redisSecurityOptions,
  type KafkaClientName,
  type RedisSecurityOptions,
} from '@fraudstream/workers';
import {
  kafkajsSecurityOptions,
  loadKafkaSecurity,
  type KafkajsSecurityOptions,
} from '@fraudstream/workers/kafka';

/** Kafka bootstrap servers of the local stack. */
export const KAFKA_BROKERS: readonly string[] = (
  process.env.FS_KAFKA_BROKERS ?? '127.0.0.1:19092'
).split(',');

/** The Kafka client the workers under test use (FS_KAFKA_CLIENT; `npm test` runs both). */
export const KAFKA_CLIENT: KafkaClientName = loadServiceEndpoints(process.env).kafkaClient;

/** Redis of the local stack. */
export const REDIS_URL = process.env.FS_REDIS_URL ?? 'redis://127.0.0.1:16379';

// Connection security. In the secured pass of `npm test` (docs/security.md), FS_KAFKA_SASL_*,
// FS_REDIS_USERNAME and friends are the worker principal's: workers under test get them. The
// harness itself creates and deletes topics and reads every key, which only the admin principal
// may: its credentials come as FS_TEST_<the same name without FS_>, e.g.
// FS_TEST_KAFKA_SASL_USERNAME, and override the worker's for the harness alone.
const SECURITY_VARS: readonly string[] = [
  ...Object.values(KAFKA_SECURITY_SETTINGS),
  ...Object.values(REDIS_SECURITY_SETTINGS),
].flatMap((d) => (d.secret === true ? [d.name, `${d.name}_FILE`] : [d.name]));

/** The security variables of the environment, for a worker under test. */
export const WORKER_SECURITY_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  SECURITY_VARS.flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value]];
  }),
);

const HARNESS_ENDPOINTS = loadServiceEndpoints({
  ...process.env,
  ...Object.fromEntries(
    SECURITY_VARS.flatMap((name) => {
      const value = process.env[name.replace(/^FS_/, 'FS_TEST_')];
      return value === undefined ? [] : [[name, value]];
    }),
  ),
});

/** kafkajs `ssl`/`sasl` options of the harness's own clients (none on a plaintext stack). */
export const HARNESS_KAFKA_SECURITY: KafkajsSecurityOptions = kafkajsSecurityOptions(
  loadKafkaSecurity(HARNESS_ENDPOINTS),
);

/** ioredis TLS and ACL-user options of the harness's own Redis clients for `url`. */
export function harnessRedisOptions(url: string = REDIS_URL): RedisSecurityOptions {
  return redisSecurityOptions({ ...HARNESS_ENDPOINTS, redisUrl: url });
}

/** A Redis client of the harness for `url` (not connected until used). */
export function harnessRedis(url: string = REDIS_URL): Redis {
  return new Redis(url, { ...harnessRedisOptions(url), maxRetriesPerRequest: 1 });
}

/** A name no other test (or run) uses: `${prefix}-${uuid}`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it returns a value other than undefined; rejects after `timeoutMs` with
 * `what` and the last state, so a failing test says what it was waiting for.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
  describe?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${describe ? `: ${describe()}` : ''}`,
      );
    await sleep(100);
  }
}
