// Where the local stack is (deploy/local/env.sh exports these; the defaults match it).
import { randomUUID } from 'node:crypto';
import { loadServiceEndpoints, type KafkaClientName } from '@fraudstream/workers';

/** Kafka bootstrap servers of the local stack. */
export const KAFKA_BROKERS: readonly string[] = (
  process.env.FS_KAFKA_BROKERS ?? '127.0.0.1:19092'
).split(',');

/** The Kafka client the workers under test use (FS_KAFKA_CLIENT; `npm test` runs both). */
export const KAFKA_CLIENT: KafkaClientName = loadServiceEndpoints(process.env).kafkaClient;

/** Redis of the local stack. */
export const REDIS_URL = process.env.FS_REDIS_URL ?? 'redis://127.0.0.1:16379';

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
