// Redis cleanup for tests: every test uses unique key prefixes and removes its keys after.
import Redis from 'ioredis';
import { harnessRedisOptions, REDIS_URL } from './services';

/** Deletes every key matching one of `patterns` (SCAN + UNLINK, never KEYS). */
export async function deleteKeys(patterns: readonly string[], url = REDIS_URL): Promise<number> {
  const redis = new Redis(url, { ...harnessRedisOptions(url), maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    for (const match of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Counts the keys matching `match` (SCAN). */
export async function countKeys(url: string, match: string): Promise<number> {
  const redis = new Redis(url, { ...harnessRedisOptions(url), maxRetriesPerRequest: 1 });
  let n = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return n;
}
