// The delivery ledger in Redis: one key per delivered transaction id under the feature key
// prefix (the worker's ACL already covers it), expiring after FS_DELIVERY_LEDGER_TTL_MS. One
// MGET per chunk to read, one pipelined round trip to write.
import type Redis from 'ioredis';
import type { DeliveryLedger } from '../pipeline/delivery-ledger';

/** The ledger over the worker's Redis client; `keyPrefix` is FS_FEATURE_KEY_PREFIX. */
export class RedisDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlMs: number,
  ) {}

  /** The key of a transaction id. */
  keyOf(id: string): string {
    return `${this.keyPrefix}sent:${id}`;
  }

  /** {@inheritDoc DeliveryLedger.delivered} */
  async delivered(ids: readonly string[]): Promise<ReadonlySet<string>> {
    if (ids.length === 0) return new Set();
    const marks = await this.redis.mget(ids.map((id) => this.keyOf(id)));
    return new Set(ids.filter((_, i) => marks[i] !== null));
  }

  /** {@inheritDoc DeliveryLedger.record} */
  async record(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.set(this.keyOf(id), '1', 'PX', this.ttlMs);
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error !== null)?.[0];
    if (failed !== undefined && failed !== null) throw failed;
  }
}
