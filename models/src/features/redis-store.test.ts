import { FeatureStoreError } from '../errors';
import { RedisFeatureStore, toFeatureStoreError } from './redis-store';

describe('RedisFeatureStore errors', () => {
  it('maps client failures to typed, retriable-or-not errors', () => {
    const timeout = toFeatureStoreError(new Error('Command timed out'), 'computeBatch');
    expect([timeout.code, timeout.retriable]).toEqual(['FS_FEATURE_STORE_TIMEOUT', true]);
    const down = toFeatureStoreError(new Error('connect ECONNREFUSED 127.0.0.1:1'), 'computeBatch');
    expect([down.code, down.retriable]).toEqual(['FS_FEATURE_STORE_UNAVAILABLE', true]);
    expect(down.message).toMatch(/FS_REDIS_URL/);
    const script = toFeatureStoreError(new Error('ERR Error running script'), 'applyLabels');
    expect([script.code, script.retriable]).toEqual(['FS_FEATURE_STORE_SCRIPT', false]);
  });

  it('fails a batch with FS_FEATURE_STORE_UNAVAILABLE when Redis cannot be reached', async () => {
    const store = new RedisFeatureStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 500 });
    try {
      const err = await store
        .computeBatch([
          { transaction_id: 't', event_time: 0, customer_id: 'c', terminal_id: 'k', amount: 1 },
        ])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(FeatureStoreError);
      expect((err as FeatureStoreError).retriable).toBe(true);
      expect(['FS_FEATURE_STORE_UNAVAILABLE', 'FS_FEATURE_STORE_TIMEOUT']).toContain(
        (err as FeatureStoreError).code,
      );
    } finally {
      await store.close();
      await store.close();
    }
  });

  it('validates its options once, naming the setting', () => {
    expect(() => new RedisFeatureStore({ commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
  });
});
