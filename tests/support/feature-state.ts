// Reads the feature store's customer counts straight from Redis, to check that no transaction
// was counted twice. The layout is the one models/src/features/redis-scripts.ts documents:
// customer hash `<prefix>c:<customer_id>`, field `n<bucket>` = transactions in that time bucket.
import Redis from 'ioredis';

/** Transactions the feature store counted for each customer (all buckets summed). */
export async function customerCounts(
  redisUrl: string,
  prefix: string,
  customers: Iterable<string>,
): Promise<Map<string, number>> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const out = new Map<string, number>();
  try {
    for (const customer of customers) {
      const fields = await redis.hgetall(`${prefix}c:${customer}`);
      let n = 0;
      for (const [field, value] of Object.entries(fields))
        if (field.startsWith('n')) n += Number(value);
      out.set(customer, n);
    }
  } finally {
    redis.disconnect();
  }
  return out;
}

/** How many transactions of each customer `txs` holds. */
export function expectedCounts(
  txs: Iterable<{ customer_id: string; transaction_id: string }>,
): Map<string, number> {
  const ids = new Map<string, Set<string>>();
  for (const tx of txs) {
    const set = ids.get(tx.customer_id) ?? new Set<string>();
    set.add(tx.transaction_id);
    ids.set(tx.customer_id, set);
  }
  return new Map([...ids].map(([c, s]) => [c, s.size]));
}
