// Reads the feature store's per-card transaction counts and per-terminal fraud counts, to check
// that no transaction or label was counted twice, or lost.
import { RedisFeatureStore } from '@fraudstream/models';
import { harnessRedis } from './services';

/** Transactions the feature store counted for each customer. */
export async function customerCounts(
  redisUrl: string,
  prefix: string,
  customers: Iterable<string>,
): Promise<Map<string, number>> {
  const redis = harnessRedis(redisUrl);
  const store = new RedisFeatureStore({ url: redisUrl, keyPrefix: prefix }, redis);
  const out = new Map<string, number>();
  try {
    for (const customer of customers) {
      out.set(customer, await store.customerTransactionCount(customer));
    }
  } finally {
    await store.close();
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

/**
 * Known frauds the feature store counted for each terminal (labels applied). A terminal series
 * ends with its running sums (transactions, frauds; models/src/features/redis-scripts.ts), so
 * its last double is every fraud counted since the state was created.
 */
export async function terminalFraudCounts(
  redisUrl: string,
  prefix: string,
  terminals: Iterable<string>,
): Promise<Map<string, number>> {
  const redis = harnessRedis(redisUrl);
  const store = new RedisFeatureStore({ url: redisUrl, keyPrefix: prefix }, redis);
  const out = new Map<string, number>();
  try {
    for (const terminal of terminals) {
      const key = store.keysOf({ customer_id: '', terminal_id: terminal, transaction_id: '' });
      const series = await redis.getBuffer(key.terminal);
      out.set(terminal, series === null ? 0 : series.readDoubleLE(series.length - 8));
    }
  } finally {
    redis.disconnect();
    await store.close();
  }
  return out;
}
