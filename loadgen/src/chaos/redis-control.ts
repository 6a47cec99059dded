// The Redis side of the stack faults: is it answering, what are its memory settings, does a write
// fail with OOM. Every call opens a connection of its own that gives up in seconds and never
// reconnects, so a stopped or dead Redis makes a call fail fast instead of queueing it: the
// faults poll, and a poll must not outlive its deadline.
import IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long one connection attempt or command may take, ms. */
const CALL_TIMEOUT_MS = 2000;

/** What a probe write got: accepted, refused with Redis's OOM error, or another error. */
export type WriteProbe =
  | { readonly kind: 'ok' }
  | { readonly kind: 'oom' }
  | { readonly kind: 'error'; readonly message: string };

/** The memory settings a redis-oom fault changes and puts back. */
export interface RedisMemorySettings {
  readonly maxmemory: string;
  readonly maxmemoryPolicy: string;
}

/** Short-lived connections to the Redis at `url` (the workers' FS_REDIS_URL). */
export class RedisControl {
  constructor(private readonly url: string) {}

  /** Runs `f` on a fresh connection and closes it; rejects on a connection or command failure. */
  async with<T>(f: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new IORedis(this.url, {
      lazyConnect: true,
      connectTimeout: CALL_TIMEOUT_MS,
      commandTimeout: CALL_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectionName: 'fraudstream-chaos',
    });
    // Failures reach the caller through the rejected command; the event would only repeat them.
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await f(redis);
    } finally {
      redis.disconnect();
    }
  }

  /** True when Redis answers PING now. */
  async answers(): Promise<boolean> {
    return this.with(async (r) => (await r.ping()) === 'PONG').catch(() => false);
  }

  /** Polls PING until Redis answers (true) or `timeoutMs` has passed (false). */
  async waitUntilAnswers(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.answers()) return true;
      if (Date.now() > deadline) return false;
      await sleep(200);
    }
  }

  /** The current maxmemory and maxmemory-policy (CONFIG GET). */
  async memorySettings(): Promise<RedisMemorySettings> {
    return this.with(async (r) => ({
      maxmemory: await configGet(r, 'maxmemory'),
      maxmemoryPolicy: await configGet(r, 'maxmemory-policy'),
    }));
  }

  /** Sets maxmemory and maxmemory-policy (CONFIG SET), policy first so no write ever evicts. */
  async setMemorySettings(s: RedisMemorySettings): Promise<void> {
    await this.with(async (r) => {
      await r.config('SET', 'maxmemory-policy', s.maxmemoryPolicy);
      await r.config('SET', 'maxmemory', s.maxmemory);
    });
  }

  /** INFO memory's used_memory, bytes. */
  async usedMemory(): Promise<number> {
    const info = await this.with((r) => r.info('memory'));
    const m = /^used_memory:(\d+)/m.exec(info);
    if (m?.[1] === undefined) throw new Error('INFO memory has no used_memory');
    return Number(m[1]);
  }

  /**
   * Writes `key` (expiring in a minute) and deletes it again when the write was accepted: the
   * only test of an OOM fault that counts is a real write being refused.
   */
  async probeWrite(key: string): Promise<WriteProbe> {
    return this.with(async (r) => {
      try {
        await r.set(key, '1', 'PX', 60_000);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return message.startsWith('OOM') ? { kind: 'oom' } : { kind: 'error', message };
      }
      await r.del(key);
      return { kind: 'ok' };
    });
  }
}

async function configGet(r: Redis, name: string): Promise<string> {
  const reply: unknown = await r.config('GET', name);
  // CONFIG GET answers [name, value] (RESP2).
  if (Array.isArray(reply) && typeof reply[1] === 'string') return reply[1];
  throw new Error(`CONFIG GET ${name}: unexpected reply ${JSON.stringify(reply)}`);
}
