// Reads the feature store's per-card transaction counts, to check that no transaction was
// counted twice.
import { RedisFeatureStore } from '@fraudstream/models';

/** Transactions the feature store counted for each customer. */
export async function customerCounts(
  redisUrl: string,
  prefix: string,
  customers: Iterable<string>,
): Promise<Map<string, number>> {
  const store = new RedisFeatureStore({ url: redisUrl, keyPrefix: prefix });
  const out = new Map<string, number>();
  try {
    for (const customer of customers) {
      out.set(customer, await store.customerTransactionCount(customer));
    }
  } finally {
    await store.close();
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
