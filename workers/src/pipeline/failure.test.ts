import { toFeatureStoreError } from '@fraudstream/models';
import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import {
  InternalStageError,
  RedisUnavailableError,
  RetryEnqueueError,
  TransientStageError,
} from '../errors';
import { classifyFailure, isRedisUnavailable, reasonCodeOf } from './failure';

describe('classifyFailure', () => {
  it('sees an unreachable Redis through wrapping causes', () => {
    const ioredis = new Error('Connection is closed.');
    expect(classifyFailure(new RedisUnavailableError('features', { cause: ioredis }))).toBe(
      'redis-unavailable',
    );
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:16379'), {
      code: 'ECONNREFUSED',
    });
    const wrapped = new TransientStageError('FS_FEATURES_FAILED', 'round trip', { cause: socket });
    expect(isRedisUnavailable(wrapped)).toBe(true);
  });

  it('never takes a broker that refuses connections for Redis', () => {
    const broker = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', {
      broker: '127.0.0.1:19092',
      code: 'ECONNREFUSED',
    });
    const produce = new TransientStageError('FS_PRODUCE_FAILED', 'produce failed', {
      cause: new KafkaJSNumberOfRetriesExceeded(broker, { retryCount: 5, retryTime: 100 }),
    });
    expect(isRedisUnavailable(produce)).toBe(false);
    expect(classifyFailure(produce)).toBe('transient');
  });

  describe('a Redis that refuses writes or does not answer in time', () => {
    /** ioredis' error for a Redis error reply. */
    const reply = (message: string): Error =>
      Object.assign(new Error(message), { name: 'ReplyError' });
    const REFUSALS = [
      "OOM command not allowed when used memory > 'maxmemory'.",
      "OOM command not allowed when used memory > 'maxmemory'. script: 5849fad0, on @user_script:1.",
      "READONLY You can't write against a read only replica.",
      'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
      'LOADING Redis is loading the dataset in memory',
    ];

    it.each(REFUSALS)('is Redis unavailable, through any wrapper: %s', (message) => {
      // The feature store's error (scoring and label paths), BullMQ's bare reply (retry queue).
      const store = toFeatureStoreError(reply(message), 'computeBatch');
      expect([store.code, store.retriable]).toEqual(['FS_FEATURE_STORE_UNAVAILABLE', true]);
      for (const error of [
        store,
        new RedisUnavailableError('features', { cause: store }),
        reply(message),
        new RetryEnqueueError('q', { cause: reply(message) }),
      ]) {
        expect(isRedisUnavailable(error)).toBe(true);
        expect(classifyFailure(error)).toBe('redis-unavailable');
      }
    });

    it('takes a timeout for unavailability too', () => {
      const store = toFeatureStoreError(new Error('Command timed out'), 'applyLabels');
      expect(store.code).toBe('FS_FEATURE_STORE_TIMEOUT');
      expect(classifyFailure(store)).toBe('redis-unavailable');
      expect(classifyFailure(new Error('Command timed out'))).toBe('redis-unavailable');
      // ...but never a broker's.
      const broker = new KafkaJSRequestTimeoutError(
        'Request Produce(key: 0, version: 7) timed out',
        {
          broker: '127.0.0.1:19092',
          clientId: 'fs',
          correlationId: 1,
          createdAt: 0,
          sentAt: 0,
          pendingDuration: 0,
        },
      );
      expect(
        isRedisUnavailable(new TransientStageError('FS_PRODUCE_FAILED', 'x', { cause: broker })),
      ).toBe(false);
    });

    it('keeps script and data errors non-retriable (a bug, dead-lettered)', () => {
      for (const message of [
        'ERR Error running script (call to f_1): oops',
        'WRONGTYPE Operation against a key',
      ]) {
        const store = toFeatureStoreError(reply(message), 'computeBatch');
        expect([store.code, store.retriable]).toEqual(['FS_FEATURE_STORE_SCRIPT', false]);
        expect(classifyFailure(store)).toBe('internal');
        expect(classifyFailure(new InternalStageError('features', { cause: store }))).toBe(
          'internal',
        );
      }
      // An OOM that is no Redis reply is not Redis's.
      expect(isRedisUnavailable(new Error('OOM killer stopped the child'))).toBe(false);
    });
  });

  it('dead-letters bugs and unknown failures, retries what says it is retriable', () => {
    expect(classifyFailure(new TypeError('x is undefined'))).toBe('internal');
    expect(classifyFailure(new Error('mystery'))).toBe('internal');
    expect(classifyFailure(Object.assign(new Error('busy'), { retriable: true }))).toBe(
      'transient',
    );
  });

  it('names FS_* codes and falls back to FS_INTERNAL', () => {
    expect(reasonCodeOf(new TransientStageError('FS_PRODUCE_FAILED', 'x'))).toBe(
      'FS_PRODUCE_FAILED',
    );
    expect(reasonCodeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('FS_INTERNAL');
  });
});
