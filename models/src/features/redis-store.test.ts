import { FeatureStoreError } from '../errors';
import { RedisFeatureStore, redisUnavailableReply, toFeatureStoreError } from './redis-store';

/** An error as ioredis reports a Redis error reply. */
function replyError(message: string): Error {
  return Object.assign(new Error(message), { name: 'ReplyError' });
}

describe('RedisFeatureStore errors', () => {
  it('maps client failures to typed, retriable-or-not errors', () => {
    const timeout = toFeatureStoreError(new Error('Command timed out'), 'computeBatch');
    expect([timeout.code, timeout.retriable]).toEqual(['FS_FEATURE_STORE_TIMEOUT', true]);
    const down = toFeatureStoreError(new Error('connect ECONNREFUSED 127.0.0.1:1'), 'computeBatch');
    expect([down.code, down.retriable]).toEqual(['FS_FEATURE_STORE_UNAVAILABLE', true]);
    expect(down.message).toMatch(/FS_REDIS_URL/);
    const script = toFeatureStoreError(new Error('ERR Error running script'), 'applyLabels');
    expect([script.code, script.retriable]).toEqual(['FS_FEATURE_STORE_SCRIPT', false]);
    const wrongType = toFeatureStoreError(replyError('WRONGTYPE Operation against a key'), 'x');
    expect([wrongType.code, wrongType.retriable]).toEqual(['FS_FEATURE_STORE_SCRIPT', false]);
  });

  it('maps the replies of a Redis that refuses commands for now to retriable unavailability', () => {
    for (const reply of [
      "OOM command not allowed when used memory > 'maxmemory'.",
      // Redis 7: a write refused inside a script keeps its code.
      "OOM command not allowed when used memory > 'maxmemory'. script: 5849fad0, on @user_script:1.",
      "READONLY You can't write against a read only replica.",
      'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
      'LOADING Redis is loading the dataset in memory',
      'NOREPLICAS Not enough good replicas to write.',
      // Redis 6: the refused command's reply inside the script error.
      "ERR Error running script (call to f_5849fad0): @user_script:1: @user_script: 1: -OOM command not allowed when used memory > 'maxmemory'.",
    ]) {
      const err = toFeatureStoreError(replyError(reply), 'computeBatch');
      expect([err.code, err.retriable, err.cause]).toEqual([
        'FS_FEATURE_STORE_UNAVAILABLE',
        true,
        expect.objectContaining({ message: reply }),
      ]);
      expect(err.message).toMatch(/refuses commands for now/);
    }
  });

  it('names the refusal code of a reply, and nothing else', () => {
    expect(redisUnavailableReply("OOM command not allowed when used memory > 'maxmemory'.")).toBe(
      'OOM',
    );
    expect(redisUnavailableReply('ERR x: @user_script: 3: -READONLY You cannot write')).toBe(
      'READONLY',
    );
    expect(redisUnavailableReply('BUSYGROUP Consumer Group name already exists')).toBeUndefined();
    expect(redisUnavailableReply('ERR unknown command')).toBeUndefined();
    expect(redisUnavailableReply('the OOM killer')).toBeUndefined();
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
